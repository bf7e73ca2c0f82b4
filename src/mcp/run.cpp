#include "mcp/run.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <exception>

#include "mcp/heap_reuse.hpp"
#include "mcp/server.hpp"
#include "mcp/stdio_transport.hpp"
#include "telemetry/sdk/ids.hpp"

namespace sc::mcp {

namespace {

void say(const std::string& text) {
    std::string line = "sc-server: " + text + "\n";
    [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

std::string current_directory() {
    char buffer[4096];
    return ::getcwd(buffer, sizeof buffer) == nullptr ? "." : buffer;
}

}  // namespace

int run_stdio_server(const std::vector<std::string>& arguments) {
    cli::GlobalOptions globals;
    for (size_t i = 0; i < arguments.size(); ++i) {
        const std::string& word = arguments[i];
        bool has_value = i + 1 < arguments.size();
        if (word == "--root-dir" && has_value)
            globals.root_dir = arguments[++i];
        else if (word == "--telemetry-dir" && has_value)
            globals.telemetry_dir = arguments[++i];
        else if (word == "--no-telemetry")
            globals.no_telemetry = true;
        else if (word == "--quiet")
            globals.quiet = true;
        else {
            say("error: unknown argument \"" + word +
                "\" (sc-server mcp [--root-dir DIR] [--telemetry-dir DIR] "
                "[--no-telemetry] [--quiet])");
            return 2;
        }
    }
    // A client that goes away closes the pipe: the write fails with EPIPE instead of killing us
    // before telemetry is flushed.
    ::signal(SIGPIPE, SIG_IGN);
    // Large answers (task_list) reuse the memory of the previous one instead of faulting in
    // new pages; at most this much freed memory is kept (heap_reuse.hpp).
    (void)keep_freed_memory(size_t {64} << 20);
    try {
        ProcessEnvironment environment;
        SystemClock clock;
        HostSettings host;
        host.environment = &environment;
        host.clock = &clock;
        host.working_directory = current_directory();
        host.globals = globals;
        ServerOptions options;
        options.session_id = telemetry::to_hex(telemetry::sdk::new_trace_id());
        Server server(std::move(options), all_tools(), std::move(host));
        return serve_stdio(server, STDIN_FILENO, STDOUT_FILENO);
    } catch (const std::exception& exception) {
        say(std::string("error: unexpected failure: ") + exception.what());
    }
    return 70;
}

}  // namespace sc::mcp
