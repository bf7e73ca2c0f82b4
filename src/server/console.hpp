#pragma once
// What the long-running sc-server commands (`serve`, `watch`) say on stderr, each line
// "sc-server: ..." written whole with one write (threads say things too), and where they run.

#include <string>

#include "util/result.hpp"

namespace sc::server {

/// "sc-server: <text>\n" on stderr.
void say(const std::string& text);
/// An error and its hint, as `say` writes lines.
void say_error(const Error& error);
/// The working folder, or "." when it cannot be named.
std::string current_directory();

}  // namespace sc::server
