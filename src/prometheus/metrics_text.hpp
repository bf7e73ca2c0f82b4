#pragma once
// `sc-server metrics-text`: one scrape of a project's telemetry store, printed, for scripts
// and for checking the exposition without a server (the `/metrics` route answers the same).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sc::prometheus {

/// argv after "metrics-text": [--root-dir DIR] [--telemetry-dir DIR] [--openmetrics]. The
/// store is found as `sc` finds it. Writes the exposition through `out`, errors through `err`;
/// returns the process exit code.
int run_metrics_text(const std::vector<std::string>& arguments, const std::function<void(std::string_view)>& out,
                     const std::function<void(std::string_view)>& err);

}  // namespace sc::prometheus
