#include "tasks/yaml_write.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>

#include "tasks/yaml_scalar.hpp"
#include "util/text.hpp"

namespace sc::tasks::yaml {
namespace {

// js-yaml works on JavaScript strings, so widths, positions and "printable" are decided per
// UTF-16 code unit. Converting to UTF-16 and back keeps every rule a straight port.
std::u16string to_utf16(std::string_view text) {
    std::u16string result;
    result.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        auto lead = static_cast<unsigned char>(text[at]);
        char32_t code_point = lead;
        size_t length = 1;
        if (lead >= 0xF0 && at + 3 < text.size()) {
            code_point = (char32_t(lead & 0x07) << 18) | (char32_t(text[at + 1] & 0x3F) << 12) |
                         (char32_t(text[at + 2] & 0x3F) << 6) | char32_t(text[at + 3] & 0x3F);
            length = 4;
        } else if (lead >= 0xE0 && at + 2 < text.size()) {
            code_point =
                (char32_t(lead & 0x0F) << 12) | (char32_t(text[at + 1] & 0x3F) << 6) | char32_t(text[at + 2] & 0x3F);
            length = 3;
        } else if (lead >= 0xC0 && at + 1 < text.size()) {
            code_point = (char32_t(lead & 0x1F) << 6) | char32_t(text[at + 1] & 0x3F);
            length = 2;
        } else if (lead >= 0x80) {
            code_point = 0xFFFD;  // not UTF-8: callers validate, this only keeps us in bounds
        }
        at += length;
        if (code_point >= 0x10000) {
            code_point -= 0x10000;
            result += static_cast<char16_t>(0xD800 + (code_point >> 10));
            result += static_cast<char16_t>(0xDC00 + (code_point & 0x3FF));
        } else {
            result += static_cast<char16_t>(code_point);
        }
    }
    return result;
}

using text::append_utf8;

std::string to_utf8(std::u16string_view text) {
    std::string result;
    result.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char32_t unit = text[i];
        if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 && text[i + 1] <= 0xDFFF) {
            append_utf8(result, 0x10000 + ((unit - 0xD800) << 10) + (text[i + 1] - 0xDC00));
            ++i;
        } else {
            append_utf8(result, unit);
        }
    }
    return result;
}

constexpr int k_indent = 2;
constexpr int k_line_width = 80;

bool is_whitespace(char16_t c) {
    return c == u' ' || c == u'\t';
}

bool is_printable(char32_t c) {
    return (0x20 <= c && c <= 0x7E) || (0xA1 <= c && c <= 0xD7FF && c != 0x2028 && c != 0x2029) ||
           (0xE000 <= c && c <= 0xFFFD && c != 0xFEFF) || (0x10000 <= c && c <= 0x10FFFF);
}

bool is_ns_char(char16_t c) {
    return is_printable(c) && !is_whitespace(c) && c != 0xFEFF && c != u'\r' && c != u'\n';
}

bool is_plain_safe(char16_t c, std::optional<char16_t> previous) {
    return is_printable(c) && c != 0xFEFF && c != u',' && c != u'[' && c != u']' && c != u'{' && c != u'}' &&
           c != u':' && (c != u'#' || (previous && is_ns_char(*previous)));
}

bool is_plain_safe_first(char16_t c) {
    static constexpr std::u16string_view k_unsafe = u"-?:,[]{}#&*!|=>'\"%@`";
    return is_printable(c) && c != 0xFEFF && !is_whitespace(c) && k_unsafe.find(c) == std::u16string_view::npos;
}

bool needs_indent_indicator(std::u16string_view text) {
    size_t at = 0;
    while (at < text.size() && text[at] == u'\n')
        ++at;
    return at < text.size() && text[at] == u' ';
}

enum class Style { plain, single, literal, folded, double_quoted };

Style choose_style(std::u16string_view text, bool single_line_only, int line_width) {
    bool has_line_break = false;
    bool has_foldable_line = false;
    std::ptrdiff_t previous_line_break = -1;
    bool plain = is_plain_safe_first(text.front()) && !is_whitespace(text.back());
    size_t i = 0;
    for (; i < text.size(); ++i) {
        const char16_t c = text[i];
        if (!single_line_only && c == u'\n') {
            has_line_break = true;
            has_foldable_line =
                has_foldable_line || (static_cast<std::ptrdiff_t>(i) - previous_line_break - 1 > line_width &&
                                      text[static_cast<size_t>(previous_line_break + 1)] != u' ');
            previous_line_break = static_cast<std::ptrdiff_t>(i);
        } else if (!is_printable(c)) {
            return Style::double_quoted;
        }
        plain = plain && is_plain_safe(c, i > 0 ? std::optional<char16_t>(text[i - 1]) : std::nullopt);
    }
    if (!single_line_only) {
        has_foldable_line =
            has_foldable_line || (static_cast<std::ptrdiff_t>(i) - previous_line_break - 1 > line_width &&
                                  static_cast<size_t>(previous_line_break + 1) < text.size() &&
                                  text[static_cast<size_t>(previous_line_break + 1)] != u' ');
    }
    if (!has_line_break && !has_foldable_line)
        return plain && !resolves_to_non_string(to_utf8(text)) ? Style::plain : Style::single;
    return has_foldable_line ? Style::folded : Style::literal;
}

std::u16string block_header(std::u16string_view text) {
    std::u16string header;
    if (needs_indent_indicator(text))
        header += static_cast<char16_t>(u'0' + k_indent);
    const bool clip = !text.empty() && text.back() == u'\n';
    const bool keep = clip && ((text.size() >= 2 && text[text.size() - 2] == u'\n') || text == u"\n");
    header += keep ? u"+" : clip ? u"" : u"-";
    header += u'\n';
    return header;
}

std::u16string indent_lines(std::u16string_view text, int spaces) {
    std::u16string result;
    const std::u16string indent(static_cast<size_t>(spaces), u' ');
    size_t position = 0;
    while (position < text.size()) {
        size_t next = text.find(u'\n', position);
        std::u16string_view line =
            next == std::u16string_view::npos ? text.substr(position) : text.substr(position, next + 1 - position);
        position = next == std::u16string_view::npos ? text.size() : next + 1;
        if (!line.empty() && line != u"\n")
            result += indent;
        result += line;
    }
    return result;
}

std::u16string drop_ending_newline(std::u16string text) {
    if (!text.empty() && text.back() == u'\n')
        text.pop_back();
    return text;
}

// js-yaml's foldLine: break before a space when the line so far exceeds the width.
std::u16string fold_line(std::u16string_view line, int width) {
    if (line.empty() || line[0] == u' ')
        return std::u16string(line);
    size_t start = 0, end = 0, current = 0, next = 0;
    std::u16string result;
    // Matches of / [^ ]/g: a space followed by a non-space; the search resumes after the pair.
    size_t search = 0;
    while (search + 1 < line.size()) {
        size_t found = std::u16string_view::npos;
        for (size_t i = search; i + 1 < line.size(); ++i) {
            if (line[i] == u' ' && line[i + 1] != u' ') {
                found = i;
                break;
            }
        }
        if (found == std::u16string_view::npos)
            break;
        next = found;
        search = found + 2;
        if (next - start > static_cast<size_t>(width)) {
            end = current > start ? current : next;
            result += u'\n';
            result += line.substr(start, end - start);
            start = end + 1;
        }
        current = next;
    }
    result += u'\n';
    if (line.size() - start > static_cast<size_t>(width) && current > start) {
        result += line.substr(start, current - start);
        result += u'\n';
        result += line.substr(current + 1);
    } else {
        result += line.substr(start);
    }
    return result.substr(1);
}

std::u16string fold_string(std::u16string_view text, int width) {
    size_t next_line_feed = text.find(u'\n');
    if (next_line_feed == std::u16string_view::npos)
        next_line_feed = text.size();
    std::u16string result = fold_line(text.substr(0, next_line_feed), width);
    bool previous_more_indented = !text.empty() && (text[0] == u'\n' || text[0] == u' ');
    size_t at = next_line_feed;
    // Each match of /(\n+)([^\n]*)/g: a run of line feeds and the line after it.
    while (at < text.size()) {
        size_t prefix_start = at;
        while (at < text.size() && text[at] == u'\n')
            ++at;
        std::u16string_view prefix = text.substr(prefix_start, at - prefix_start);
        size_t line_end = text.find(u'\n', at);
        if (line_end == std::u16string_view::npos)
            line_end = text.size();
        std::u16string_view line = text.substr(at, line_end - at);
        at = line_end;
        const bool more_indented = !line.empty() && line[0] == u' ';
        result += prefix;
        if (!previous_more_indented && !more_indented && !line.empty())
            result += u'\n';
        result += fold_line(line, width);
        previous_more_indented = more_indented;
    }
    return result;
}

std::string hex_escape(char32_t c) {
    static constexpr char k_digits[] = "0123456789ABCDEF";
    char handle = 'U';
    int length = 8;
    if (c <= 0xFF) {
        handle = 'x';
        length = 2;
    } else if (c <= 0xFFFF) {
        handle = 'u';
        length = 4;
    }
    std::string result = "\\";
    result += handle;
    for (int shift = (length - 1) * 4; shift >= 0; shift -= 4)
        result += k_digits[(c >> shift) & 0xF];
    return result;
}

std::string escape_double_quoted(std::u16string_view text) {
    std::string result;
    for (size_t i = 0; i < text.size(); ++i) {
        char32_t c = text[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 && text[i + 1] <= 0xDFFF) {
            result += hex_escape(0x10000 + ((c - 0xD800) << 10) + (text[i + 1] - 0xDC00));
            ++i;
            continue;
        }
        switch (c) {
            case 0x00:
                result += "\\0";
                continue;
            case 0x07:
                result += "\\a";
                continue;
            case 0x08:
                result += "\\b";
                continue;
            case 0x09:
                result += "\\t";
                continue;
            case 0x0A:
                result += "\\n";
                continue;
            case 0x0B:
                result += "\\v";
                continue;
            case 0x0C:
                result += "\\f";
                continue;
            case 0x0D:
                result += "\\r";
                continue;
            case 0x1B:
                result += "\\e";
                continue;
            case 0x22:
                result += "\\\"";
                continue;
            case 0x5C:
                result += "\\\\";
                continue;
            case 0x85:
                result += "\\N";
                continue;
            case 0xA0:
                result += "\\_";
                continue;
            case 0x2028:
                result += "\\L";
                continue;
            case 0x2029:
                result += "\\P";
                continue;
            default:
                break;
        }
        if (is_printable(c))
            append_utf8(result, c);
        else
            result += hex_escape(c);
    }
    return result;
}

constexpr std::array<std::string_view, 16> k_deprecated_booleans = {"y", "Y", "yes", "Yes", "YES", "on",  "On",  "ON",
                                                                    "n", "N", "no",  "No",  "NO",  "off", "Off", "OFF"};

std::string indentation(int level) {
    return std::string(static_cast<size_t>(k_indent * level), ' ');
}

std::string dump_number(const nlohmann::ordered_json& value) {
    if (value.is_number_integer())
        return value.dump();
    const double number = value.get<double>();
    if (std::isnan(number))
        return ".nan";
    if (std::isinf(number))
        return number > 0 ? ".inf" : "-.inf";
    if (number == 0 && std::signbit(number))
        return "-0.0";
    std::string text = js_number_text(number);
    // YAML wants a dot before the exponent: 1e+21 -> 1.e+21.
    size_t e = text.find('e');
    if (e != std::string::npos && text.find('.') == std::string::npos)
        text.insert(e, ".");
    return text;
}

// js-yaml's writeNode for a value at `level`; `compact` puts the first entry of a nested block
// on the current line (list items).
std::string dump_node(const nlohmann::ordered_json& value, int level, bool compact);

std::string dump_block_mapping(const nlohmann::ordered_json& object, int level, bool compact) {
    std::string result;
    bool first = true;
    for (const auto& [key, item] : object.items()) {
        if (!compact || !first)
            result += "\n" + indentation(level);
        first = false;
        result += dump_string(key, level + 1, true);
        std::string dumped = dump_node(item, level + 1, false);
        result += !dumped.empty() && dumped[0] == '\n' ? ":" : ": ";
        result += dumped;
    }
    return result;
}

std::string dump_block_sequence(const nlohmann::ordered_json& array, int level, bool compact) {
    std::string result;
    bool first = true;
    for (const auto& item : array) {
        if (!compact || !first)
            result += "\n" + indentation(level);
        first = false;
        std::string dumped = dump_node(item, level + 1, true);
        result += !dumped.empty() && dumped[0] == '\n' ? "-" : "- ";
        result += dumped;
    }
    return result;
}

std::string dump_node(const nlohmann::ordered_json& value, int level, bool compact) {
    switch (value.type()) {
        case nlohmann::json::value_t::null:
            return "null";
        case nlohmann::json::value_t::boolean:
            return value.get<bool>() ? "true" : "false";
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned:
        case nlohmann::json::value_t::number_float:
            return dump_number(value);
        case nlohmann::json::value_t::string:
            return dump_string(value.get_ref<const std::string&>(), level);
        case nlohmann::json::value_t::object:
            return value.empty() ? "{}" : dump_block_mapping(value, level, compact);
        case nlohmann::json::value_t::array:
            return value.empty() ? "[]" : dump_block_sequence(value, level, compact);
        default:
            return "null";
    }
}

}  // namespace

std::string dump_string(std::string_view text, int level, bool is_key) {
    if (text.empty())
        return "''";
    for (auto word : k_deprecated_booleans) {
        if (text == word)
            return "'" + std::string(text) + "'";
    }
    const int indent = k_indent * std::max(1, level);
    const int line_width = std::max(std::min(k_line_width, 40), k_line_width - indent);
    const std::u16string wide = to_utf16(text);
    switch (choose_style(wide, is_key, line_width)) {
        case Style::plain:
            return std::string(text);
        case Style::single: {
            std::string result = "'";
            for (char c : text) {
                result += c;
                if (c == '\'')
                    result += '\'';
            }
            return result + "'";
        }
        case Style::literal:
            return to_utf8(u"|" + block_header(wide) + drop_ending_newline(indent_lines(wide, indent)));
        case Style::folded:
            return to_utf8(u">" + block_header(wide) +
                           drop_ending_newline(indent_lines(fold_string(wide, line_width), indent)));
        case Style::double_quoted:
            return "\"" + escape_double_quoted(wide) + "\"";
    }
    return std::string(text);
}

std::string dump_entry(std::string_view key, const nlohmann::ordered_json& value) {
    nlohmann::ordered_json single = nlohmann::ordered_json::object();
    single[std::string(key)] = value;
    return dump_block_mapping(single, 0, true) + "\n";
}

std::string dump_mapping(const nlohmann::ordered_json& object) {
    if (!object.is_object() || object.empty())
        return "{}";
    return dump_block_mapping(object, 0, true);
}

}  // namespace sc::tasks::yaml
