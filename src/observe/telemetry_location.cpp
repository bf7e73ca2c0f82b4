#include "observe/telemetry_location.hpp"

namespace sc::observe {

TelemetryLocation telemetry_location(const telemetry::sdk::ResolvedSettings& settings,
                                     const std::optional<tasks::ProjectPaths>& project) {
    const std::string& configured = settings.settings.dir;
    if (!configured.empty()) {
        std::string source = "telemetry.dir";
        for (const telemetry::sdk::SettingRow& row : settings.rows)
            if (row.key == "telemetry.dir")
                source = row.source;
        std::string path = configured[0] == '/' || !project ? configured : project->project_root + "/" + configured;
        return {path, source, {}};
    }
    if (project)
        return {project->store_dir + "/telemetry", "default", project->store_dir};
    return {"", "default", {}};
}

}  // namespace sc::observe
