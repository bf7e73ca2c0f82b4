#include "prometheus/metrics_text.hpp"

#include <unistd.h>

#include "cli/commands/telemetry_support.hpp"
#include "cli/context.hpp"
#include "prometheus/store_metrics.hpp"
#include "util/clock.hpp"
#include "util/environment.hpp"

namespace sc::prometheus {

namespace {

std::string current_directory() {
    char buffer[4096];
    return ::getcwd(buffer, sizeof buffer) == nullptr ? "." : buffer;
}

}  // namespace

int run_metrics_text(const std::vector<std::string>& arguments, const std::function<void(std::string_view)>& out,
                     const std::function<void(std::string_view)>& err) {
    cli::GlobalOptions globals;
    bool openmetrics = false;
    for (size_t i = 0; i < arguments.size(); ++i) {
        const std::string& word = arguments[i];
        bool has_value = i + 1 < arguments.size();
        if (word == "--root-dir" && has_value) {
            globals.root_dir = arguments[++i];
        } else if (word == "--telemetry-dir" && has_value) {
            globals.telemetry_dir = arguments[++i];
        } else if (word == "--openmetrics") {
            openmetrics = true;
        } else {
            err("sc-server: error: unknown argument \"" + word +
                "\" (sc-server metrics-text [--root-dir DIR] [--telemetry-dir DIR] [--openmetrics])\n");
            return 2;
        }
    }
    ProcessEnvironment environment;
    SystemClock clock;
    cli::Context context(environment, clock, current_directory(), globals, nullptr);
    Result<std::string> root = cli::existing_store(context);
    if (!root.ok()) {
        err("sc-server: error: " + root.error().describe() + "\n");
        if (!root.error().hint.empty())
            err("  hint: " + root.error().hint + "\n");
        return 3;
    }
    StoreMetrics metrics(*root);
    Result<ScrapeAnswer> answer = metrics.scrape(openmetrics ? "application/openmetrics-text; version=1.0.0" : "");
    if (!answer.ok()) {
        err("sc-server: error: " + answer.error().describe() + "\n");
        return 1;
    }
    out(answer->body);
    return 0;
}

}  // namespace sc::prometheus
