#include "util/clock.hpp"

#include <cstdio>
#include <ctime>

namespace sc {

int64_t SystemClock::now_unix_nanos() const {
    timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

static std::tm utc_parts(int64_t unix_nanos) {
    time_t seconds = static_cast<time_t>(unix_nanos / 1'000'000'000);
    if (unix_nanos < 0 && unix_nanos % 1'000'000'000 != 0)
        --seconds;
    std::tm parts {};
    ::gmtime_r(&seconds, &parts);
    return parts;
}

static std::tm local_parts(int64_t unix_nanos) {
    time_t seconds = static_cast<time_t>(unix_nanos / 1'000'000'000);
    std::tm parts {};
    ::localtime_r(&seconds, &parts);
    return parts;
}

std::string format_rfc3339_nanos(int64_t unix_nanos) {
    std::tm parts = utc_parts(unix_nanos);
    int64_t fraction = unix_nanos % 1'000'000'000;
    if (fraction < 0)
        fraction += 1'000'000'000;
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", parts.tm_year + 1900,
                  parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                  static_cast<long long>(fraction));
    return buffer;
}

bool parse_rfc3339(const std::string& text, int64_t& unix_nanos) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &consumed) != 3 || consumed != 10)
        return false;
    size_t position = 10;
    int64_t fraction = 0;
    int offset_seconds = 0;
    if (position < text.size()) {
        char separator = text[position];
        if (separator != 'T' && separator != 't' && separator != ' ')
            return false;
        ++position;
        int time_consumed = 0;
        if (std::sscanf(text.c_str() + position, "%2d:%2d:%2d%n", &hour, &minute, &second, &time_consumed) != 3 ||
            time_consumed != 8)
            return false;
        position += 8;
        if (position < text.size() && text[position] == '.') {
            ++position;
            int digits = 0;
            while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
                if (digits < 9) {
                    fraction = fraction * 10 + (text[position] - '0');
                    ++digits;
                }
                ++position;
            }
            if (digits == 0)
                return false;
            for (; digits < 9; ++digits)
                fraction *= 10;
        }
        if (position >= text.size())
            return false;
        char zone = text[position];
        if (zone == 'Z' || zone == 'z') {
            ++position;
        } else if (zone == '+' || zone == '-') {
            int offset_hours = 0, offset_minutes = 0, zone_consumed = 0;
            if (std::sscanf(text.c_str() + position + 1, "%2d:%2d%n", &offset_hours, &offset_minutes, &zone_consumed) !=
                    2 ||
                zone_consumed != 5)
                return false;
            offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (zone == '+' ? 1 : -1);
            position += 6;
        } else {
            return false;
        }
        if (position != text.size())
            return false;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return false;
    std::tm parts {};
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    time_t seconds = ::timegm(&parts);
    unix_nanos = (static_cast<int64_t>(seconds) - offset_seconds) * 1'000'000'000 + fraction;
    return true;
}

static std::string date_of(const std::tm& parts) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday);
    return buffer;
}

std::string utc_date(int64_t unix_nanos) {
    return date_of(utc_parts(unix_nanos));
}
std::string local_date(int64_t unix_nanos) {
    return date_of(local_parts(unix_nanos));
}

std::string local_month_digits(int64_t unix_nanos) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%02d", local_parts(unix_nanos).tm_mon + 1);
    return buffer;
}

std::string local_year_month(int64_t unix_nanos) {
    std::tm parts = local_parts(unix_nanos);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d", parts.tm_year + 1900, parts.tm_mon + 1);
    return buffer;
}

}  // namespace sc
