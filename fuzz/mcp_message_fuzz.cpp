// Feeds arbitrary bytes to the MCP server as stdio input: every line must be answered with
// valid one-line JSON (or nothing, for notifications), and nothing may throw or crash.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mcp/server.hpp"
#include "mcp/stdio_transport.hpp"
#include "util/clock.hpp"
#include "util/environment.hpp"

namespace {

struct Fixture {
    Fixture() {
        char pattern[] = "/tmp/sc-mcp-fuzz-XXXXXX";
        folder = ::mkdtemp(pattern);
        environment.set("HOME", folder);
        environment.set("OTEL_SDK_DISABLED", "true");
    }
    std::string folder;
    sc::MapEnvironment environment;
    sc::SystemClock clock;
};

void check(const std::string& message) {
    if (message.find('\n') != std::string::npos)
        std::abort();  // one message, one line
    if (nlohmann::json::parse(message, nullptr, false).is_discarded())
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Fixture fixture;
    sc::mcp::HostSettings host;
    host.environment = &fixture.environment;
    host.clock = &fixture.clock;
    host.working_directory = fixture.folder;
    host.globals.root_dir = fixture.folder;
    host.globals.no_telemetry = true;
    sc::mcp::Server server({}, sc::mcp::all_tools(), host);
    std::string_view input(reinterpret_cast<const char*>(data), size);
    // Half the inputs start on an initialized session, so tools/call and batches are reached.
    if (size > 0 && (data[0] & 1) != 0)
        server.handle(
            R"({"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-03-26"}})");
    sc::mcp::LineReader reader(1 << 16);
    auto on_line = [&](std::string_view line) {
        for (const std::string& message : server.handle(line))
            check(message);
    };
    reader.feed(input, on_line, [&](size_t bytes) { check(server.too_large(bytes, 1 << 16)); });
    reader.finish(on_line);
    return 0;
}
