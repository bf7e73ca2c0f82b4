#include "tasks/js_text.hpp"

namespace sc::tasks::js {
namespace {

// UTF-8 encodings of the non-ASCII code points in ECMAScript's WhiteSpace and LineTerminator:
// U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
bool is_wide_space(char32_t code_point) {
    return code_point == 0xA0 || code_point == 0x1680 || (code_point >= 0x2000 && code_point <= 0x200A) ||
           code_point == 0x2028 || code_point == 0x2029 || code_point == 0x202F || code_point == 0x205F ||
           code_point == 0x3000 || code_point == 0xFEFF;
}

bool is_ascii_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}

}  // namespace

size_t whitespace_length(std::string_view text, size_t at) {
    if (at >= text.size())
        return 0;
    auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80)
        return is_ascii_space(lead) ? 1 : 0;
    if (lead == 0xC2 && at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) == 0xA0)
        return 2;
    if ((lead == 0xE1 || lead == 0xE2 || lead == 0xE3 || lead == 0xEF) && at + 2 < text.size()) {
        char32_t code_point =
            (char32_t(lead & 0x0F) << 12) | (char32_t(text[at + 1] & 0x3F) << 6) | char32_t(text[at + 2] & 0x3F);
        return is_wide_space(code_point) ? 3 : 0;
    }
    return 0;
}

size_t whitespace_length_before(std::string_view text, size_t end) {
    if (end == 0)
        return 0;
    if (static_cast<unsigned char>(text[end - 1]) < 0x80)
        return is_ascii_space(static_cast<unsigned char>(text[end - 1])) ? 1 : 0;
    for (size_t length : {size_t {2}, size_t {3}}) {
        if (end >= length && whitespace_length(text, end - length) == length)
            return length;
    }
    return 0;
}

std::string_view trim_end(std::string_view text) {
    size_t end = text.size();
    while (size_t length = whitespace_length_before(text, end))
        end -= length;
    return text.substr(0, end);
}

std::string_view trim(std::string_view text) {
    size_t begin = 0;
    while (size_t length = whitespace_length(text, begin))
        begin += length;
    return trim_end(text.substr(begin));
}

}  // namespace sc::tasks::js
