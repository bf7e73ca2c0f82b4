#include "search/search_text.hpp"

#include "util/text.hpp"

namespace sc::search {

namespace {

constexpr char32_t k_replacement = 0xFFFD;

// Decodes the code point at `i` (advancing it); invalid bytes give U+FFFD and advance by one.
char32_t next(std::string_view text, size_t& i) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    size_t length = text::utf8_sequence_length(text.substr(i));
    if (length == 0) {
        ++i;
        return k_replacement;
    }
    char32_t value = lead & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < length; ++k)
        value = (value << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += length;
    return value;
}

}  // namespace

bool is_cjk(char32_t c) {
    return (c >= 0x3040 && c <= 0x30FF) ||  // hiragana, katakana
           (c >= 0x3400 && c <= 0x4DBF) ||  // CJK extension A
           (c >= 0x4E00 && c <= 0x9FFF) ||  // CJK unified ideographs
           (c >= 0xAC00 && c <= 0xD7AF) ||  // hangul syllables
           (c >= 0xF900 && c <= 0xFAFF) ||  // compatibility ideographs
           (c >= 0x20000 && c <= 0x2FA1F);  // extensions B-F, compatibility supplement
}

std::string spaced_for_index(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    size_t i = 0;
    while (i < text.size()) {
        // A run of ASCII is copied as is: no CJK character or invalid byte is in it.
        size_t ascii = i;
        while (ascii < text.size() && static_cast<unsigned char>(text[ascii]) < 0x80)
            ++ascii;
        if (ascii > i) {
            out.append(text.substr(i, ascii - i));
            i = ascii;
            continue;
        }
        size_t start = i;
        char32_t c = next(text, i);
        if (c == k_replacement && (i - start != 3 || text.substr(start, 3) != "\xEF\xBF\xBD")) {
            text::append_utf8(out, k_replacement);
        } else if (is_cjk(c)) {
            if (!out.empty() && out.back() != ' ')
                out += ' ';
            out.append(text.substr(start, i - start));
            out += ' ';
        } else {
            out.append(text.substr(start, i - start));
        }
    }
    return out;
}

std::string unspaced_excerpt(std::string_view excerpt) {
    // Work on code points, remembering the last non-marker character before a space.
    std::string out;
    size_t i = 0;
    auto cjk_at = [&](size_t at) {
        // The first character at or after `at` that is not part of a "**" marker.
        while (at + 1 < excerpt.size() && excerpt[at] == '*' && excerpt[at + 1] == '*')
            at += 2;
        if (at >= excerpt.size())
            return false;
        size_t probe = at;
        return is_cjk(next(excerpt, probe));
    };
    char32_t last = 0;
    while (i < excerpt.size()) {
        if (excerpt[i] == ' ' && is_cjk(last) && cjk_at(i + 1)) {
            ++i;
            continue;
        }
        if (excerpt[i] == '*' && i + 1 < excerpt.size() && excerpt[i + 1] == '*') {
            out += "**";
            i += 2;
            continue;
        }
        size_t start = i;
        last = next(excerpt, i);
        out.append(excerpt.substr(start, i - start));
    }
    // "**認****証**" after the spaces went: one highlight.
    std::string joined;
    joined.reserve(out.size());
    for (size_t k = 0; k < out.size(); ++k) {
        if (out.compare(k, 4, "****") == 0) {
            k += 3;
            continue;
        }
        joined += out[k];
    }
    return joined;
}

}  // namespace sc::search
