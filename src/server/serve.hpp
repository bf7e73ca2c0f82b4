#pragma once
// `sc-server serve` (what `sc telemetry serve` runs): the long-running network server.

#include <string>
#include <vector>

namespace sc::server {

/// argv after "serve": --host H, --port P (0: any free port), --token T, --root-dir DIR,
/// --telemetry-dir DIR, --no-telemetry, --quiet. Serves until SIGINT or SIGTERM, lets the
/// requests in flight finish, flushes its telemetry and returns 0; 2 for a usage error or a
/// refused configuration, 1 when it cannot listen or open the store.
int run_serve(const std::vector<std::string>& arguments);

}  // namespace sc::server
