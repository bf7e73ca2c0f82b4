#include "cli/commands/telemetry_support.hpp"

#include "util/files.hpp"

namespace sc::cli {

telemetry::sdk::ResolvedSettings telemetry_settings(Context& context) {
    std::map<std::string, std::string> flags = telemetry_flags(context.globals());
    telemetry::sdk::SettingsSources sources;
    sources.environment = &context.environment();
    sources.file = &context.config();
    sources.flags = &flags;
    return telemetry::sdk::resolve_settings(sources);
}

Result<observe::TelemetryLocation> telemetry_location(Context& context) {
    Result<tasks::ProjectPaths> project = context.project();
    observe::TelemetryLocation location = observe::telemetry_location(
        telemetry_settings(context), project.ok() ? std::optional(project.value()) : std::nullopt);
    if (location.path.empty())
        return project.error();
    return location;
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
