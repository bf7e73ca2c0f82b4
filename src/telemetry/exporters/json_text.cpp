#include "telemetry/exporters/json_text.hpp"

#include <charconv>
#include <cmath>

namespace sc::telemetry::exporters {
namespace {

// Length of the valid UTF-8 sequence at `index`, or 0 when it is not one.
size_t utf8_sequence_length(std::string_view text, size_t index) {
    auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
    unsigned char lead = byte(index);
    size_t length = 0;
    uint32_t minimum = 0;
    uint32_t code = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code = lead & 0x1F;
        minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code = lead & 0x0F;
        minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code = lead & 0x07;
        minimum = 0x10000;
    } else {
        return 0;
    }
    if (index + length > text.size())
        return 0;
    for (size_t offset = 1; offset < length; ++offset) {
        if ((byte(index + offset) & 0xC0) != 0x80)
            return 0;
        code = (code << 6) | (byte(index + offset) & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return 0;
    return length;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    constexpr char k_hex[] = "0123456789abcdef";
    out += '"';
    size_t index = 0;
    while (index < text.size()) {
        unsigned char character = static_cast<unsigned char>(text[index]);
        if (character >= 0x80) {
            size_t length = utf8_sequence_length(text, index);
            if (length == 0) {
                out += "\xEF\xBF\xBD";  // U+FFFD for a byte that does not start valid UTF-8
                ++index;
            } else {
                out.append(text.data() + index, length);
                index += length;
            }
            continue;
        }
        switch (character) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
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
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (character < 0x20 || character == 0x7F) {
                    out += "\\u00";
                    out += k_hex[character >> 4];
                    out += k_hex[character & 0xF];
                } else {
                    out += static_cast<char>(character);
                }
        }
        ++index;
    }
    out += '"';
}

void append_json_double(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "\"NaN\"";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        return;
    }
    char buffer[32];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void append_json_int64_string(std::string& out, int64_t value) {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out += '"';
    out.append(buffer, result.ptr);
    out += '"';
}

void append_json_uint64_string(std::string& out, uint64_t value) {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out += '"';
    out.append(buffer, result.ptr);
    out += '"';
}

void append_json_uint(std::string& out, uint64_t value) {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

}  // namespace sc::telemetry::exporters
