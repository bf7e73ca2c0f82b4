#pragma once
// Shared by the commands that read or manage the telemetry store: where it is, and a reader
// of it.

#include <string>

#include "cli/context.hpp"
#include "observe/telemetry_location.hpp"
#include "store/reader.hpp"
#include "tasks/project.hpp"

namespace sc::cli {

/// The project (as `--root-dir`, SCOPECRAFT_ROOT and git decide).
Result<tasks::ProjectPaths> resolve_project_paths(Context& context);
/// The user's and the project's config files, loaded (warnings printed through the context).
config::Values load_config(Context& context, const tasks::ProjectPaths& project);
/// The telemetry store folder and which setting chose it.
Result<observe::TelemetryLocation> telemetry_location(Context& context);
/// The store folder for reading (construct a store::Reader on it); ErrorCode::not_found
/// with a hint when nothing was ever recorded.
Result<std::string> existing_store(Context& context);

/// `--since`/`--until` values: RFC 3339, a date, or a duration back from now ("15m", "2h",
/// "7d"). Returns Unix nanoseconds.
Result<int64_t> parse_time_option(const std::string& text, const std::string& option, int64_t now_unix_nanos);

}  // namespace sc::cli
