// Helpers the settings tests share: a row of a resolved table by key, and config values as a
// file would give them (one per line from line 2, after the section line).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "config/config_file.hpp"
#include "telemetry/sdk/settings.hpp"

namespace sc::telemetry::sdk::test_support {

inline constexpr const char* k_config_file = "/home/ada/.scopecraft/config.yaml";

template <typename Resolved>
const SettingRow* row(const Resolved& resolved, std::string_view key) {
    for (const SettingRow& candidate : resolved.rows)
        if (candidate.key == key)
            return &candidate;
    return nullptr;
}

inline config::Values file_values(std::initializer_list<std::pair<std::string, std::string>> entries) {
    config::Values values;
    int line = 1;
    for (const auto& [key, text] : entries) {
        config::Value value;
        value.text = text;
        value.file = k_config_file;
        value.line = ++line;
        values[key] = value;
    }
    return values;
}

}  // namespace sc::telemetry::sdk::test_support
