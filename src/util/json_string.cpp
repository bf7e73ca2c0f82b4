#include "util/json_string.hpp"

#include <cstdint>
#include <cstring>

namespace sc::json {

namespace {

constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
constexpr std::uint64_t k_highs = 0x8080808080808080ULL;

constexpr std::uint64_t has_zero_byte(std::uint64_t word) {
    return (word - k_ones) & ~word & k_highs;
}

/// True when one of the eight bytes is a control character, a quote or a backslash. The tests
/// are exact about whether such a byte exists, which is all the caller needs to skip a word.
constexpr bool needs_escape(std::uint64_t word) {
    const std::uint64_t control = (word - k_ones * 0x20) & ~word & k_highs;
    return (control | has_zero_byte(word ^ (k_ones * '"')) | has_zero_byte(word ^ (k_ones * '\\'))) != 0;
}

}  // namespace

void append_string(std::string& out, std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    out.push_back('"');
    size_t plain_from = 0;
    size_t i = 0;
    while (i < text.size()) {
        // Most text needs no escape at all: skip it eight bytes at a time.
        if (i + 8 <= text.size()) {
            std::uint64_t word = 0;
            std::memcpy(&word, text.data() + i, 8);
            if (!needs_escape(word)) {
                i += 8;
                continue;
            }
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
    out.push_back('"');
}

}  // namespace sc::json
