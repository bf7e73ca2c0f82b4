#include "ship/run.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <random>
#include <thread>

#include "cli/commands/telemetry_support.hpp"
#include "cli/context.hpp"
#include "cli/exit_code.hpp"
#include "ship/shipper.hpp"
#include "util/text.hpp"

namespace sc::ship {

namespace {

std::atomic<bool> g_stop {false};

extern "C" void on_stop_signal(int) {
    g_stop.store(true);
}

void say(const std::string& text) {
    std::string line = "sc-server ship: " + text + "\n";
    [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

void print(const std::string& text) {
    [[maybe_unused]] size_t written = std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

std::string current_directory() {
    char buffer[4096];
    return ::getcwd(buffer, sizeof buffer) == nullptr ? "." : buffer;
}

/// Sleeps in short slices so that SIGINT/SIGTERM end a long backoff promptly.
class StopAwareSleeper final : public Sleeper {
public:
    bool sleep(std::chrono::milliseconds duration) override {
        auto until = std::chrono::steady_clock::now() + duration;
        while (!g_stop.load()) {
            auto left = until - std::chrono::steady_clock::now();
            if (left <= std::chrono::steady_clock::duration::zero())
                return true;
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds {50}));
        }
        return false;
    }
};

constexpr const char* k_usage =
    "usage: sc-server ship [--follow] [--endpoint URL] [--protocol http/protobuf|http/json] [--cursor NAME]\n"
    "                      [--signals LIST] [--give-up-after DURATION] [--batch-lines N] [--root-dir DIR] "
    "[--telemetry-dir DIR]\n"
    "                      [--format text|json] [--quiet]";

struct Arguments {
    cli::GlobalOptions globals;
    std::map<std::string, std::string> flags;  // export settings by config key
    ShipOptions options;
    bool json = false;
};

Result<Arguments> parse(const std::vector<std::string>& arguments) {
    Arguments parsed;
    auto usage = [](const std::string& why) {
        return make_error(ErrorCode::invalid_argument, why, std::string(k_usage));
    };
    for (size_t i = 0; i < arguments.size(); ++i) {
        const std::string& word = arguments[i];
        bool has_value = i + 1 < arguments.size();
        auto value = [&]() -> const std::string& { return arguments[++i]; };
        if (word == "--follow") {
            parsed.options.follow = true;
        } else if (word == "--quiet") {
            parsed.globals.quiet = true;
        } else if (word == "--no-telemetry" || word == "--no-color") {
            // Accepted for symmetry with sc's global options; the shipper records nothing.
        } else if (!has_value) {
            return usage("unknown argument or missing value: \"" + word + "\"");
        } else if (word == "--root-dir") {
            parsed.globals.root_dir = value();
        } else if (word == "--telemetry-dir") {
            parsed.globals.telemetry_dir = value();
        } else if (word == "--endpoint") {
            parsed.flags["telemetry.export.otlp.endpoint"] = value();
        } else if (word == "--protocol") {
            parsed.flags["telemetry.export.otlp.protocol"] = value();
        } else if (word == "--cursor") {
            parsed.options.cursor_name = value();
        } else if (word == "--format") {
            const std::string& format = value();
            if (format != "json" && format != "text")
                return usage("--format is text or json, not \"" + format + "\"");
            parsed.json = format == "json";
        } else if (word == "--give-up-after") {
            int64_t milliseconds = 0;
            const std::string& text = value();
            if (!config::parse_duration_ms(text, milliseconds) || milliseconds < 0)
                return usage("--give-up-after needs a duration such as 60s or 5m, not \"" + text + "\"");
            parsed.options.give_up_after = std::chrono::milliseconds {milliseconds};
        } else if (word == "--signals") {
            parsed.options.signals.clear();
            for (std::string_view name : text::split(value(), ',')) {
                store::Signal signal;
                if (!store::parse_signal(text::trim(name), signal))
                    return usage("--signals takes traces, metrics, logs and events, not \"" + std::string(name) + "\"");
                parsed.options.signals.push_back(signal);
            }
        } else if (word == "--batch-lines") {
            int64_t lines = 0;
            const std::string& text = value();
            if (!config::parse_integer(text, lines) || lines < 1 || lines > 1'000'000)
                return usage("--batch-lines needs a whole number from 1 to 1000000, not \"" + text + "\"");
            parsed.options.max_batch_lines = static_cast<size_t>(lines);
        } else {
            return usage("unknown argument \"" + word + "\"");
        }
    }
    return parsed;
}

void print_error(const Error& error) {
    say("error: " + error.describe());
    if (!error.hint.empty())
        say("hint: " + error.hint);
}

}  // namespace

int run_ship(const std::vector<std::string>& arguments) {
    Result<Arguments> parsed = parse(arguments);
    if (!parsed.ok()) {
        print_error(parsed.error());
        return static_cast<int>(cli::ExitCode::usage);
    }
    Arguments& args = *parsed;
    try {
        ProcessEnvironment environment;
        SystemClock clock;
        bool quiet = args.globals.quiet;
        cli::Context context(environment, clock, current_directory(), args.globals, [quiet](const Error& warning) {
            if (!quiet)
                say("warning: " + warning.describe());
        });
        Result<std::string> root = cli::existing_store(context);
        if (!root.ok()) {
            print_error(root.error());
            return static_cast<int>(cli::exit_code_for(root.error().code));
        }
        telemetry::sdk::SettingsSources sources;
        sources.environment = &environment;
        sources.file = &context.config();
        sources.flags = &args.flags;
        telemetry::sdk::ExportSettings settings = telemetry::sdk::resolve_export_settings(sources);
        for (const Error& warning : settings.warnings)
            context.warn(warning);
        // A flag that does not parse is an error, not a warning: the user asked for it just now.
        for (const Error& warning : settings.warnings) {
            if (warning.message.find("from flag is not valid") != std::string::npos) {
                print_error(warning);
                return static_cast<int>(cli::ExitCode::usage);
            }
        }
        args.options.store_root = *root;
        args.options.targets = settings.targets;

        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, nullptr);
        ::sigaction(SIGTERM, &action, nullptr);
        ::signal(SIGPIPE, SIG_IGN);

        CurlHttpClient client;
        StopAwareSleeper sleeper;
        std::mt19937_64 generator {std::random_device {}()};
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        ShipSeams seams;
        seams.client = &client;
        seams.clock = &clock;
        seams.sleeper = &sleeper;
        seams.random01 = [&] { return uniform(generator); };
        seams.log = [quiet](const std::string& line) {
            if (!quiet)
                say(line);
        };
        seams.stop = &g_stop;
        if (!quiet) {
            const telemetry::sdk::OtlpTarget& traces = settings.target(telemetry::sdk::OtlpSignal::traces);
            say(std::string(args.options.follow ? "following " : "shipping ") + *root + " to " + traces.url +
                " and the metrics and logs endpoints beside it (" +
                std::string(telemetry::sdk::to_string(traces.protocol)) + ")");
        }
        Result<ShipReport> report = ship(args.options, seams);
        if (!report.ok()) {
            print_error(report.error());
            return static_cast<int>(cli::exit_code_for(report.error().code));
        }
        print(args.json ? report->to_json() + "\n" : report->to_text());
        if (report->failure) {
            print_error(*report->failure);
            return static_cast<int>(cli::exit_code_for(report->failure->code));
        }
        for (const SignalReport& counts : report->by_signal)
            if (counts.rejected_batches > 0)
                return static_cast<int>(cli::ExitCode::bad_data);
        return 0;
    } catch (const std::exception& exception) {
        say(std::string("error: unexpected failure: ") + exception.what());
    }
    return static_cast<int>(cli::ExitCode::internal);
}

}  // namespace sc::ship
