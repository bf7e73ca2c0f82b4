#include "receiver/otlp_ids.hpp"

#include "util/text.hpp"

namespace sc::receiver {

namespace {

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

constexpr char k_base64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

bool hex_decode(std::string_view text, std::string& bytes) {
    if (text.size() % 2 != 0)
        return false;
    bytes.clear();
    bytes.reserve(text.size() / 2);
    for (size_t i = 0; i < text.size(); i += 2) {
        int high = sc::text::hex_digit_value(text[i]);
        int low = sc::text::hex_digit_value(text[i + 1]);
        if (high < 0 || low < 0)
            return false;
        bytes.push_back(static_cast<char>((high << 4) | low));
    }
    return true;
}

void append_hex(std::string& out, std::string_view bytes) {
    static constexpr char k_digits[] = "0123456789abcdef";
    size_t at = out.size();
    out.resize(at + bytes.size() * 2);
    char* to = out.data() + at;
    for (char byte : bytes) {
        auto value = static_cast<unsigned char>(byte);
        *to++ = k_digits[value >> 4];
        *to++ = k_digits[value & 15];
    }
}

bool base64_decode(std::string_view text, std::string& bytes) {
    while (!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    if (text.size() % 4 == 1)
        return false;
    bytes.clear();
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        int value = base64_value(c);
        if (value < 0)
            return false;
        buffer = (buffer << 6) | static_cast<uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return true;
}

void append_base64(std::string& out, std::string_view bytes) {
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        uint32_t chunk = (static_cast<unsigned char>(bytes[i]) << 16) |
                         (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
        out += k_base64[(chunk >> 18) & 63];
        out += k_base64[(chunk >> 12) & 63];
        out += k_base64[(chunk >> 6) & 63];
        out += k_base64[chunk & 63];
    }
    size_t left = bytes.size() - i;
    if (left == 1) {
        uint32_t chunk = static_cast<unsigned char>(bytes[i]) << 16;
        out += k_base64[(chunk >> 18) & 63];
        out += k_base64[(chunk >> 12) & 63];
        out += "==";
    } else if (left == 2) {
        uint32_t chunk = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += k_base64[(chunk >> 18) & 63];
        out += k_base64[(chunk >> 12) & 63];
        out += k_base64[(chunk >> 6) & 63];
        out += '=';
    }
}

}  // namespace sc::receiver
