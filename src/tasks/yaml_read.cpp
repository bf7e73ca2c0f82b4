#include "tasks/yaml_read.hpp"

#include <optional>

#include "tasks/yaml_full.hpp"
#include "tasks/yaml_scalar.hpp"
#include "util/text.hpp"

namespace sc::tasks::yaml {
namespace {

using Json = nlohmann::ordered_json;

struct Line {
    size_t begin = 0;
    size_t end = 0;   // end of the text, before "\r\n" or "\n"
    size_t next = 0;  // start of the following line
};

std::vector<Line> split_lines(std::string_view block) {
    std::vector<Line> lines;
    lines.reserve(16);
    size_t at = 0;
    while (at < block.size()) {
        size_t newline = block.find('\n', at);
        Line line {at, newline == std::string_view::npos ? block.size() : newline, 0};
        line.next = newline == std::string_view::npos ? block.size() : newline + 1;
        if (line.end > line.begin && block[line.end - 1] == '\r')
            --line.end;
        lines.push_back(line);
        at = line.next;
    }
    return lines;
}

bool is_blank(std::string_view text) {
    return text.find_first_not_of(" \t") == std::string_view::npos;
}

size_t indent_of(std::string_view text) {
    size_t at = 0;
    while (at < text.size() && text[at] == ' ')
        ++at;
    return at;
}

bool is_sequence_item(std::string_view text, size_t indent) {
    return text.size() > indent && text[indent] == '-' && (text.size() == indent + 1 || text[indent + 1] == ' ');
}

// Text after a scalar may only be blanks and a comment.
bool only_comment_follows(std::string_view rest) {
    size_t at = rest.find_first_not_of(" \t");
    return at == std::string_view::npos || (rest[at] == '#' && at > 0);
}

using text::append_utf8;

// A single-quoted scalar that closes on this line; `used` gets its length with the quotes.
std::optional<std::string> single_quoted(std::string_view text, size_t& used) {
    std::string value;
    for (size_t at = 1; at < text.size(); ++at) {
        if (text[at] == '\'') {
            if (at + 1 < text.size() && text[at + 1] == '\'') {
                value += '\'';
                ++at;
                continue;
            }
            used = at + 1;
            return value;
        }
        value += text[at];
    }
    return std::nullopt;
}

std::optional<std::string> double_quoted(std::string_view text, size_t& used) {
    std::string value;
    for (size_t at = 1; at < text.size(); ++at) {
        const char c = text[at];
        if (c == '"') {
            used = at + 1;
            return value;
        }
        if (c != '\\') {
            value += c;
            continue;
        }
        if (++at >= text.size())
            return std::nullopt;
        size_t hex_digits = 0;
        switch (text[at]) {
            case '0':
                value += '\0';
                break;
            case 'a':
                value += '\a';
                break;
            case 'b':
                value += '\b';
                break;
            case 't':
            case '\t':
                value += '\t';
                break;
            case 'n':
                value += '\n';
                break;
            case 'v':
                value += '\v';
                break;
            case 'f':
                value += '\f';
                break;
            case 'r':
                value += '\r';
                break;
            case 'e':
                value += '\x1b';
                break;
            case ' ':
                value += ' ';
                break;
            case '"':
                value += '"';
                break;
            case '/':
                value += '/';
                break;
            case '\\':
                value += '\\';
                break;
            case 'N':
                append_utf8(value, 0x85);
                break;
            case '_':
                append_utf8(value, 0xA0);
                break;
            case 'L':
                append_utf8(value, 0x2028);
                break;
            case 'P':
                append_utf8(value, 0x2029);
                break;
            case 'x':
                hex_digits = 2;
                break;
            case 'u':
                hex_digits = 4;
                break;
            case 'U':
                hex_digits = 8;
                break;
            default:
                return std::nullopt;
        }
        if (hex_digits == 0)
            continue;
        if (at + hex_digits >= text.size())
            return std::nullopt;
        char32_t code_point = 0;
        for (size_t i = 1; i <= hex_digits; ++i) {
            const char digit = text[at + i];
            int nibble = text::hex_digit_value(digit);
            if (nibble < 0)
                return std::nullopt;
            code_point = (code_point << 4) | static_cast<char32_t>(nibble);
        }
        // Surrogate halves and code points past Unicode are left to the full parser.
        if ((code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF)
            return std::nullopt;
        append_utf8(value, code_point);
        at += hex_digits;
    }
    return std::nullopt;
}

// A plain scalar on one line, up to a comment; nullopt when it could be something else.
std::optional<Json> plain_scalar(std::string_view text, bool in_flow) {
    size_t end = text.size();
    for (size_t at = 1; at < text.size(); ++at) {
        if (text[at] == '#' && (text[at - 1] == ' ' || text[at - 1] == '\t')) {
            end = at;
            break;
        }
    }
    std::string_view value = text.substr(0, end);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    for (size_t at = 0; at < value.size(); ++at) {
        const char c = value[at];
        if (c == ':' && (at + 1 == value.size() || value[at + 1] == ' ' || value[at + 1] == '\t'))
            return std::nullopt;  // a nested mapping, or an error: the full parser decides
        if (in_flow && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}'))
            return std::nullopt;
    }
    return resolve_plain(value);
}

std::optional<Json> flow_sequence(std::string_view text, size_t& used);

// One scalar written on a single line (the rest of the line after `key: ` or `- `).
std::optional<Json> inline_value(std::string_view text) {
    if (text.empty() || text[0] == '#')
        return Json(nullptr);
    size_t used = 0;
    switch (text[0]) {
        case '\'':
            if (auto value = single_quoted(text, used); value && only_comment_follows(text.substr(used)))
                return Json(std::move(*value));
            return std::nullopt;
        case '"':
            if (auto value = double_quoted(text, used); value && only_comment_follows(text.substr(used)))
                return Json(std::move(*value));
            return std::nullopt;
        case '[':
            if (auto value = flow_sequence(text, used); value && only_comment_follows(text.substr(used)))
                return value;
            return std::nullopt;
        case '{':
        case '&':
        case '*':
        case '!':
        case '|':
        case '>':
        case '%':
        case '@':
        case '`':
        case ',':
        case ']':
        case '}':
            return std::nullopt;
        case '-':
        case '?':
        case ':':
            if (text.size() == 1 || text[1] == ' ' || text[1] == '\t')
                return std::nullopt;
            break;
        default:
            break;
    }
    return plain_scalar(text, false);
}

std::optional<Json> flow_sequence(std::string_view text, size_t& used) {
    Json items = Json::array();
    size_t at = 1;
    auto skip_blanks = [&] {
        while (at < text.size() && (text[at] == ' ' || text[at] == '\t'))
            ++at;
    };
    skip_blanks();
    if (at < text.size() && text[at] == ']') {
        used = at + 1;
        return items;
    }
    while (at < text.size()) {
        skip_blanks();
        std::string_view rest = text.substr(at);
        size_t length = 0;
        if (rest.empty())
            return std::nullopt;
        if (rest[0] == '\'' || rest[0] == '"') {
            auto value = rest[0] == '\'' ? single_quoted(rest, length) : double_quoted(rest, length);
            if (!value)
                return std::nullopt;
            items.push_back(std::move(*value));
        } else {
            length = rest.find_first_of(",]");
            if (length == std::string_view::npos || rest[0] == '[' || rest[0] == '{' || rest[0] == '#')
                return std::nullopt;
            std::string_view item = rest.substr(0, length);
            while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
                item.remove_suffix(1);
            if (item.empty() || item.find_first_of("[]{}#&*!|>%@`\"'") == 0)
                return std::nullopt;
            auto value = plain_scalar(item, true);
            if (!value)
                return std::nullopt;
            items.push_back(std::move(*value));
        }
        at += length;
        skip_blanks();
        if (at >= text.size())
            return std::nullopt;
        if (text[at] == ']') {
            used = at + 1;
            return items;
        }
        if (text[at] != ',')
            return std::nullopt;
        ++at;
    }
    return std::nullopt;
}

// A `|` or `>` block scalar whose header is `header` and whose content lines are `content`
// (each still indented); `parent_indent` is the indentation its content must exceed.
std::optional<Json> block_scalar(std::string_view block, std::string_view header, const std::vector<Line>& content,
                                 size_t parent_indent) {
    const bool literal = header[0] == '|';
    bool strip = false;
    size_t at = 1;
    if (at < header.size() && header[at] == '-') {
        strip = true;
        ++at;
    } else if (at < header.size() && header[at] != ' ' && header[at] != '\t') {
        return std::nullopt;  // "+" keep chomping and explicit indentation: rare, left to yaml-cpp
    }
    if (!only_comment_follows(header.substr(at)) || (at < header.size() && header[at] == '#'))
        return std::nullopt;
    size_t indent = 0;
    for (const auto& line : content) {
        std::string_view text = block.substr(line.begin, line.end - line.begin);
        if (!is_blank(text)) {
            indent = indent_of(text);
            break;
        }
    }
    if (indent <= parent_indent && !content.empty())
        return std::nullopt;
    std::vector<std::string_view> lines;
    for (const auto& line : content) {
        std::string_view text = block.substr(line.begin, line.end - line.begin);
        if (is_blank(text)) {
            // Spaces beyond the indentation are content in literal text (js-yaml keeps them,
            // yaml-cpp drops them); in folded text the full parser decides.
            if (text.size() > indent && (!literal || text.find('\t') != std::string_view::npos))
                return std::nullopt;
            lines.push_back(text.size() > indent ? text.substr(indent) : std::string_view());
            continue;
        }
        if (indent_of(text) < indent)
            return std::nullopt;
        std::string_view body = text.substr(indent);
        if (!literal && (body[0] == ' ' || body[0] == '\t'))
            return std::nullopt;  // "more indented" lines in folded text: full parser
        lines.push_back(body);
    }
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    std::string value;
    if (literal) {
        for (size_t i = 0; i < lines.size(); ++i) {
            if (i > 0)
                value += '\n';
            value += lines[i];
        }
    } else {
        size_t pending_breaks = 0;
        bool started = false;
        for (auto line : lines) {
            if (line.empty()) {
                ++pending_breaks;
                continue;
            }
            if (!started)
                value.append(pending_breaks, '\n');
            else if (pending_breaks == 0)
                value += ' ';
            else
                value.append(pending_breaks, '\n');
            pending_breaks = 0;
            started = true;
            value += line;
        }
    }
    if (!strip && !lines.empty())
        value += '\n';
    return Json(std::move(value));
}

// The lines of an entry after its first one, without trailing blank or comment lines.
std::optional<Json> block_sequence(std::string_view block, const std::vector<Line>& lines, size_t first, size_t last) {
    Json items = Json::array();
    size_t dash_indent = std::string_view::npos;
    size_t index = first;
    while (index < last) {
        std::string_view text = block.substr(lines[index].begin, lines[index].end - lines[index].begin);
        if (is_blank(text)) {
            ++index;
            continue;
        }
        if (dash_indent == std::string_view::npos)
            dash_indent = indent_of(text);
        if (!is_sequence_item(text, dash_indent) || indent_of(text) != dash_indent)
            return std::nullopt;
        std::string_view rest = text.substr(dash_indent + 1);
        size_t blanks = rest.find_first_not_of(' ');
        rest = blanks == std::string_view::npos ? std::string_view() : rest.substr(blanks);
        // The item's own further lines: everything more indented than its dash.
        size_t end = index + 1;
        while (end < last) {
            std::string_view next = block.substr(lines[end].begin, lines[end].end - lines[end].begin);
            if (!is_blank(next) && indent_of(next) <= dash_indent)
                break;
            ++end;
        }
        std::optional<Json> value;
        if (!rest.empty() && (rest[0] == '|' || rest[0] == '>')) {
            std::vector<Line> content(lines.begin() + static_cast<std::ptrdiff_t>(index + 1),
                                      lines.begin() + static_cast<std::ptrdiff_t>(end));
            value = block_scalar(block, rest, content, dash_indent);
        } else {
            for (size_t i = index + 1; i < end; ++i) {
                if (!is_blank(block.substr(lines[i].begin, lines[i].end - lines[i].begin)))
                    return std::nullopt;  // continued text or a nested node
            }
            value = inline_value(rest);
        }
        if (!value)
            return std::nullopt;
        items.push_back(std::move(*value));
        index = end;
    }
    return items;
}

struct FastEntry {
    std::string key;
    Json value;
};

// Parses one entry (lines [first, last)) without yaml-cpp, or gives up.
std::optional<FastEntry> fast_entry(std::string_view block, const std::vector<Line>& lines, size_t first, size_t last) {
    std::string_view text = block.substr(lines[first].begin, lines[first].end - lines[first].begin);
    static constexpr std::string_view k_key_first_unsafe = "-?:,[]{}#&*!|>'\"%@`";
    if (k_key_first_unsafe.find(text[0]) != std::string_view::npos)
        return std::nullopt;
    size_t colon = std::string_view::npos;
    for (size_t at = 0; at < text.size(); ++at) {
        if (text[at] == ':' && (at + 1 == text.size() || text[at + 1] == ' ' || text[at + 1] == '\t')) {
            colon = at;
            break;
        }
        if (text[at] == '#' && at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\t'))
            return std::nullopt;
    }
    if (colon == std::string_view::npos)
        return std::nullopt;
    std::string_view key = text.substr(0, colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
        key.remove_suffix(1);
    if (key.empty() || resolves_to_non_string(key))
        return std::nullopt;  // js-yaml would turn `1.0:` into "1": rare, the full parser handles it
    std::string_view rest = text.substr(colon + 1);
    size_t blanks = rest.find_first_not_of(" \t");
    rest = blanks == std::string_view::npos ? std::string_view() : rest.substr(blanks);

    bool has_more_lines = false;
    for (size_t i = first + 1; i < last && !has_more_lines; ++i)
        has_more_lines = !is_blank(block.substr(lines[i].begin, lines[i].end - lines[i].begin));

    std::optional<Json> value;
    if (!rest.empty() && (rest[0] == '|' || rest[0] == '>')) {
        std::vector<Line> content(lines.begin() + static_cast<std::ptrdiff_t>(first + 1),
                                  lines.begin() + static_cast<std::ptrdiff_t>(last));
        value = block_scalar(block, rest, content, 0);
    } else if (rest.empty() || rest[0] == '#') {
        value = has_more_lines ? block_sequence(block, lines, first + 1, last) : Json(nullptr);
    } else if (!has_more_lines) {
        value = inline_value(rest);
    }
    if (!value)
        return std::nullopt;
    return FastEntry {std::string(key), std::move(*value)};
}

Error duplicate_key(const std::string& key, const std::string& origin, int line) {
    return make_error(ErrorCode::parse, "frontmatter field \"" + key + "\" is given twice",
                      Location {origin, line, key},
                      "keep one of the two lines; YAML does not allow a key twice in one mapping");
}

}  // namespace

Result<Frontmatter> read_frontmatter(std::string_view block, const std::string& origin, int first_line, Parser parser) {
    const std::vector<Line> lines = split_lines(block);
    // Where each top-level entry starts and ends: an entry starts at a line with text in
    // column 0 (not a comment, not a list item of the previous key) and runs to the next one,
    // less its trailing blank and comment lines.
    std::vector<std::pair<size_t, size_t>> ranges;  // line indexes [first, last)
    bool starts_with_item = false;
    for (size_t index = 0; index < lines.size(); ++index) {
        std::string_view text = block.substr(lines[index].begin, lines[index].end - lines[index].begin);
        if (text.empty() || text[0] == ' ' || text[0] == '\t' || text[0] == '#' || is_blank(text))
            continue;
        if (is_sequence_item(text, 0)) {
            starts_with_item = starts_with_item || ranges.empty();
            continue;
        }
        if (!ranges.empty())
            ranges.back().second = index;
        ranges.emplace_back(index, lines.size());
    }
    for (auto& range : ranges) {
        // A block scalar with "keep" chomping (|+, >+) owns the blank lines after it.
        bool keeps_blank_lines = false;
        for (size_t index = range.first; index < range.second && !keeps_blank_lines; ++index) {
            std::string_view text = block.substr(lines[index].begin, lines[index].end - lines[index].begin);
            for (size_t at = text.find_first_of("|>"); at != std::string_view::npos && !keeps_blank_lines;
                 at = text.find_first_of("|>", at + 1)) {
                size_t next = at + 1;
                if (next < text.size() && text[next] >= '1' && text[next] <= '9')
                    ++next;
                keeps_blank_lines = next < text.size() && text[next] == '+';
            }
        }
        while (!keeps_blank_lines && range.second > range.first + 1) {
            std::string_view text = block.substr(lines[range.second - 1].begin,
                                                 lines[range.second - 1].end - lines[range.second - 1].begin);
            // Only empty lines and comments: a line of spaces may be content of a block scalar.
            if (!text.empty() && text[0] != '#')
                break;
            --range.second;
        }
    }

    Frontmatter result;
    // Every value takes two bytes at least (`a,` in a flow list): a block this short cannot
    // hold more values than the full parser allows, so the fast one, which does not count,
    // may read it. A longer one goes to the full parser, which counts and stops at the limit.
    const bool short_enough = block.size() < 2 * ReadLimits {}.max_values;
    if (parser == Parser::fast_with_fallback && !starts_with_item && short_enough) {
        bool fast = true;
        auto* object = result.values.get_ptr<Json::object_t*>();
        object->reserve(ranges.size());
        result.entries.reserve(ranges.size());
        for (const auto& [first, last] : ranges) {
            auto entry = fast_entry(block, lines, first, last);
            if (!entry) {
                fast = false;
                break;
            }
            result.entries.push_back({entry->key, lines[first].begin, lines[last - 1].next});
            if (!object->emplace(std::move(entry->key), std::move(entry->value)).second)
                return duplicate_key(result.entries.back().key, origin, first_line + static_cast<int>(first));
        }
        if (fast)
            return result;
        result = Frontmatter();
    }

    // Everything else: yaml-cpp, within limits (yaml_full.hpp).
    FullBlock full = SC_TRY(read_full(block, origin, first_line));
    if (full.is_null)
        return result;
    if (!full.is_mapping) {
        return make_error(ErrorCode::parse, "frontmatter is not a list of `key: value` fields",
                          Location {origin, first_line, {}}, "write one `key: value` per line between the --- lines");
    }
    for (FullEntry& entry : full.entries) {
        if (result.values.contains(entry.key))
            return duplicate_key(entry.key, origin, first_line + std::max(0, entry.line));
        bool placed = false;
        for (const auto& [first, last] : ranges) {
            if (static_cast<int>(first) == entry.line && entry.column == 0) {
                result.entries.push_back({entry.key, lines[first].begin, lines[last - 1].next});
                placed = true;
                break;
            }
        }
        if (!placed)
            result.editable = false;
        result.values[entry.key] = std::move(entry.value);
    }
    if (result.entries.size() != ranges.size())
        result.editable = false;
    return result;
}

}  // namespace sc::tasks::yaml
