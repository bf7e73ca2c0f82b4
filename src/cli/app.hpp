#pragma once
// The entry point of `sc`: parse, run one command, render, map errors to exit codes.

#include <string>
#include <vector>

namespace sc::cli {

/// Runs `sc` with the given argv. Writes the command's output to stdout and messages to
/// stderr; returns the process exit code. The one catch site for unexpected exceptions.
int run(const std::vector<std::string>& arguments);

/// The argv `run` was given (for a command that hands the process over: `search`).
const std::vector<std::string>& command_line_arguments();

}  // namespace sc::cli
