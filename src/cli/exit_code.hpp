#pragma once
// Exit codes of `sc`, documented in docs/commands.md. Scripts may rely on them.

#include "util/result.hpp"

namespace sc::cli {

enum class ExitCode : int {
    ok = 0,
    failure = 1,      // the operation failed for a reason not listed below
    usage = 2,        // the command line is wrong: unknown command or option, missing argument
    not_found = 3,    // a task, parent, event or trace that was named does not exist
    conflict = 4,     // something already exists, or a concurrent change won
    bad_data = 5,     // a file could not be read as its format (task file, event line, config)
    io = 6,           // the operating system refused: disk full, read-only, permissions
    unsafe_path = 7,  // an id or path would leave the task tree
    internal = 70,    // a bug in sc: please report it
};

ExitCode exit_code_for(ErrorCode code);

}  // namespace sc::cli
