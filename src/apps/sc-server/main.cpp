// `sc-server`: the long-running side of sc. `sc-server mcp` serves MCP over stdio (what
// `sc mcp` runs); `sc-server serve` is the network server (what `sc telemetry serve` runs);
// `sc-server ship` sends the telemetry store to an OTLP/HTTP backend (what `sc telemetry ship`
// runs); `sc-server metrics-text` prints one Prometheus scrape of the store. The work lives in
// the libraries (docs/architecture.md).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/app.hpp"
#include "cli/search_handler.hpp"
#include "mcp/run.hpp"
#include "prometheus/metrics_text.hpp"
#include "server/serve.hpp"
#include "server/watch_run.hpp"
#include "ship/run.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    sc::cli::install_search_handler();
    // `sc-server cli ARGS...` runs ARGS as `sc` would, with the commands that live here
    // (`sc search` execs it so that sc itself links no SQLite).
    if (!arguments.empty() && arguments[0] == "cli") {
        arguments[0] = argv[0];
        return sc::cli::run(arguments);
    }
    if (!arguments.empty() && arguments[0] == "mcp")
        return sc::mcp::run_stdio_server(std::vector<std::string>(arguments.begin() + 1, arguments.end()));
    if (!arguments.empty() && arguments[0] == "serve")
        return sc::server::run_serve(std::vector<std::string>(arguments.begin() + 1, arguments.end()));
    if (!arguments.empty() && arguments[0] == "watch")
        return sc::server::run_watch(std::vector<std::string>(arguments.begin() + 1, arguments.end()));
    if (!arguments.empty() && arguments[0] == "metrics-text") {
        auto write_to = [](FILE* stream) {
            return [stream](std::string_view text) {
                [[maybe_unused]] auto written = ::fwrite(text.data(), 1, text.size(), stream);
            };
        };
        return sc::prometheus::run_metrics_text(std::vector<std::string>(arguments.begin() + 1, arguments.end()),
                                                write_to(stdout), write_to(stderr));
    }
    if (!arguments.empty() && arguments[0] == "ship")
        return sc::ship::run_ship(std::vector<std::string>(arguments.begin() + 1, arguments.end()));
    std::string usage =
        "usage: sc-server mcp [--root-dir DIR] [--telemetry-dir DIR] [--no-telemetry] [--quiet]\n"
        "       sc-server serve [--host HOST] [--port PORT] [--token TOKEN] [--root-dir DIR] [--telemetry-dir DIR] "
        "[--no-telemetry] [--quiet]\n"
        "       sc-server watch [--root-dir DIR] [--quiet]\n"
        "       sc-server metrics-text [--root-dir DIR] [--telemetry-dir DIR] [--openmetrics]\n"
        "       sc-server ship [--follow] [--endpoint URL] [--protocol http/protobuf|http/json] [...]\n"
        "       sc-server cli search [sc search's arguments]\n";
    [[maybe_unused]] auto written = ::fwrite(usage.data(), 1, usage.size(), stderr);
    return 2;
}
