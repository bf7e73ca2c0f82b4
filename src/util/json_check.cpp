#include "util/json_check.hpp"

#include "util/swar.hpp"
#include "util/text.hpp"

namespace sc::json {

namespace {

constexpr int k_max_depth = 256;
constexpr int k_max_digits = 18;

class Checker {
public:
    explicit Checker(std::string_view text)
        : m_begin(reinterpret_cast<const unsigned char*>(text.data())), m_at(m_begin), m_end(m_begin + text.size()) {}

    Checked run();

private:
    bool fail(const char* why) {
        m_result.verdict = Verdict::invalid;
        m_result.offset = static_cast<size_t>(m_at - m_begin);
        m_result.why = why;
        return false;
    }
    bool undecided() {
        m_result.verdict = Verdict::undecided;
        return false;
    }
    /// The next byte, or 0 at the end (0 is wrong wherever a structural byte is expected).
    unsigned char peek() const { return m_at < m_end ? *m_at : 0; }
    void skip_blanks() {
        for (;;) {
            unsigned char c = peek();
            if (c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t'))
                return;
            m_result.compact = false;
            ++m_at;
        }
    }
    bool value(int depth);
    bool object(int depth);
    bool array(int depth);
    bool string();
    bool escape();
    bool utf8_sequence();
    bool number();
    bool literal(std::string_view word);

    const unsigned char* m_begin;
    const unsigned char* m_at;
    const unsigned char* m_end;
    Checked m_result;
};

// Called on the opening quote; leaves m_at after the closing one.
bool Checker::string() {
    ++m_at;
    for (;;) {
        // Plain ASCII text, eight bytes at a time, straight to the first byte that needs a look:
        // the lowest flagged byte of each test is exact (borrows only flag bytes above a match).
        for (;;) {
            if (m_end - m_at < 8) {
                while (m_at < m_end && *m_at >= 0x20 && *m_at < 0x80 && *m_at != '"' && *m_at != '\\')
                    ++m_at;
                break;
            }
            uint64_t word = swar::load(reinterpret_cast<const char*>(m_at));
            uint64_t flagged = swar::has_byte(word, '"') | swar::has_byte(word, '\\') |
                               swar::has_byte_below(word, 0x20) | (word & swar::k_highs);
            if (flagged != 0) {
                m_at += static_cast<unsigned>(__builtin_ctzll(flagged)) / 8;
                break;
            }
            m_at += 8;
        }
        if (m_at == m_end)
            return fail("a string is not closed");
        unsigned char c = *m_at;
        if (c == '"') {
            ++m_at;
            return true;
        }
        if (c == '\\') {
            if (!escape())
                return false;
        } else if (c < 0x20) {
            return fail("a control character is inside a string (escape it)");
        } else if (!utf8_sequence()) {
            return false;
        }
    }
}

bool Checker::escape() {
    if (m_end - m_at < 2)
        return fail("a string is not closed");
    switch (m_at[1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            m_at += 2;
            return true;
        case 'u': {
            if (m_end - m_at < 6)
                return fail("a \\u escape needs four hex digits");
            int value = 0;
            for (int i = 2; i < 6; ++i) {
                int digit = text::hex_digit_value(static_cast<char>(m_at[i]));
                if (digit < 0)
                    return fail("a \\u escape needs four hex digits");
                value = value * 16 + digit;
            }
            if (value >= 0xD800 && value <= 0xDFFF)
                return undecided();  // surrogate pairs: the full parser's rules
            m_at += 6;
            return true;
        }
        default:
            return fail("an unknown escape is inside a string");
    }
}

// One UTF-8 encoded character of two to four bytes (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF).
bool Checker::utf8_sequence() {
    size_t length = text::utf8_sequence_length(
        std::string_view(reinterpret_cast<const char*>(m_at), static_cast<size_t>(m_end - m_at)));
    if (length == 0)
        return fail("a string holds bytes that are not UTF-8");
    m_at += length;
    return true;
}

bool Checker::number() {
    int digits = 0;
    if (*m_at == '-')
        ++m_at;
    if (m_at == m_end || *m_at < '0' || *m_at > '9')
        return fail("a number needs a digit");
    if (*m_at == '0') {
        ++m_at;
        ++digits;
    } else {
        while (m_at < m_end && *m_at >= '0' && *m_at <= '9')
            ++m_at, ++digits;
    }
    if (m_at < m_end && *m_at == '.') {
        ++m_at;
        if (m_at == m_end || *m_at < '0' || *m_at > '9')
            return fail("a number needs a digit after its decimal point");
        while (m_at < m_end && *m_at >= '0' && *m_at <= '9')
            ++m_at, ++digits;
    }
    bool exponent = false;
    if (m_at < m_end && (*m_at == 'e' || *m_at == 'E')) {
        exponent = true;
        ++m_at;
        if (m_at < m_end && (*m_at == '+' || *m_at == '-'))
            ++m_at;
        if (m_at == m_end || *m_at < '0' || *m_at > '9')
            return fail("a number needs a digit in its exponent");
        while (m_at < m_end && *m_at >= '0' && *m_at <= '9')
            ++m_at;
    }
    if (exponent || digits > k_max_digits)
        return undecided();  // in range of a double or not: the full parser's call
    return true;
}

bool Checker::literal(std::string_view word) {
    if (static_cast<size_t>(m_end - m_at) < word.size() ||
        std::string_view(reinterpret_cast<const char*>(m_at), word.size()) != word)
        return fail("a value was expected (an object, array, string, number, true, false or null)");
    m_at += word.size();
    return true;
}

// A value, from its first byte (blanks before it are skipped by the caller).
bool Checker::value(int depth) {
    switch (peek()) {
        case '{':
            return object(depth + 1);
        case '[':
            return array(depth + 1);
        case '"':
            return string();
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        case '-':
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
            return number();
        case 0:
            if (m_at == m_end)
                return fail("the text ends before its value does");
            [[fallthrough]];
        default:
            return fail("a value was expected (an object, array, string, number, true, false or null)");
    }
}

bool Checker::object(int depth) {
    if (depth > k_max_depth)
        return undecided();
    ++m_at;
    skip_blanks();
    if (peek() == '}') {
        ++m_at;
        return true;
    }
    for (;;) {
        if (peek() != '"')
            return fail(m_at == m_end ? "the text ends before its value does"
                                      : "a member name (a string) was expected");
        if (!string())
            return false;
        skip_blanks();
        if (peek() != ':')
            return fail("a colon was expected after the member name");
        ++m_at;
        skip_blanks();
        if (!value(depth))
            return false;
        skip_blanks();
        unsigned char c = peek();
        if (c != '}' && c != ',')
            return fail(m_at == m_end ? "the text ends before its value does"
                                      : "a comma or a closing brace was expected");
        ++m_at;
        if (c == '}')
            return true;
        skip_blanks();
    }
}

bool Checker::array(int depth) {
    if (depth > k_max_depth)
        return undecided();
    ++m_at;
    skip_blanks();
    if (peek() == ']') {
        ++m_at;
        return true;
    }
    for (;;) {
        if (!value(depth))
            return false;
        skip_blanks();
        unsigned char c = peek();
        if (c != ']' && c != ',')
            return fail(m_at == m_end ? "the text ends before its value does"
                                      : "a comma or a closing bracket was expected");
        ++m_at;
        if (c == ']')
            return true;
        skip_blanks();
    }
}

Checked Checker::run() {
    skip_blanks();
    if (m_at == m_end) {
        fail("the text is empty");
        return m_result;
    }
    m_result.object = *m_at == '{';
    if (!value(0))
        return m_result;
    skip_blanks();
    if (m_at != m_end) {
        fail("more text follows the value");
        return m_result;
    }
    m_result.verdict = Verdict::valid;
    return m_result;
}

}  // namespace

Checked check(std::string_view text) {
    return Checker(text).run();
}

}  // namespace sc::json
