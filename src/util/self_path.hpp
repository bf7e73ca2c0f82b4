#pragma once
// Where the running executable is, to find its companions (`sc mcp` runs `sc-server` from the
// same folder). Linux answers through /proc/self/exe; elsewhere, or with the CMake option
// SC_SELF_EXE_PROC=OFF, the POSIX way: argv[0] as given, searched in PATH when it has no '/'.

#include <optional>
#include <string>

namespace sc::self_path {

/// Remembers argv[0] for the POSIX way; call once at start.
void set_argv0(std::string argv0);

/// The absolute path of the running executable; nullopt when it cannot be told.
std::optional<std::string> executable();

/// The two ways, both always built so both are tested.
std::optional<std::string> from_proc_self_exe();
std::optional<std::string> from_argv0(const std::string& argv0, const std::string& path_variable,
                                      const std::string& working_directory);

/// The file `name` in the folder of `executable`.
std::string sibling(const std::string& executable, const std::string& name);

}  // namespace sc::self_path
