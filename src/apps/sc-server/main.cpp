// `sc-server`: the long-running side of sc. `sc-server mcp` serves MCP over stdio (what
// `sc mcp` runs); `sc-server serve` is the network server (what `sc telemetry serve` runs).
// The work lives in the libraries (docs/architecture.md).
#include <cstdio>
#include <string>
#include <vector>

#include "mcp/run.hpp"
#include "server/serve.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    if (!arguments.empty() && arguments[0] == "mcp")
        return sc::mcp::run_stdio_server(std::vector<std::string>(arguments.begin() + 1, arguments.end()));
    if (!arguments.empty() && arguments[0] == "serve")
        return sc::server::run_serve(std::vector<std::string>(arguments.begin() + 1, arguments.end()));
    std::string usage =
        "usage: sc-server mcp [--root-dir DIR] [--telemetry-dir DIR] [--no-telemetry] [--quiet]\n"
        "       sc-server serve [--host HOST] [--port PORT] [--token TOKEN] [--root-dir DIR] [--telemetry-dir DIR] "
        "[--no-telemetry] [--quiet]\n";
    [[maybe_unused]] auto written = ::fwrite(usage.data(), 1, usage.size(), stderr);
    return 2;
}
