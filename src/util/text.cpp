#include "util/text.hpp"

#include <charconv>
#include <cstdint>

#include "util/swar.hpp"

namespace sc::text {

size_t ascii_prefix_length(std::string_view bytes) {
    size_t at = 0;
    for (; at + 8 <= bytes.size(); at += 8)
        if ((swar::load(bytes.data() + at) & swar::k_highs) != 0)
            break;
    while (at < bytes.size() && static_cast<unsigned char>(bytes[at]) < 0x80)
        ++at;
    return at;
}

size_t utf8_sequence_length(std::string_view bytes) {
    if (bytes.empty())
        return 0;
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    unsigned char lead = data[0];
    size_t length = 0;
    unsigned char low = 0x80;  // the second byte's range: narrower after E0, ED, F0 and F4
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            low = 0xA0;  // no overlong forms
        else if (lead == 0xED)
            high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            low = 0x90;  // no overlong forms
        else if (lead == 0xF4)
            high = 0x8F;  // nothing past U+10FFFF
    } else {
        return 0;
    }
    if (bytes.size() < length || data[1] < low || data[1] > high)
        return 0;
    for (size_t i = 2; i < length; ++i)
        if ((data[i] & 0xC0) != 0x80)
            return 0;
    return length;
}

bool is_valid_utf8(std::string_view bytes, size_t* bad_offset) {
    size_t i = ascii_prefix_length(bytes);
    while (i < bytes.size()) {
        if (static_cast<unsigned char>(bytes[i]) < 0x80) {
            i += ascii_prefix_length(bytes.substr(i));  // runs of ASCII eight bytes at a time
            continue;
        }
        size_t length = utf8_sequence_length(bytes.substr(i));
        if (length == 0) {
            if (bad_offset != nullptr)
                *bad_offset = i;
            return false;
        }
        i += length;
    }
    return true;
}

int line_of_offset(std::string_view text, size_t offset) {
    int line = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i)
        if (text[i] == '\n')
            ++line;
    return line;
}

void append_utf8(std::string& out, char32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

namespace {
template <typename Number>
void append_number(std::string& out, Number value, char after) {
    char buffer[24];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer - 1, value);
    (void)error;  // 23 bytes hold any 64-bit number
    *end++ = after;
    out.append(buffer, end);  // one append, not two
}
}  // namespace

void append_decimal(std::string& out, int64_t value, char after) {
    append_number(out, value, after);
}
void append_decimal(std::string& out, uint64_t value, char after) {
    append_number(out, value, after);
}

std::string to_lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view trim(std::string_view text) {
    size_t begin = 0;
    while (begin < text.size() &&
           (text[begin] == ' ' || text[begin] == '\t' || text[begin] == '\r' || text[begin] == '\n'))
        ++begin;
    size_t end = text.size();
    while (end > begin &&
           (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r' || text[end - 1] == '\n'))
        --end;
    return text.substr(begin, end - begin);
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
        size_t at = text.find(separator, start);
        if (at == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, at - start));
        start = at + 1;
    }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += separator;
        out += parts[i];
    }
    return out;
}

namespace {
constexpr std::string_view k_base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
int base64_value(char c) {
    size_t at = k_base64_alphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}
}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (size_t i = 0; i < bytes.size(); i += 3) {
        uint32_t chunk = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (i + 1 < bytes.size())
            chunk |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        if (i + 2 < bytes.size())
            chunk |= static_cast<unsigned char>(bytes[i + 2]);
        out += k_base64_alphabet[(chunk >> 18) & 63];
        out += k_base64_alphabet[(chunk >> 12) & 63];
        out += i + 1 < bytes.size() ? k_base64_alphabet[(chunk >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? k_base64_alphabet[chunk & 63] : '=';
    }
    return out;
}

bool base64_decode(std::string_view text, std::string& bytes) {
    bytes.clear();
    if (text.size() % 4 != 0)
        return false;
    bytes.reserve(text.size() / 4 * 3);
    for (size_t i = 0; i < text.size(); i += 4) {
        bool last = i + 4 == text.size();
        int padding = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
        if (padding == 1 && text[i + 2] == '=')
            return false;  // "xx=y"
        uint32_t chunk = 0;
        for (int k = 0; k < 4 - padding; ++k) {
            int value = base64_value(text[i + static_cast<size_t>(k)]);
            if (value < 0)
                return false;
            chunk |= static_cast<uint32_t>(value) << (18 - 6 * k);
        }
        bytes += static_cast<char>((chunk >> 16) & 0xff);
        if (padding < 2)
            bytes += static_cast<char>((chunk >> 8) & 0xff);
        if (padding < 1)
            bytes += static_cast<char>(chunk & 0xff);
    }
    return true;
}

}  // namespace sc::text
