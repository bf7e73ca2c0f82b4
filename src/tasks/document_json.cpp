#include "tasks/document_json.hpp"

#include <cstdint>

#include "util/json_string.hpp"
#include "util/swar.hpp"
#include "util/text.hpp"

namespace sc::tasks {

namespace {

void indent_to(std::string& out, int spaces) {
    out.append(static_cast<size_t>(spaces), ' ');
}

/// Non-zero when some byte of `word` is not printable ASCII, or is a quote or a backslash.
std::uint64_t unplain_bytes(std::uint64_t word) {
    return (word & swar::k_highs) | swar::has_byte_below(word, 0x20) | swar::has_byte(word, '"') |
           swar::has_byte(word, '\\');
}

}  // namespace

/// Whether `text` needs neither an escape nor a UTF-8 check: one pass over ids, file names and
/// paths, which are nearly always so, instead of a check then an escaping pass. Those are
/// short: every word is checked without a branch, and the last bytes as the word that ends
/// the text (overlapping the one before), not one at a time.
bool plain_json_ascii(std::string_view text) {
    const char* bytes = text.data();
    size_t size = text.size();
    if (size < 8) {
        for (size_t at = 0; at < size; ++at) {
            auto c = static_cast<unsigned char>(bytes[at]);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
                return false;
        }
        return true;
    }
    std::uint64_t unplain = unplain_bytes(swar::load(bytes + size - 8));
    for (size_t at = 0; at + 8 <= size; at += 8)
        unplain |= unplain_bytes(swar::load(bytes + at));
    return unplain == 0;
}

void append_json_string(std::string& out, std::string_view text) {
    if (plain_json_ascii(text)) {
        out += '"';
        out += text;
        out += '"';
        return;
    }
    if (text::is_valid_utf8(text)) {
        json::append_string(out, text);
        return;
    }
    // Rare: let nlohmann apply its replacement rules so the two writers never disagree.
    out += nlohmann::ordered_json(std::string(text))
               .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void append_pretty_json(std::string& out, const nlohmann::ordered_json& value, int indent) {
    switch (value.type()) {
        case nlohmann::ordered_json::value_t::object: {
            if (value.empty()) {
                out += "{}";
                return;
            }
            out += "{\n";
            bool first = true;
            for (const auto& [key, member] : value.items()) {
                if (!first)
                    out += ",\n";
                first = false;
                indent_to(out, indent + 2);
                append_json_string(out, key);
                out += ": ";
                append_pretty_json(out, member, indent + 2);
            }
            out += "\n";
            indent_to(out, indent);
            out += "}";
            return;
        }
        case nlohmann::ordered_json::value_t::array: {
            if (value.empty()) {
                out += "[]";
                return;
            }
            out += "[\n";
            bool first = true;
            for (const auto& item : value) {
                if (!first)
                    out += ",\n";
                first = false;
                indent_to(out, indent + 2);
                append_pretty_json(out, item, indent + 2);
            }
            out += "\n";
            indent_to(out, indent);
            out += "]";
            return;
        }
        case nlohmann::ordered_json::value_t::string:
            append_json_string(out, value.get_ref<const std::string&>());
            return;
        case nlohmann::ordered_json::value_t::boolean:
            out += value.get<bool>() ? "true" : "false";
            return;
        case nlohmann::ordered_json::value_t::number_integer:
            out += std::to_string(value.get<int64_t>());
            return;
        case nlohmann::ordered_json::value_t::number_unsigned:
            out += std::to_string(value.get<uint64_t>());
            return;
        default:  // floats, null, binary: nlohmann's own formatting (shortest round-trip for floats)
            out += value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            return;
    }
}

void append_listed_document(std::string& out, const TaskDocument& document) {
    append_json_string(out, document.title());
    out += ",\n      \"frontmatter\": ";
    append_pretty_json(out, document.frontmatter(), 6);
    out += ",\n      \"sections\": {";
    bool first = true;
    for (const auto& [name, body] : document.section_entries()) {
        out += first ? "\n        " : ",\n        ";
        first = false;
        append_json_string(out, name);
        out += ": ";
        append_json_string(out, body);
    }
    out += "\n      }";
}

}  // namespace sc::tasks
