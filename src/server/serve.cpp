#include "server/serve.hpp"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>
#include <thread>

#include "cli/context.hpp"
#include "cli/parser.hpp"
#include "config/config_file.hpp"
#include "observe/telemetry_location.hpp"
#include "observe/trace_summaries.hpp"
#include "server/console.hpp"
#include "server/http_server.hpp"
#include "server/routes.hpp"
#include "server/security.hpp"
#include "server/stop_signals.hpp"
#include "server/watch_run.hpp"
#include "ship/background.hpp"
#include "telemetry/pipeline.hpp"
#include "util/files.hpp"

namespace sc::server {

namespace {

constexpr const char* k_usage =
    "sc-server serve [--host HOST] [--port PORT] [--token TOKEN] [--root-dir DIR] [--telemetry-dir DIR] "
    "[--no-telemetry] [--quiet] [--open FILE]...";
constexpr const char* k_version = "0.1.0";

struct Arguments {
    cli::GlobalOptions globals;
    std::map<std::string, std::string> flags;  // by config key
    std::vector<std::string> open_files;       // --open FILE, for the viewer
};

Result<Arguments> parse_arguments(const std::vector<std::string>& arguments) {
    Arguments parsed;
    for (size_t i = 0; i < arguments.size(); ++i) {
        const std::string& word = arguments[i];
        bool has_value = i + 1 < arguments.size();
        auto value_of = [&](const std::string& key) { parsed.flags[key] = arguments[++i]; };
        if (word == "--host" && has_value)
            value_of("telemetry.server.host");
        else if (word == "--port" && has_value)
            value_of("telemetry.server.port");
        else if (word == "--token" && has_value)
            value_of("telemetry.server.token");
        else if (word == "--root-dir" && has_value)
            parsed.globals.root_dir = arguments[++i];
        else if (word == "--telemetry-dir" && has_value)
            parsed.globals.telemetry_dir = arguments[++i];
        else if (word == "--open" && has_value)
            parsed.open_files.push_back(arguments[++i]);
        else if (word == "--no-telemetry")
            parsed.globals.no_telemetry = true;
        else if (word == "--quiet")
            parsed.globals.quiet = true;
        else
            return make_error(ErrorCode::invalid_argument,
                              "unknown argument \"" + word + "\"" + (has_value ? "" : " or a missing value"),
                              std::string("usage: ") + k_usage);
    }
    return parsed;
}

}  // namespace

int run_serve(const std::vector<std::string>& arguments) {
    Result<Arguments> parsed = parse_arguments(arguments);
    if (!parsed.ok()) {
        say_error(parsed.error());
        return 2;
    }
    // A file-size limit makes the store's write fail (and be undone) rather than kill the server.
    ::signal(SIGXFSZ, SIG_IGN);
    // Before any thread starts: the server stops from the thread that takes SIGINT or SIGTERM.
    sigset_t signals = block_stop_signals();

    try {
        ProcessEnvironment environment;
        SystemClock clock;
        const bool quiet = parsed.value().globals.quiet;
        cli::Context context(environment, clock, current_directory(), parsed.value().globals, [quiet](const Error& w) {
            if (!quiet)
                say("warning: " + w.message + (w.hint.empty() ? "" : "\n  hint: " + w.hint));
        });

        std::map<std::string, std::string> flags = cli::telemetry_flags(context.globals());
        for (const auto& [key, value] : parsed.value().flags)
            flags[key] = value;
        telemetry::sdk::SettingsSources sources;
        sources.environment = &environment;
        sources.file = &context.config();
        sources.flags = &flags;
        telemetry::sdk::ResolvedSettings resolved = telemetry::sdk::resolve_settings(sources);
        for (const Error& warning : resolved.warnings)
            context.warn(warning);
        const telemetry::sdk::TelemetrySettings& settings = resolved.settings;

        // Refuse a reachable address without a token before anything else happens.
        const bool loopback = is_loopback_host(settings.server_host);
        if (!loopback && settings.server_token.empty()) {
            say_error(make_error(ErrorCode::invalid_argument,
                                 "refusing to listen on " + settings.server_host +
                                     " without a token: other machines could write to the store",
                                 "pass --token TOKEN (or set SCOPECRAFT_SERVER_TOKEN, or telemetry.server.token in "
                                 "the config file); clients then send \"Authorization: Bearer TOKEN\". Or listen on "
                                 "127.0.0.1"));
            return 2;
        }

        // The store: received telemetry and the server's own go to the project's store.
        std::optional<tasks::ProjectPaths> project;
        if (Result<tasks::ProjectPaths> found = context.project(); found.ok())
            project = found.value();
        observe::TelemetryLocation location = observe::telemetry_location(resolved, project);
        if (location.path.empty()) {
            say_error(make_error(ErrorCode::not_found, "no telemetry store to write to (not in a project)",
                                 "run it in a project (sc init), or pass --root-dir DIR or --telemetry-dir DIR"));
            return 2;
        }
        if (!location.required_folder.empty() && !files::is_directory(location.required_folder)) {
            say_error(make_error(ErrorCode::not_found,
                                 "the project has no task store yet (" + location.required_folder + ")",
                                 "run sc init in the project first, or pass --telemetry-dir DIR"));
            return 2;
        }
        store::StoreOptions store_options;
        store::parse_durability(settings.durability, store_options.durability);
        auto writer = std::make_shared<StoreWriter>(location.path, store_options);
        if (Status opened = writer->open(); !opened.ok()) {
            say_error(opened.error());
            return 1;
        }

        // The server's own telemetry: a long-running pipeline (background batch export, periodic
        // metrics) into the same store, flushed when the server stops.
        std::unique_ptr<telemetry::Pipeline> pipeline;
        if (settings.enabled) {
            telemetry::PipelineOptions options;
            options.settings = settings;
            options.process = telemetry::ProcessKind::long_running;
            options.service_version = k_version;
            options.environment = &environment;
            options.clock = &clock;
            options.make_sink = [writer] { return writer; };
            options.on_export_failure = [](const Error& error) {
                say("warning: telemetry: " + error.message + " (the server goes on serving)");
            };
            std::vector<Error> warnings;
            pipeline = telemetry::Pipeline::start(std::move(options), warnings);
            for (const Error& warning : warnings)
                context.warn(warning);
        }

        ServeContext serve;
        serve.context = &context;
        serve.settings = &resolved;
        serve.store_root = location.path;
        serve.store = writer;
        serve.host = settings.server_host;
        serve.loopback = loopback;
        serve.open_files = parsed.value().open_files;
        serve.log = [](const std::string& line) { say(line); };
        Router router;
        add_all_routes(router, serve);

        HttpServerOptions options;
        options.host = settings.server_host;
        options.port = settings.server_port;
        options.token = settings.server_token;
        options.log = [](const std::string& line) { say(line); };
        HttpServer server(std::move(options), std::move(router));
        Result<int> port = server.bind();
        if (!port.ok()) {
            say_error(port.error());
            return 1;
        }

        // Store and forward: with an OTLP endpoint configured, the server ships as it runs.
        std::unique_ptr<ship::BackgroundShipper> shipper = ship::start_server_shipping(
            location.path, context, settings.server_host, port.value(), [](const std::string& line) { say(line); });

        // The trace list's summaries kept up to date between requests (observe/trace_summaries.hpp).
        std::optional<observe::TraceSummaryKeeper> trace_summaries;
        trace_summaries.emplace(location.path, std::chrono::milliseconds(200));

        // The watch service for the project's commands (docs/commands.md, "sc watch"), unless
        // one runs already.
        std::unique_ptr<WatchThread> watch = WatchThread::start(context, [](const std::string& line) { say(line); });

        std::atomic<bool> finished {false};
        std::optional<StopSignalThread> stopper;
        stopper.emplace(signals, [&server, &finished](int received) {
            say(std::string("stopping (") + (received == SIGINT ? "SIGINT" : "SIGTERM") +
                "): finishing the requests in flight");
            // stop() is a no-op until run() has started listening: repeat until it has ended.
            while (!finished.load()) {
                server.stop();
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });

        std::string shown_host = settings.server_host.find(':') != std::string::npos ? "[" + settings.server_host + "]"
                                                                                     : settings.server_host;
        say("listening on http://" + shown_host + ":" + std::to_string(port.value()) + " (store " + location.path +
            (settings.server_token.empty() ? "" : ", bearer token required") + ")");
        Status served = server.run();
        finished.store(true);
        stopper.reset();  // woken if no signal came (the listener failed on its own)
        if (shipper)
            shipper->stop();
        trace_summaries.reset();
        watch.reset();

        if (pipeline)
            pipeline->shutdown();
        if (Status flushed = writer->flush(); !flushed.ok())
            say_error(flushed.error());
        if (!served.ok()) {
            say_error(served.error());
            return 1;
        }
        say("stopped");
        return 0;
    } catch (const std::exception& exception) {
        say(std::string("error: unexpected failure: ") + exception.what());
    }
    return 70;
}

}  // namespace sc::server
