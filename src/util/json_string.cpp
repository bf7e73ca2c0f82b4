#include "util/json_string.hpp"

#include <array>
#include <cstdint>
#include <cstring>

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

/// How many bytes each byte takes escaped, beyond itself: 0 for most, 1 for a quote, a
/// backslash and the controls with a short escape, 5 for the other controls (\u00XX).
constexpr std::array<std::uint8_t, 256> k_extra = [] {
    std::array<std::uint8_t, 256> extra {};
    for (int c = 0; c < 0x20; ++c)
        extra[c] = 5;
    for (unsigned char c : {'"', '\\', '\b', '\f', '\n', '\r', '\t'})
        extra[c] = 1;
    return extra;
}();

/// The escaped text, without the quotes. Measured first, then written into place: JSON inside
/// a string (MCP's text content) has a quote every few bytes, and appending piece by piece
/// cost more than the text itself. Words of eight bytes that need no escape are skipped or
/// copied whole.
void append_escaped(std::string& out, std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    const char* bytes = text.data();
    const size_t size = text.size();
    size_t extra = 0;
    size_t i = 0;
    for (; i + 8 <= size; i += 8)
        if (word_needs_escape(swar::load(bytes + i)))
            for (size_t j = i; j < i + 8; ++j)
                extra += k_extra[static_cast<unsigned char>(bytes[j])];
    for (; i < size; ++i)
        extra += k_extra[static_cast<unsigned char>(bytes[i])];
    if (extra == 0) {
        out.append(text);
        return;
    }
    size_t at = out.size();
    out.resize(at + size + extra);
    char* to = out.data() + at;
    auto put = [&to](unsigned char c) {
        switch (k_extra[c]) {
            case 0:
                *to++ = static_cast<char>(c);
                return;
            case 1:
                *to++ = '\\';
                *to++ = c == '\b'   ? 'b'
                        : c == '\f' ? 'f'
                        : c == '\n' ? 'n'
                        : c == '\r' ? 'r'
                        : c == '\t' ? 't'
                                    : static_cast<char>(c);
                return;
            default:
                const char escaped[] = {'\\', 'u', '0', '0', k_hex[c >> 4], k_hex[c & 0x0F]};
                std::memcpy(to, escaped, sizeof escaped);
                to += sizeof escaped;
        }
    };
    i = 0;
    for (; i + 8 <= size; i += 8) {
        if (!word_needs_escape(swar::load(bytes + i))) {
            std::memcpy(to, bytes + i, 8);
            to += 8;
            continue;
        }
        for (size_t j = i; j < i + 8; ++j)
            put(static_cast<unsigned char>(bytes[j]));
    }
    for (; i < size; ++i)
        put(static_cast<unsigned char>(bytes[i]));
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
