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

constexpr std::uint64_t k_lows = ~swar::k_highs;

/// High bit set in each byte of `word` that is zero, and only in those (has_zero_byte may
/// also mark the byte after a zero one): counted and located, not just tested.
constexpr std::uint64_t zero_bytes(std::uint64_t word) {
    return ~(((word & k_lows) + k_lows) | word | k_lows);
}

/// High bit set in each byte below 0x20, exactly: adding 0x60 to the low seven bits reaches
/// the high bit from 0x20 up, and a byte with its high bit set is no control.
constexpr std::uint64_t control_bytes(std::uint64_t word) {
    return ~(((word & k_lows) + swar::k_ones * 0x60) | word) & swar::k_highs;
}

/// High bit set in each quote and backslash.
constexpr std::uint64_t quote_bytes(std::uint64_t word) {
    return zero_bytes(word ^ (swar::k_ones * '"')) | zero_bytes(word ^ (swar::k_ones * '\\'));
}

/// How many bytes of a mask have their high bit set (no popcount instruction in the baseline
/// x86-64 the build targets: the bytes are summed by a multiplication).
constexpr size_t marked_bytes(std::uint64_t mask) {
    return static_cast<size_t>(((mask >> 7) * swar::k_ones) >> 56);
}

/// The escaped text, without the quotes. Measured first, then written into place: JSON inside
/// a string (MCP's text content) has a quote every few bytes, and appending piece by piece
/// cost more than the text itself. Eight bytes at a time: a word without controls (JSON text
/// has none: its strings escape them) is counted by its quotes and backslashes, and written
/// by copying the runs between them whole, each followed by its escape; a word with a
/// control goes a byte at a time.
void append_escaped(std::string& out, std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    const char* bytes = text.data();
    const size_t size = text.size();
    size_t extra = 0;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word = swar::load(bytes + i);
        if (control_bytes(word) == 0) [[likely]] {
            extra += marked_bytes(quote_bytes(word));
            continue;
        }
        for (size_t j = i; j < i + 8; ++j)
            extra += k_extra[static_cast<unsigned char>(bytes[j])];
    }
    for (; i < size; ++i)
        extra += k_extra[static_cast<unsigned char>(bytes[i])];
    if (extra == 0) {
        out.append(text);
        return;
    }
    size_t at = out.size();
    // Eight bytes of room past the end: the rest of a word is copied whole before the part
    // of it that belongs there is kept.
    out.resize(at + size + extra + 8);
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
    for (i = 0; i + 8 <= size; i += 8) {
        std::uint64_t word = swar::load(bytes + i);
        if (control_bytes(word) != 0) [[unlikely]] {
            for (size_t j = i; j < i + 8; ++j)
                put(static_cast<unsigned char>(bytes[j]));
            continue;
        }
        std::uint64_t quotes = quote_bytes(word);
        if constexpr (std::endian::native != std::endian::little) {
            // The runs below are found from the low bits up, the first bytes of a word on a
            // little-endian machine only.
            for (size_t j = i; j < i + 8; ++j)
                put(static_cast<unsigned char>(bytes[j]));
            continue;
        }
        size_t from = 0;  // the first byte of the word not written yet
        for (; quotes != 0; quotes &= quotes - 1) {
            auto quote = static_cast<size_t>(std::countr_zero(quotes) / 8);
            // What precedes the quote, and more (overwritten next): the word's bytes from
            // `from` on, taken from the register, not read again past the word.
            std::uint64_t rest = word >> (8 * from);
            std::memcpy(to, &rest, 8);
            to += quote - from;
            *to++ = '\\';
            *to++ = bytes[i + quote];
            from = quote + 1;
        }
        if (from < 8) {
            std::uint64_t rest = word >> (8 * from);
            std::memcpy(to, &rest, 8);
            to += 8 - from;
        }
    }
    for (; i < size; ++i)
        put(static_cast<unsigned char>(bytes[i]));
    out.resize(static_cast<size_t>(to - out.data()));
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
