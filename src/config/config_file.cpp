#include "config/config_file.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>

#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::config {
namespace {

// Deeper documents are not configuration; refusing them keeps yaml-cpp's recursion bounded.
constexpr int k_max_depth = 32;

Error file_warning(std::string message, const std::string& file, int line, std::string hint = {}) {
    return make_error(ErrorCode::parse, std::move(message), Location {file, line, {}}, std::move(hint));
}

void flatten(const YAML::Node& node, const std::string& prefix, const std::string& file, int depth, Values& out,
             std::vector<Error>& warnings) {
    int line = node.Mark().line + 1;
    if (depth > k_max_depth) {
        warnings.push_back(file_warning("configuration is nested too deeply", file, line));
        return;
    }
    switch (node.Type()) {
        case YAML::NodeType::Map:
            for (const auto& entry : node) {
                if (!entry.first.IsScalar()) {
                    warnings.push_back(
                        file_warning("a key that is not a plain name is ignored", file, entry.first.Mark().line + 1));
                    continue;
                }
                std::string key = entry.first.Scalar();
                flatten(entry.second, prefix.empty() ? key : prefix + "." + key, file, depth + 1, out, warnings);
            }
            return;
        case YAML::NodeType::Sequence: {
            Value value;
            value.is_list = true;
            value.file = file;
            value.line = line;
            for (const auto& item : node) {
                if (!item.IsScalar()) {
                    warnings.push_back(file_warning(prefix + " must be a list of plain values", file,
                                                    item.Mark().line + 1, "write e.g. [store, console]"));
                    return;
                }
                value.items.push_back(item.Scalar());
            }
            value.text = text::join(value.items, ",");
            out[prefix] = std::move(value);
            return;
        }
        case YAML::NodeType::Scalar: {
            if (prefix.empty())
                return;
            Value value;
            value.text = node.Scalar();
            value.file = file;
            value.line = line;
            out[prefix] = std::move(value);
            return;
        }
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return;  // `key:` with nothing after it sets nothing
    }
}

bool is_valid(const Value& value, Type type) {
    if (value.is_list)
        return type == Type::string_list;
    bool boolean = false;
    int64_t integer = 0;
    double number = 0.0;
    switch (type) {
        case Type::boolean:
            return parse_bool(value.text, boolean);
        case Type::integer:
            return parse_integer(value.text, integer);
        case Type::number:
            return parse_number(value.text, number);
        case Type::duration:
            return parse_duration_ms(value.text, integer);
        case Type::string:
        case Type::string_list:
            return true;
    }
    return true;
}

std::string_view type_name(Type type) {
    switch (type) {
        case Type::boolean:
            return "true or false";
        case Type::integer:
            return "a whole number";
        case Type::number:
            return "a number";
        case Type::duration:
            return "a duration (milliseconds, or with a unit: 500ms, 5s, 1m)";
        case Type::string:
            return "a single value, not a list";
        case Type::string_list:
            return "a value or a list";
    }
    return "a value";
}

}  // namespace

std::string Value::origin() const {
    return line > 0 ? file + ":" + std::to_string(line) : file;
}

void load_file(const std::string& path, Loaded& into) {
    Result<std::optional<std::string>> content = files::read_if_exists(path);
    if (!content) {
        into.warnings.push_back(content.error());
        return;
    }
    if (content.value())
        load_text(*content.value(), path, into);
}

void load_text(std::string_view content, const std::string& path, Loaded& into) {
    if (!text::is_valid_utf8(content)) {
        into.warnings.push_back(file_warning("configuration file is not valid UTF-8; it is ignored", path, 0));
        return;
    }
    Values values;
    std::vector<Error> warnings;
    try {
        YAML::Node root = YAML::Load(std::string(content));
        if (!root.IsNull() && !root.IsMap()) {
            into.warnings.push_back(file_warning("configuration file is not a mapping of keys; it is ignored", path,
                                                 root.Mark().line + 1, "start with e.g. `telemetry:`"));
            return;
        }
        flatten(root, "", path, 0, values, warnings);
    } catch (const YAML::Exception& error) {
        into.warnings.push_back(file_warning("configuration file is not valid YAML (" + error.msg + "); it is ignored",
                                             path, error.mark.line >= 0 ? error.mark.line + 1 : 0));
        return;
    }
    for (auto& [key, value] : values)
        into.values[key] = std::move(value);
    for (Error& warning : warnings)
        into.warnings.push_back(std::move(warning));
}

Loaded load_files(std::span<const std::string> paths) {
    Loaded loaded;
    for (const std::string& path : paths)
        load_file(path, loaded);
    return loaded;
}

std::vector<std::string> default_paths(const Environment& environment, const std::string& project_root) {
    std::vector<std::string> paths;
    if (std::optional<std::string> home = environment.get("HOME"); home && !home->empty())
        paths.push_back(*home + "/.scopecraft/config.yaml");
    if (!project_root.empty())
        paths.push_back(project_root + "/.scopecraft/config.yaml");
    return paths;
}

void validate(const Values& values, std::span<const KeySpec> specs, std::string_view section,
              std::vector<Error>& warnings) {
    std::string prefix = std::string(section) + ".";
    for (const auto& [key, value] : values) {
        if (!text::starts_with(key, prefix) && key != section)
            continue;
        const KeySpec* spec = nullptr;
        for (const KeySpec& candidate : specs)
            if (candidate.key == key)
                spec = &candidate;
        if (spec == nullptr) {
            warnings.push_back(
                make_error(ErrorCode::invalid_argument, "unknown key " + key + " is ignored",
                           Location {value.file, value.line, key},
                           "see docs/configuration.md for the keys of the " + std::string(section) + " section"));
            continue;
        }
        if (!is_valid(value, spec->type)) {
            warnings.push_back(
                make_error(ErrorCode::invalid_argument,
                           key + " must be " + std::string(type_name(spec->type)) + ", not '" + value.text + "'",
                           Location {value.file, value.line, key}, std::string(spec->hint)));
        }
    }
}

bool parse_bool(std::string_view text, bool& value) {
    std::string lower = text::to_lower_ascii(text::trim(text));
    if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") {
        value = true;
        return true;
    }
    if (lower == "false" || lower == "no" || lower == "off" || lower == "0") {
        value = false;
        return true;
    }
    return false;
}

bool parse_integer(std::string_view text, int64_t& value) {
    text = text::trim(text);
    if (text.empty())
        return false;
    auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

bool parse_number(std::string_view text, double& value) {
    text = text::trim(text);
    if (text.empty())
        return false;
    auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    return result.ec == std::errc() && result.ptr == text.data() + text.size() && std::isfinite(value);
}

bool parse_duration_ms(std::string_view text, int64_t& milliseconds) {
    text = text::trim(text);
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    if (digits == 0 || digits > 12)
        return false;
    int64_t number = 0;
    std::from_chars(text.data(), text.data() + digits, number);
    std::string_view unit = text::trim(text.substr(digits));
    int64_t scale = 0;
    if (unit.empty() || unit == "ms")
        scale = 1;
    else if (unit == "s")
        scale = 1000;
    else if (unit == "m")
        scale = 60'000;
    else if (unit == "h")
        scale = 3'600'000;
    else
        return false;
    milliseconds = number * scale;
    return true;
}

}  // namespace sc::config
