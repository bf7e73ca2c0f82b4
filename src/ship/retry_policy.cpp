#include "ship/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "store/layout.hpp"

namespace sc::ship {

namespace {

bool parse_number(std::string_view text, int& value) {
    if (text.empty())
        return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

int month_number(std::string_view name) {
    static constexpr std::array<std::string_view, 12> k_months {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (size_t i = 0; i < k_months.size(); ++i)
        if (name == k_months[i])
            return static_cast<int>(i) + 1;
    return 0;
}

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    size_t position = 0;
    while (position < text.size()) {
        while (position < text.size() && (text[position] == ' ' || text[position] == ','))
            ++position;
        size_t end = position;
        while (end < text.size() && text[end] != ' ' && text[end] != ',')
            ++end;
        if (end > position)
            out.push_back(text.substr(position, end - position));
        position = end;
    }
    return out;
}

// The three HTTP-date forms of RFC 9110 §5.6.7: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"),
// the obsolete RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6
// 08:49:37 1994"). Unix seconds, or false.
bool parse_http_date(std::string_view text, int64_t& unix_seconds) {
    std::vector<std::string_view> parts = words(text);
    int day = 0;
    int month = 0;
    int year = 0;
    std::string_view clock;
    if (parts.size() == 6 && parts[5] == "GMT") {  // IMF-fixdate
        if (!parse_number(parts[1], day) || (month = month_number(parts[2])) == 0 || !parse_number(parts[3], year))
            return false;
        clock = parts[4];
    } else if (parts.size() == 4 && parts[3] == "GMT") {  // RFC 850: DD-Mon-YY
        std::string_view date = parts[1];
        if (date.size() != 9 || date[2] != '-' || date[6] != '-' || !parse_number(date.substr(0, 2), day) ||
            (month = month_number(date.substr(3, 3))) == 0 || !parse_number(date.substr(7, 2), year))
            return false;
        year += year < 70 ? 2000 : 1900;
        clock = parts[2];
    } else if (parts.size() == 5) {  // asctime
        if ((month = month_number(parts[1])) == 0 || !parse_number(parts[2], day) || !parse_number(parts[4], year))
            return false;
        clock = parts[3];
    } else {
        return false;
    }
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (clock.size() != 8 || clock[2] != ':' || clock[5] != ':' || !parse_number(clock.substr(0, 2), hour) ||
        !parse_number(clock.substr(3, 2), minute) || !parse_number(clock.substr(6, 2), second))
        return false;
    if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || year < 1970 || year > 9999)
        return false;
    int64_t days = store::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    unix_seconds = days * 86400 + hour * 3600 + minute * 60 + second;
    return true;
}

}  // namespace

Verdict classify(int status) {
    if (status >= 200 && status < 300)
        return Verdict::delivered;
    if (status == 0 || status == 429 || status == 502 || status == 503 || status == 504)
        return Verdict::retry;
    if (status == 400 || status == 413 || status == 422)
        return Verdict::reject_batch;
    return Verdict::stop;
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, int64_t now_unix_nanos) {
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
        value.remove_prefix(1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
        value.remove_suffix(1);
    if (value.empty())
        return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (value.size() > 9)  // more than 31 years: cut by max_retry_after anyway
            return std::chrono::milliseconds {999'999'999'000LL};
        int seconds = 0;
        if (!parse_number(value, seconds))
            return std::nullopt;
        return std::chrono::milliseconds {static_cast<int64_t>(seconds) * 1000};
    }
    int64_t unix_seconds = 0;
    if (!parse_http_date(value, unix_seconds))
        return std::nullopt;
    int64_t delay_ms = unix_seconds * 1000 - now_unix_nanos / 1'000'000;
    return std::chrono::milliseconds {std::max<int64_t>(0, delay_ms)};
}

std::chrono::milliseconds retry_delay(const Backoff& backoff, unsigned attempt,
                                      std::optional<std::chrono::milliseconds> retry_after, double random01) {
    // A Retry-After of 0 from a backend that keeps failing would make a busy loop.
    if (retry_after)
        return std::clamp(*retry_after, std::chrono::milliseconds {100}, backoff.max_retry_after);
    double delay = static_cast<double>(backoff.initial.count()) * std::pow(backoff.multiplier, std::min(attempt, 60U));
    delay = std::min(delay, static_cast<double>(backoff.maximum.count()));
    double jitter = std::clamp(backoff.jitter, 0.0, 1.0);
    delay *= 1.0 - jitter * std::clamp(random01, 0.0, 1.0);
    return std::chrono::milliseconds {static_cast<int64_t>(std::llround(delay))};
}

}  // namespace sc::ship
