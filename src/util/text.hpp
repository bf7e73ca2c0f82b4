#pragma once
// Small text helpers shared by every layer.

#include <cstdint>
#include <string>
#include <string_view>
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

}  // namespace sc::text
