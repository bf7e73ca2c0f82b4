#include "util/json_string.hpp"

#include <cstdint>

#include "util/swar.hpp"
#include "util/text.hpp"

namespace sc::json {

namespace {

/// Whether one of the eight bytes is a control character, a quote or a backslash.
bool word_needs_escape(std::uint64_t word) {
    return (swar::has_byte_below(word, 0x20) | swar::has_byte(word, '"') | swar::has_byte(word, '\\')) != 0;
}

}  // namespace

bool needs_escape(std::string_view text) {
    size_t size = text.size();
    if (size >= 8) {
        // Whole words, then the last eight bytes (overlapping what was seen): no byte loop.
        for (size_t i = 0; i + 8 <= size; i += 8)
            if (word_needs_escape(swar::load(text.data() + i)))
                return true;
        return word_needs_escape(swar::load(text.data() + size - 8));
    }
    for (char byte : text) {
        auto c = static_cast<unsigned char>(byte);
        if (c < 0x20 || c == '"' || c == '\\')
            return true;
    }
    return false;
}

namespace {

/// The escaped text, without the quotes.
void append_escaped(std::string& out, std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    size_t plain_from = 0;
    size_t i = 0;
    while (i < text.size()) {
        // Most text needs no escape at all: skip it eight bytes at a time.
        if (i + 8 <= text.size() && !word_needs_escape(swar::load(text.data() + i))) {
            i += 8;
            continue;
        }
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        out.append(text.substr(plain_from, i - plain_from));
        plain_from = ++i;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default: {
                const char escaped[] = {'\\', 'u', '0', '0', k_hex[c >> 4], k_hex[c & 0x0F]};
                out.append(escaped, sizeof escaped);
            }
        }
    }
    out.append(text.substr(plain_from));
}

}  // namespace

void append_string(std::string& out, std::string_view text) {
    out.push_back('"');
    append_escaped(out, text);
    out.push_back('"');
}

void append_string_replacing_invalid(std::string& out, std::string_view text) {
    out.push_back('"');
    size_t bad = 0;
    while (!text::is_valid_utf8(text, &bad)) {
        append_escaped(out, text.substr(0, bad));
        out += "\xEF\xBF\xBD";  // U+FFFD for a byte that does not start valid UTF-8
        text.remove_prefix(bad + 1);
    }
    append_escaped(out, text);
    out.push_back('"');
}

}  // namespace sc::json
