#pragma once
// `sc-server ship [options]`: what `sc telemetry ship` hands over to (docs/commands.md).

#include <string>
#include <vector>

namespace sc::ship {

/// Parses the arguments, resolves the store and the export settings as `sc` does, ships, and
/// prints the report on stdout. Returns the process exit code.
int run_ship(const std::vector<std::string>& arguments);

}  // namespace sc::ship
