#pragma once
// Where a project's telemetry store lives: `telemetry.dir` as the settings resolve it
// (--telemetry-dir, then SCOPECRAFT_TELEMETRY_DIR, then the config files), else beside the
// task tree (~/.scopecraft/projects/<project>/telemetry/), so every worktree shares one store.

#include <optional>
#include <string>

#include "tasks/project.hpp"
#include "telemetry/sdk/settings.hpp"

namespace sc::observe {

struct TelemetryLocation {
    std::string path;    // empty when there is neither a setting nor a project
    std::string source;  // as `sc telemetry config` shows it: "flag", "env ...", "file ...:N", "default"
    /// The project's store folder when `path` is the default beside it: telemetry is kept only
    /// while that folder exists (`sc init` makes it), so a command in a project that was never
    /// initialised, or with HOME pointing nowhere, creates nothing. Empty for a configured folder.
    std::string required_folder;
};

/// Relative settings are taken from the project root, so the answer does not depend on which
/// subfolder `sc` ran in.
TelemetryLocation telemetry_location(const telemetry::sdk::ResolvedSettings& settings,
                                     const std::optional<tasks::ProjectPaths>& project);

}  // namespace sc::observe
