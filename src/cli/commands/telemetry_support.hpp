#pragma once
// Shared by the commands that read or manage the telemetry store: where it is, and a reader
// of it.

#include <string>

#include "cli/context.hpp"
#include "observe/telemetry_location.hpp"
#include "store/reader.hpp"
#include "tasks/project.hpp"

namespace sc::cli {

/// The telemetry settings as flags, environment and config files give them.
telemetry::sdk::ResolvedSettings telemetry_settings(Context& context);
/// The telemetry store folder and which setting chose it.
Result<observe::TelemetryLocation> telemetry_location(Context& context);
/// The store folder for reading (construct a store::Reader on it); ErrorCode::not_found
/// with a hint when nothing was ever recorded.
Result<std::string> existing_store(Context& context);

/// `--since`/`--until` values: RFC 3339, a date, or a duration back from now ("15m", "2h",
/// "7d"). Returns Unix nanoseconds.
Result<int64_t> parse_time_option(const std::string& text, const std::string& option, int64_t now_unix_nanos);

}  // namespace sc::cli
