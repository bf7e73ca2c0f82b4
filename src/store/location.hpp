#pragma once
// Where the store lives. The application decides the default (beside the task tree); this
// applies the override order and says which source won, for `sc telemetry config`.

#include <optional>
#include <string>
#include <string_view>

#include "util/environment.hpp"

namespace sc::store {

enum class LocationSource { flag, environment, config, default_path };
std::string_view location_source_name(LocationSource source);

struct StoreLocation {
    std::string path;
    LocationSource source = LocationSource::default_path;
};

inline constexpr std::string_view k_store_dir_variable = "SCOPECRAFT_TELEMETRY_DIR";

/// The first non-empty of: the command-line flag, SCOPECRAFT_TELEMETRY_DIR, the config value,
/// the default. A leading "~/" is expanded with HOME from the same environment.
StoreLocation resolve_store_location(const std::optional<std::string>& flag_value, const Environment& environment,
                                     const std::optional<std::string>& config_value, const std::string& default_path);

}  // namespace sc::store
