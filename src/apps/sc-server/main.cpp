// `sc-server`: the long-running side of sc. `sc-server mcp` serves MCP over stdio (what
// `sc mcp` runs). The work lives in the libraries (docs/architecture.md).
#include <cstdio>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "cli/search_handler.hpp"
#include "mcp/run.hpp"

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
    std::string usage =
        "usage: sc-server mcp [--root-dir DIR] [--telemetry-dir DIR] [--no-telemetry] [--quiet]\n"
        "       sc-server cli search [sc search's arguments]\n";
    [[maybe_unused]] auto written = ::fwrite(usage.data(), 1, usage.size(), stderr);
    return 2;
}
