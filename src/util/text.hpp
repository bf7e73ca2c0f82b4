#pragma once
// Small text helpers shared by every layer.

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sc::text {

/// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates). On failure `bad_offset`
/// is the byte offset of the first bad sequence.
bool is_valid_utf8(std::string_view bytes, size_t* bad_offset = nullptr);
/// The length (2 to 4) of the well-formed multi-byte UTF-8 sequence at the start of `bytes`
/// (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), or 0 when there is none.
size_t utf8_sequence_length(std::string_view bytes);
/// The value of a hexadecimal digit (either case), or -1.
constexpr int hex_digit_value(char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}
/// How many bytes at the start of `bytes` are ASCII (checked eight at a time).
size_t ascii_prefix_length(std::string_view bytes);
/// 1-based line number of a byte offset.
int line_of_offset(std::string_view text, size_t offset);

/// Appends one code point as UTF-8 (the caller passes a valid scalar value).
void append_utf8(std::string& out, char32_t code_point);
/// Appends `value` in decimal, then `after` (the separator of the line formats of the derived
/// files: the listing cache, the id index, the task-tree scope). No locale, no format string.
void append_decimal(std::string& out, int64_t value, char after);
void append_decimal(std::string& out, uint64_t value, char after);

/// Reads the decimal number at the front of `text` and the `after` that must follow it (the
/// reverse of append_decimal): on success `value` holds it and `text` starts past `after`; false
/// when there is no such number or it does not fit `Number` (then `text` and `value` are as
/// they were). A '-' is read for a signed `Number` only. By hand, eight digits at a time and
/// with no overflow check on the first nineteen: std::from_chars cost 180-280 instructions on
/// each 19-digit nanosecond stamp these files are made of.
template <class Number>
bool read_decimal(std::string_view& text, Number& value, char after);

std::string to_lower_ascii(std::string_view text);
std::string_view trim(std::string_view text);
bool starts_with(std::string_view text, std::string_view prefix);
bool ends_with(std::string_view text, std::string_view suffix);
std::vector<std::string_view> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);

/// Standard base64 (RFC 4648, with padding): how bytes that are not UTF-8 travel in JSON.
std::string base64_encode(std::string_view bytes);
/// False when `text` is not standard padded base64.
bool base64_decode(std::string_view text, std::string& bytes);

namespace detail {

/// The value of eight ASCII digits at `p`, or -1 when any of them is not a digit: the digits
/// combined pairwise in one 64-bit word (three multiplications instead of eight steps).
[[gnu::always_inline]] inline int64_t eight_digits(const char* p) {
    uint64_t word = 0;
    std::memcpy(&word, p, 8);
    if constexpr (std::endian::native == std::endian::big)
        word = __builtin_bswap64(word);  // the first digit in the lowest byte, as below
    // Each byte is '0'..'9' when its high nibble is 3 and adding 6 does not carry into it.
    if ((word & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL ||
        ((word + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL)
        return -1;
    word -= 0x3030303030303030ULL;
    word = (word * 10) + (word >> 8);  // pairs of digits
    word = (((word & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
            (((word >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
           32;
    return static_cast<int64_t>(word & 0xFFFFFFFFULL);
}

}  // namespace detail

template <class Number>
[[gnu::always_inline]] inline bool read_decimal(std::string_view& text, Number& value, char after) {
    static_assert(std::is_integral_v<Number> && sizeof(Number) <= 8);
    size_t at = 0;
    bool negative = std::is_signed_v<Number> && !text.empty() && text[0] == '-';
    at += negative ? 1 : 0;
    size_t first = at;
    uint64_t number = 0;
    // Nineteen digits cannot overflow 64 bits: checked only past them; eight at a time while
    // eight more are there (two turns: sixteen digits).
    for (int turn = 0; turn < 2 && text.size() - at >= 8; ++turn) {
        int64_t eight = detail::eight_digits(text.data() + at);
        if (eight < 0)
            break;
        number = number * 100000000ULL + static_cast<uint64_t>(eight);
        at += 8;
    }
    size_t unchecked_end = text.size() < first + 19 ? text.size() : first + 19;
    while (at < unchecked_end && static_cast<unsigned char>(text[at] - '0') < 10)
        number = number * 10 + static_cast<uint64_t>(text[at++] - '0');
    while (at < text.size() && static_cast<unsigned char>(text[at] - '0') < 10) {
        uint64_t digit = static_cast<uint64_t>(text[at++] - '0');
        if (number > (UINT64_MAX - digit) / 10)
            return false;
        number = number * 10 + digit;
    }
    if (at == first || at >= text.size() || text[at] != after)
        return false;
    if (negative) {
        // |min| is max + 1
        if (number > static_cast<uint64_t>(std::numeric_limits<Number>::max()) + 1)
            return false;
        value = static_cast<Number>(0 - number);
    } else {
        if (number > static_cast<uint64_t>(std::numeric_limits<Number>::max()))
            return false;
        value = static_cast<Number>(number);
    }
    text.remove_prefix(at + 1);
    return true;
}

}  // namespace sc::text
