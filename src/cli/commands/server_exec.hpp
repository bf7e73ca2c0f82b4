#pragma once
// Commands whose work lives in sc-server (`mcp`, `search`, `telemetry serve`, `telemetry ship`)
// hand the process over to it, found beside `sc`, so that `sc` links no HTTP, curl, protobuf or
// SQLite code and its start-up stays as measured (docs/architecture.md).

#include <string>
#include <vector>

#include "cli/context.hpp"
#include "util/result.hpp"

namespace sc::cli {

/// Appends the global options every sc-server subcommand takes: --root-dir, --telemetry-dir,
/// --no-telemetry, --quiet.
void append_server_globals(const GlobalOptions& globals, std::vector<std::string>& arguments);

/// Replaces this process with `sc-server ARGUMENTS...` (ARGUMENTS starts with the subcommand).
/// Returns only when that cannot be done, with what to do about it.
Error exec_sc_server(std::vector<std::string> arguments);
/// The same with another program installed beside `sc` (`sc-search`).
Error exec_beside_sc(const std::string& program, std::vector<std::string> arguments);

}  // namespace sc::cli
