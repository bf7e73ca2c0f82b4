#include "observe/telemetry_location.hpp"

namespace sc::observe {

namespace {

// Relative paths are taken from the project root, so the answer does not depend on which
// subfolder `sc` ran in.
std::string absolute(const std::string& path, const tasks::ProjectPaths& project) {
    if (path.empty() || path[0] == '/')
        return path;
    return project.project_root + "/" + path;
}

}  // namespace

TelemetryLocation resolve_telemetry_dir(const std::string& flag_value, const Environment& environment,
                                        const config::Values& config, const tasks::ProjectPaths& project) {
    if (!flag_value.empty())
        return {absolute(flag_value, project), "--telemetry-dir"};
    if (auto variable = environment.get("SCOPECRAFT_TELEMETRY_DIR"); variable && !variable->empty())
        return {absolute(*variable, project), "SCOPECRAFT_TELEMETRY_DIR"};
    if (auto configured = config.find("telemetry.dir"); configured != config.end() && !configured->second.text.empty())
        return {absolute(configured->second.text, project), configured->second.origin()};
    return {project.store_dir + "/telemetry", "default"};
}

}  // namespace sc::observe
