#include "util/json_string.hpp"

#include <array>
#include <bit>
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

/// The byte written after the backslash of a short escape ('n' for a newline), and every
/// other byte itself: with k_extra, a byte is written without a branch on its kind.
constexpr std::array<char, 256> k_second = [] {
    std::array<char, 256> second {};
    for (int c = 0; c < 256; ++c)
        second[c] = static_cast<char>(c);
    second['\b'] = 'b';
    second['\f'] = 'f';
    second['\n'] = 'n';
    second['\r'] = 'r';
    second['\t'] = 't';
    return second;
}();

/// High bit set in each byte of `word` that is zero, and only in those (has_zero_byte may
/// also mark the byte after a zero one): counted, not just tested.
constexpr std::uint64_t zero_bytes(std::uint64_t word) {
    constexpr std::uint64_t k_lows = ~swar::k_highs;
    return ~(((word & k_lows) + k_lows) | word | k_lows);
}

/// The escaped size of eight bytes beyond themselves. A word without controls (JSON text has
/// none: its strings escape them) is counted eight bytes at once, its quotes and backslashes.
size_t word_extra(std::uint64_t word, const char* bytes) {
    constexpr std::uint64_t k_lows = ~swar::k_highs;
    // Bytes below 0x20, exactly: adding 0x60 to the low seven bits reaches the high bit
    // from 0x20 up, and a byte with its high bit set is no control.
    std::uint64_t controls = ~(((word & k_lows) + swar::k_ones * 0x60) | word) & swar::k_highs;
    if (controls == 0)
        return static_cast<size_t>(
            std::popcount(zero_bytes(word ^ (swar::k_ones * '"')) | zero_bytes(word ^ (swar::k_ones * '\\'))));
    size_t extra = 0;
    for (size_t j = 0; j < 8; ++j)
        extra += k_extra[static_cast<unsigned char>(bytes[j])];
    return extra;
}

/// The escaped text, without the quotes. Measured first, then written into place: JSON inside
/// a string (MCP's text content) has a quote every few bytes, and appending piece by piece
/// cost more than the text itself. Words of eight bytes that need no escape are skipped or
/// copied whole; in the others each byte is written as a backslash that the next byte
/// overwrites unless the byte needs it (no branch per byte but for the rare \u00XX).
void append_escaped(std::string& out, std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    const char* bytes = text.data();
    const size_t size = text.size();
    size_t extra = 0;
    size_t i = 0;
    for (; i + 8 <= size; i += 8)
        if (std::uint64_t word = swar::load(bytes + i); word_needs_escape(word))
            extra += word_extra(word, bytes + i);
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
        std::uint8_t more = k_extra[c];
        if (more > 1) [[unlikely]] {
            const char escaped[] = {'\\', 'u', '0', '0', k_hex[c >> 4], k_hex[c & 0x0F]};
            std::memcpy(to, escaped, sizeof escaped);
            to += sizeof escaped;
            return;
        }
        *to = '\\';
        to += more;
        *to++ = k_second[c];
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
