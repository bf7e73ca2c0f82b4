#include "cli/commands/telemetry_support.hpp"

#include "util/files.hpp"

namespace sc::cli {

Result<tasks::ProjectPaths> resolve_project_paths(Context& context) {
    tasks::ProjectOptions options;
    if (!context.globals().root_dir.empty())
        options.root_dir = context.globals().root_dir;
    options.current_directory = context.working_directory();
    return tasks::resolve_project(context.environment(), options);
}

config::Values load_config(Context& context, const tasks::ProjectPaths& project) {
    std::vector<std::string> paths = config::default_paths(context.environment(), project.project_root);
    config::Loaded loaded = config::load_files(paths);
    for (const Error& warning : loaded.warnings)
        context.warn(warning);
    return std::move(loaded.values);
}

Result<observe::TelemetryLocation> telemetry_location(Context& context) {
    tasks::ProjectPaths project = SC_TRY(resolve_project_paths(context));
    config::Values config = load_config(context, project);
    return observe::resolve_telemetry_dir(context.globals().telemetry_dir, context.environment(), config, project);
}

Result<std::string> existing_store(Context& context) {
    observe::TelemetryLocation location = SC_TRY(telemetry_location(context));
    if (!files::is_directory(location.path))
        return make_error(ErrorCode::not_found, "no telemetry recorded yet", Location {location.path, 0, {}},
                          "run a task command with telemetry enabled (the default), or point --telemetry-dir at "
                          "a store");
    return location.path;
}

Result<int64_t> parse_time_option(const std::string& text, const std::string& option, int64_t now_unix_nanos) {
    int64_t parsed = 0;
    if (parse_rfc3339(text, parsed))
        return parsed;
    if (text.size() >= 2) {
        char unit = text.back();
        std::string number = text.substr(0, text.size() - 1);
        bool digits = !number.empty() && number.find_first_not_of("0123456789") == std::string::npos;
        int64_t seconds_per_unit = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
        if (digits && seconds_per_unit > 0 && number.size() < 10)
            return now_unix_nanos - std::stoll(number) * seconds_per_unit * 1'000'000'000LL;
    }
    return make_error(ErrorCode::invalid_argument, "\"" + text + "\" is not a time", Location {"", 0, option},
                      "use RFC 3339 (2026-11-27T13:00:00Z), a date (2026-11-27) or a duration back from now (15m, "
                      "2h, 7d)");
}

}  // namespace sc::cli
