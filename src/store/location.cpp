#include "store/location.hpp"

namespace sc::store {

std::string_view location_source_name(LocationSource source) {
    switch (source) {
        case LocationSource::flag:
            return "flag";
        case LocationSource::environment:
            return "environment";
        case LocationSource::config:
            return "config";
        case LocationSource::default_path:
            return "default";
    }
    return "default";
}

static std::string expand_home(const std::string& path, const Environment& environment) {
    if (path == "~" || path.rfind("~/", 0) == 0) {
        if (std::optional<std::string> home = environment.get("HOME"); home && !home->empty())
            return *home + path.substr(1);
    }
    return path;
}

StoreLocation resolve_store_location(const std::optional<std::string>& flag_value, const Environment& environment,
                                     const std::optional<std::string>& config_value, const std::string& default_path) {
    if (flag_value && !flag_value->empty())
        return {expand_home(*flag_value, environment), LocationSource::flag};
    if (std::optional<std::string> variable = environment.get(std::string(k_store_dir_variable));
        variable && !variable->empty())
        return {expand_home(*variable, environment), LocationSource::environment};
    if (config_value && !config_value->empty())
        return {expand_home(*config_value, environment), LocationSource::config};
    return {expand_home(default_path, environment), LocationSource::default_path};
}

}  // namespace sc::store
