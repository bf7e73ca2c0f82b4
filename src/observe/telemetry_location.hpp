#pragma once
// Where a project's telemetry store lives: `--telemetry-dir`, then SCOPECRAFT_TELEMETRY_DIR,
// then `telemetry.dir` in a config file, then beside the task tree
// (~/.scopecraft/projects/<project>/telemetry/), so every worktree shares one store.

#include <string>

#include "config/config_file.hpp"
#include "tasks/project.hpp"
#include "util/environment.hpp"

namespace sc::observe {

struct TelemetryLocation {
    std::string path;
    std::string source;  // "--telemetry-dir", "SCOPECRAFT_TELEMETRY_DIR", "<file>:<line>", "default"
};

TelemetryLocation resolve_telemetry_dir(const std::string& flag_value, const Environment& environment,
                                        const config::Values& config, const tasks::ProjectPaths& project);

}  // namespace sc::observe
