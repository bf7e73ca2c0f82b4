#include "tasks/yaml_scalar.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

namespace sc::tasks::yaml {
namespace {

bool is_decimal(char c) {
    return c >= '0' && c <= '9';
}
bool is_octal(char c) {
    return c >= '0' && c <= '7';
}
bool is_hex(char c) {
    return is_decimal(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_null(std::string_view text) {
    return text == "~" || text == "null" || text == "Null" || text == "NULL";
}

std::optional<bool> as_bool(std::string_view text) {
    if (text == "true" || text == "True" || text == "TRUE")
        return true;
    if (text == "false" || text == "False" || text == "FALSE")
        return false;
    return std::nullopt;
}

// `:[0-5]?[0-9]` repeated to the end (the base-60 tail of 1:30:00).
bool is_sexagesimal_tail(std::string_view text) {
    size_t at = 0;
    if (text.empty())
        return false;
    while (at < text.size()) {
        if (text[at] != ':')
            return false;
        ++at;
        size_t digits = 0;
        while (at < text.size() && is_decimal(text[at]) && digits < 2)
            ++at, ++digits;
        if (digits == 0 || (digits == 2 && text[at - 2] > '5'))
            return false;
    }
    return true;
}

// js-yaml 3's resolveYamlInteger.
bool is_integer(std::string_view text) {
    if (text.empty())
        return false;
    size_t at = 0;
    if (text[at] == '-' || text[at] == '+')
        ++at;
    if (at < text.size() && text[at] == '0') {
        if (at + 1 == text.size())
            return true;
        ++at;
        auto digits_of = [&](auto accept) {
            bool any = false;
            char last = 0;
            for (; at < text.size(); ++at) {
                last = text[at];
                if (last == '_')
                    continue;
                if (!accept(last))
                    return false;
                any = true;
            }
            return any && last != '_';
        };
        if (text[at] == 'b') {
            ++at;
            return digits_of([](char c) { return c == '0' || c == '1'; });
        }
        if (text[at] == 'x') {
            ++at;
            return digits_of(is_hex);
        }
        return digits_of(is_octal);
    }
    if (at < text.size() && text[at] == '_')
        return false;
    bool any = false;
    char last = 0;
    for (; at < text.size(); ++at) {
        last = text[at];
        if (last == '_')
            continue;
        if (last == ':')
            break;
        if (!is_decimal(last))
            return false;
        any = true;
    }
    if (!any || last == '_')
        return false;
    if (last != ':')
        return true;
    return is_sexagesimal_tail(text.substr(at));
}

double integer_value(std::string_view text) {
    std::string digits;
    for (char c : text) {
        if (c != '_')
            digits += c;
    }
    double sign = 1;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
        sign = digits[0] == '-' ? -1 : 1;
        digits.erase(0, 1);
    }
    if (digits == "0")
        return 0;
    if (digits.size() > 1 && digits[0] == '0') {
        if (digits[1] == 'b')
            return sign * static_cast<double>(std::strtoull(digits.c_str() + 2, nullptr, 2));
        if (digits[1] == 'x')
            return sign * static_cast<double>(std::strtoull(digits.c_str() + 2, nullptr, 16));
        return sign * static_cast<double>(std::strtoull(digits.c_str(), nullptr, 8));
    }
    if (digits.find(':') != std::string::npos) {
        double value = 0;
        size_t start = 0;
        while (start <= digits.size()) {
            size_t colon = digits.find(':', start);
            std::string part = digits.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            value = value * 60 + std::strtod(part.c_str(), nullptr);
            if (colon == std::string::npos)
                break;
            start = colon + 1;
        }
        return sign * value;
    }
    return sign * std::strtod(digits.c_str(), nullptr);
}

// js-yaml 3's YAML_FLOAT_PATTERN plus its "no trailing underscore" rule.
bool is_float(std::string_view text) {
    if (text.empty() || text.back() == '_')
        return false;
    size_t at = 0;
    auto digits = [&](bool allow_underscore) {
        size_t start = at;
        while (at < text.size() && (is_decimal(text[at]) || (allow_underscore && text[at] == '_')))
            ++at;
        return at - start;
    };
    auto exponent = [&]() {
        if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
            ++at;
            if (at < text.size() && (text[at] == '-' || text[at] == '+'))
                ++at;
            return digits(false) > 0;
        }
        return true;
    };
    // .2e4, .2 ; .nan ; .inf
    if (text == ".nan" || text == ".NaN" || text == ".NAN")
        return true;
    size_t signless = (text[0] == '-' || text[0] == '+') ? 1 : 0;
    std::string_view rest = text.substr(signless);
    if (rest == ".inf" || rest == ".Inf" || rest == ".INF")
        return true;
    if (text[0] == '.') {
        at = 1;
        if (digits(true) == 0)
            return false;
        return exponent() && at == text.size();
    }
    at = signless;
    // [-+]?(?:0|[1-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
    if (at < text.size() && text[at] == '0') {
        ++at;
    } else if (at < text.size() && text[at] >= '1' && text[at] <= '9') {
        digits(true);
    } else {
        return false;
    }
    if (at < text.size() && text[at] == '.') {
        ++at;
        digits(true);
    }
    if (exponent() && at == text.size())
        return true;
    // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*  (base 60 with a fraction)
    at = signless;
    if (at >= text.size() || !is_decimal(text[at]))
        return false;
    digits(true);
    size_t dot = text.find('.', at);
    if (dot == std::string_view::npos || !is_sexagesimal_tail(text.substr(at, dot - at)))
        return false;
    at = dot + 1;
    digits(true);
    return at == text.size();
}

double float_value(std::string_view text) {
    std::string value;
    for (char c : text) {
        if (c != '_')
            value += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    double sign = value[0] == '-' ? -1 : 1;
    if (value[0] == '-' || value[0] == '+')
        value.erase(0, 1);
    if (value == ".inf")
        return sign * HUGE_VAL;
    if (value == ".nan")
        return std::numeric_limits<double>::quiet_NaN();
    if (value.find(':') != std::string::npos) {
        double result = 0;
        size_t start = 0;
        while (true) {
            size_t colon = value.find(':', start);
            result = result * 60 + std::strtod(value.substr(start, colon - start).c_str(), nullptr);
            if (colon == std::string::npos)
                break;
            start = colon + 1;
        }
        return sign * result;
    }
    return sign * std::strtod(value.c_str(), nullptr);
}

// JSON.stringify shows numbers the JavaScript way: integral values without a fraction,
// NaN and infinities as null.
nlohmann::ordered_json number_json(double value) {
    if (!std::isfinite(value))
        return nullptr;
    if (value == std::floor(value) && std::fabs(value) < 9.007199254740992e15)
        return static_cast<std::int64_t>(value);
    return value;
}

int parse_digits(std::string_view text) {
    int value = 0;
    for (char c : text)
        value = value * 10 + (c - '0');
    return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146097);
    const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    year = static_cast<std::int64_t>(year_of_era) + era * 400;
    const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned shifted_month = (5 * day_of_year + 2) / 153;
    day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    year += month <= 2;
}

}  // namespace

std::optional<std::string> timestamp_json(std::string_view text) {
    // YYYY-MM-DD, or YYYY-M?-D? then [Tt] or blanks, H?:MM:SS, .fraction, blanks, Z or ±H?(:MM)?
    size_t at = 0;
    auto take_digits = [&](size_t minimum, size_t maximum) -> std::optional<int> {
        size_t start = at;
        while (at < text.size() && at - start < maximum && is_decimal(text[at]))
            ++at;
        if (at - start < minimum)
            return std::nullopt;
        return parse_digits(text.substr(start, at - start));
    };
    auto expect = [&](char c) {
        if (at < text.size() && text[at] == c) {
            ++at;
            return true;
        }
        return false;
    };
    auto year = take_digits(4, 4);
    if (!year || !expect('-'))
        return std::nullopt;
    size_t month_start = at;
    auto month = take_digits(1, 2);
    if (!month || !expect('-'))
        return std::nullopt;
    size_t month_length = at - 1 - month_start;
    size_t day_start = at;
    auto day = take_digits(1, 2);
    if (!day)
        return std::nullopt;
    size_t day_length = at - day_start;
    int hour = 0, minute = 0, second = 0, millisecond = 0;
    std::int64_t offset_minutes = 0;
    if (at == text.size()) {
        if (month_length != 2 || day_length != 2)  // a date alone needs two-digit month and day
            return std::nullopt;
    } else {
        if (text[at] == 'T' || text[at] == 't') {
            ++at;
        } else if (text[at] == ' ' || text[at] == '\t') {
            while (at < text.size() && (text[at] == ' ' || text[at] == '\t'))
                ++at;
        } else {
            return std::nullopt;
        }
        auto hours = take_digits(1, 2);
        if (!hours || !expect(':'))
            return std::nullopt;
        auto minutes = take_digits(2, 2);
        if (!minutes || !expect(':'))
            return std::nullopt;
        auto seconds = take_digits(2, 2);
        if (!seconds)
            return std::nullopt;
        hour = *hours, minute = *minutes, second = *seconds;
        if (expect('.')) {
            size_t start = at;
            while (at < text.size() && is_decimal(text[at]))
                ++at;
            std::string fraction(text.substr(start, std::min<size_t>(at - start, 3)));
            while (fraction.size() < 3)
                fraction += '0';
            millisecond = parse_digits(fraction);
        }
        while (at < text.size() && (text[at] == ' ' || text[at] == '\t'))
            ++at;
        if (at < text.size()) {
            if (text[at] == 'Z') {
                ++at;
            } else if (text[at] == '+' || text[at] == '-') {
                const int sign = text[at] == '-' ? -1 : 1;
                ++at;
                auto offset_hours = take_digits(1, 2);
                if (!offset_hours)
                    return std::nullopt;
                int offset_minute = 0;
                if (expect(':')) {
                    auto value = take_digits(2, 2);
                    if (!value)
                        return std::nullopt;
                    offset_minute = *value;
                }
                offset_minutes = sign * (*offset_hours * 60 + offset_minute);
            } else {
                return std::nullopt;
            }
        }
        if (at != text.size())
            return std::nullopt;
    }
    // Date.UTC semantics: out-of-range fields roll over, and years 0-99 mean 1900-1999.
    std::int64_t full_year = *year;
    if (full_year >= 0 && full_year <= 99)
        full_year += 1900;
    std::int64_t month_index = *month - 1;
    full_year += month_index >= 0 ? month_index / 12 : (month_index - 11) / 12;
    month_index = ((month_index % 12) + 12) % 12;
    std::int64_t milliseconds =
        (days_from_civil(full_year, static_cast<unsigned>(month_index + 1), 1) + *day - 1) * 86400000LL +
        hour * 3600000LL + minute * 60000LL + second * 1000LL + millisecond - offset_minutes * 60000LL;
    std::int64_t days = milliseconds >= 0 ? milliseconds / 86400000LL : (milliseconds - 86399999LL) / 86400000LL;
    std::int64_t rest = milliseconds - days * 86400000LL;
    std::int64_t out_year = 0;
    unsigned out_month = 0, out_day = 0;
    civil_from_days(days, out_year, out_month, out_day);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<long long>(out_year), out_month, out_day, static_cast<long long>(rest / 3600000),
                  static_cast<long long>(rest / 60000 % 60), static_cast<long long>(rest / 1000 % 60),
                  static_cast<long long>(rest % 1000));
    return std::string(buffer);
}

nlohmann::ordered_json resolve_plain(std::string_view text) {
    // Same order as js-yaml's DEFAULT_SAFE_SCHEMA: null, bool, int, float, timestamp.
    if (text.empty() || is_null(text))
        return nullptr;
    const char first = text[0];
    // Every non-string form starts with a digit, a sign, '.', '~' or a letter of null/true/false.
    if (!(is_decimal(first) || first == '-' || first == '+' || first == '.' || first == 'n' || first == 'N' ||
          first == 't' || first == 'T' || first == 'f' || first == 'F'))
        return std::string(text);
    if (auto boolean = as_bool(text))
        return *boolean;
    if (is_integer(text))
        return number_json(integer_value(text));
    if (is_float(text))
        return number_json(float_value(text));
    if (auto timestamp = timestamp_json(text))
        return *timestamp;
    return std::string(text);
}

bool resolves_to_non_string(std::string_view text) {
    if (text.empty())
        return false;
    if (text == "<<")  // js-yaml's merge key type
        return true;
    const char first = text[0];
    if (!(is_decimal(first) || first == '-' || first == '+' || first == '.' || first == '~' || first == 'n' ||
          first == 'N' || first == 't' || first == 'T' || first == 'f' || first == 'F'))
        return false;
    return is_null(text) || as_bool(text) || is_integer(text) || is_float(text) || timestamp_json(text).has_value();
}

std::string js_number_text(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "Infinity" : "-Infinity";
    if (value == 0)
        return "0";
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    (void)error;
    std::string scientific(buffer, end);  // d.ddde±XX
    std::string sign;
    if (scientific[0] == '-') {
        sign = "-";
        scientific.erase(0, 1);
    }
    size_t e = scientific.find('e');
    std::string digits = scientific.substr(0, e);
    if (digits.size() > 1)
        digits.erase(1, 1);  // drop the '.'
    const int exponent = std::atoi(scientific.c_str() + e + 1);
    const int k = static_cast<int>(digits.size());
    const int n = exponent + 1;
    std::string out;
    if (k <= n && n <= 21) {
        out = digits + std::string(static_cast<size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out = digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
    } else if (-6 < n && n <= 0) {
        out = "0." + std::string(static_cast<size_t>(-n), '0') + digits;
    } else {
        out = digits.substr(0, 1);
        if (k > 1)
            out += "." + digits.substr(1);
        out += "e";
        out += n - 1 >= 0 ? "+" : "-";
        out += std::to_string(std::abs(n - 1));
    }
    return sign + out;
}

}  // namespace sc::tasks::yaml
