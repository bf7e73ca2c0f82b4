#include "tasks/toml_frontmatter.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

#include <toml++/toml.h>

#include "tasks/yaml_scalar.hpp"
#include "util/text.hpp"

namespace sc::tasks::toml_frontmatter {
namespace {

using Json = nlohmann::ordered_json;

template <class Printable>
std::string text_of(const Printable& value) {
    std::ostringstream stream;
    stream << value;
    return stream.str();
}

// toml++ 3.3 (Debian 12) reaches __builtin_unreachable, undefined behaviour, when it classifies
// some non-ASCII characters (U+3001 "、", U+FEDF, ...), even inside strings. We hand it a copy in
// which every non-ASCII BMP character c is moved to the private-use plane (U+F0000 + c), which
// it handles, and move strings back when we read them. TOML allows non-ASCII text only in
// strings and comments, so nothing else changes.
constexpr char32_t k_shift = 0xF0000;

char32_t decode(std::string_view text, size_t at, size_t& length) {
    auto lead = static_cast<unsigned char>(text[at]);
    length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (at + length > text.size()) {
        length = 1;
        return lead;
    }
    char32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t i = 1; i < length; ++i)
        code_point = (code_point << 6) | (static_cast<unsigned char>(text[at + i]) & 0x3F);
    return code_point;
}

using text::append_utf8;

// The copy handed to toml++, or nullopt when the block already uses the private-use plane we
// borrow (then the mapping could not be undone).
std::optional<std::string> shifted_for_parser(std::string_view block) {
    std::string result;
    result.reserve(block.size() + block.size() / 2);
    for (size_t at = 0; at < block.size();) {
        size_t length = 0;
        const char32_t code_point = decode(block, at, length);
        if (code_point >= k_shift && code_point <= 0xFFFFF)
            return std::nullopt;
        if (code_point >= 0x80 && code_point <= 0xFFFF)
            append_utf8(result, k_shift + code_point);
        else
            result.append(block.substr(at, length));
        at += length;
    }
    return result;
}

std::string shifted_back(std::string_view text) {
    std::string result;
    result.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        size_t length = 0;
        const char32_t code_point = decode(text, at, length);
        if (code_point >= k_shift + 0x80 && code_point <= k_shift + 0xFFFF)
            append_utf8(result, code_point - k_shift);
        else
            result.append(text.substr(at, length));
        at += length;
    }
    return result;
}

// toml++ keeps keys sorted; the file's order is the order of their source positions.
std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& table) {
    std::vector<std::pair<std::string, const toml::node*>> ordered;
    for (const auto& [key, node] : table)
        ordered.emplace_back(shifted_back(key.str()), &node);
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& left, const auto& right) {
        const auto& a = left.second->source().begin;
        const auto& b = right.second->source().begin;
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return ordered;
}

Json node_to_json(const toml::node& node) {
    if (const auto* table = node.as_table()) {
        Json object = Json::object();
        for (const auto& [key, value] : in_file_order(*table))
            object[key] = node_to_json(*value);
        return object;
    }
    if (const auto* array = node.as_array()) {
        Json items = Json::array();
        for (const auto& value : *array)
            items.push_back(node_to_json(value));
        return items;
    }
    if (const auto* text = node.as_string())
        return shifted_back(text->get());
    if (const auto* integer = node.as_integer())
        return integer->get();
    if (const auto* floating = node.as_floating_point()) {
        double value = floating->get();
        if (value == static_cast<double>(static_cast<std::int64_t>(value)) && std::abs(value) < 9e15)
            return static_cast<std::int64_t>(value);
        return value;
    }
    if (const auto* boolean = node.as_boolean())
        return boolean->get();
    if (const auto* date = node.as_date())
        return text_of(date->get());
    if (const auto* time = node.as_time())
        return text_of(time->get());
    if (const auto* date_time = node.as_date_time())
        return text_of(date_time->get());
    return nullptr;
}

bool is_bare_key(std::string_view key) {
    if (key.empty())
        return false;
    for (char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

std::string toml_quoted(std::string_view text) {
    std::string result = "\"";
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                result += "\\\"";
                break;
            case '\\':
                result += "\\\\";
                break;
            case '\n':
                result += "\\n";
                break;
            case '\t':
                result += "\\t";
                break;
            case '\r':
                result += "\\r";
                break;
            case '\b':
                result += "\\b";
                break;
            case '\f':
                result += "\\f";
                break;
            default:
                if (byte < 0x20 || byte == 0x7F) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04X", byte);
                    result += buffer;
                } else {
                    result += c;
                }
        }
    }
    return result + "\"";
}

std::string dump_value(const Json& value) {
    switch (value.type()) {
        case Json::value_t::string:
            return toml_quoted(value.get_ref<const std::string&>());
        case Json::value_t::boolean:
            return value.get<bool>() ? "true" : "false";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
            return value.dump();
        case Json::value_t::number_float: {
            std::string text = yaml::js_number_text(value.get<double>());
            if (text == "NaN")
                return "nan";
            if (text == "Infinity" || text == "-Infinity")
                return text[0] == '-' ? "-inf" : "inf";
            if (text.find_first_of(".e") == std::string::npos)
                text += ".0";
            return text;
        }
        case Json::value_t::array: {
            std::string result = "[";
            for (size_t i = 0; i < value.size(); ++i)
                result += (i > 0 ? ", " : "") + dump_value(value[i]);
            return result + "]";
        }
        case Json::value_t::object: {
            std::string result = "{";
            bool first = true;
            for (const auto& [key, item] : value.items()) {
                result += first ? " " : ", ";
                first = false;
                result += (is_bare_key(key) ? key : toml_quoted(key)) + " = " + dump_value(item);
            }
            return result + (first ? "}" : " }");
        }
        default:
            return "\"\"";  // TOML has no null; set_field removes a key given null before we get here
    }
}

}  // namespace

Result<yaml::Frontmatter> read(std::string_view block, const std::string& origin, int first_line) {
    const auto shifted = shifted_for_parser(block);
    if (!shifted) {
        return make_error(ErrorCode::unsupported, "TOML frontmatter with characters U+F0000-U+FFFFF is not supported",
                          Location {origin, first_line, {}}, "convert the frontmatter to YAML between --- lines");
    }
    toml::table table;
    try {
        table = toml::parse(*shifted);
    } catch (const toml::parse_error& error) {
        return make_error(ErrorCode::parse, "frontmatter is not valid TOML: " + shifted_back(error.description()),
                          Location {origin, first_line + static_cast<int>(error.source().begin.line) - 1, {}},
                          "fix the TOML between the +++ lines, or convert it to YAML between --- lines");
    }
    // Line starts, to turn toml++'s 1-based lines into byte offsets.
    std::vector<size_t> line_starts = {0};
    for (size_t at = 0; at < block.size(); ++at) {
        if (block[at] == '\n')
            line_starts.push_back(at + 1);
    }
    auto line_start = [&](size_t line) { return line - 1 < line_starts.size() ? line_starts[line - 1] : block.size(); };
    yaml::Frontmatter result;
    const size_t tables_begin = insertion_offset(block);
    for (const auto& [name, node_pointer] : in_file_order(table)) {
        const toml::node& node = *node_pointer;
        result.values[name] = node_to_json(node);
        const auto& source = node.source();
        if (node.is_table() || source.begin.line == 0 || line_start(source.begin.line) >= tables_begin)
            continue;  // tables and dotted keys defined under headers stay read-only
        result.entries.push_back({name, line_start(source.begin.line), line_start(source.end.line + 1)});
    }
    return result;
}

std::string dump_entry(std::string_view key, const nlohmann::ordered_json& value) {
    return (is_bare_key(key) ? std::string(key) : toml_quoted(key)) + " = " + dump_value(value) + "\n";
}

size_t insertion_offset(std::string_view block) {
    size_t at = 0;
    while (at < block.size()) {
        size_t first = block.find_first_not_of(" \t", at);
        if (first != std::string_view::npos && block[first] == '[')
            return at;
        size_t newline = block.find('\n', at);
        if (newline == std::string_view::npos)
            break;
        at = newline + 1;
    }
    return block.size();
}

}  // namespace sc::tasks::toml_frontmatter
