#include "store/layout.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>

#include "util/files.hpp"

namespace sc::store {

std::string_view signal_name(Signal signal) {
    switch (signal) {
        case Signal::events:
            return "events";
        case Signal::traces:
            return "traces";
        case Signal::metrics:
            return "metrics";
        case Signal::logs:
            return "logs";
    }
    return "events";
}

bool parse_signal(std::string_view name, Signal& signal) {
    for (Signal candidate : k_all_signals) {
        if (signal_name(candidate) == name) {
            signal = candidate;
            return true;
        }
    }
    return false;
}

// Howard Hinnant's civil-from-days algorithms: exact for every day of the proleptic calendar.
Day days_from_civil(int year, unsigned month, unsigned day) {
    year -= month <= 2 ? 1 : 0;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<int>(day_of_era) - 719468;
}

void civil_from_days(Day days, int& year, unsigned& month, unsigned& day) {
    int z = days + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const auto day_of_era = static_cast<unsigned>(z - era * 146097);
    const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned month_part = (5 * day_of_year + 2) / 153;
    day = day_of_year - (153 * month_part + 2) / 5 + 1;
    month = month_part < 10 ? month_part + 3 : month_part - 9;
    year = static_cast<int>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
}

Day day_of_unix_nanos(int64_t unix_nanos) {
    constexpr int64_t k_nanos_per_day = 86'400'000'000'000;
    int64_t days = unix_nanos / k_nanos_per_day;
    if (unix_nanos < 0 && unix_nanos % k_nanos_per_day != 0)
        --days;
    return static_cast<Day>(days);
}

int64_t unix_nanos_of_day(Day day) {
    return static_cast<int64_t>(day) * 86'400'000'000'000;
}

std::string format_day(Day day) {
    int year = 0;
    unsigned month = 0, day_of_month = 0;
    civil_from_days(day, year, month, day_of_month);
    // By hand: snprintf costs more than the rest of a short append (this runs for every path).
    if (year < 0 || year > 9999)
        year = year < 0 ? 0 : 9999;
    char buffer[10] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0'};
    for (int i = 3, value = year; i >= 0; --i, value /= 10)
        buffer[i] = static_cast<char>('0' + value % 10);
    buffer[5] = static_cast<char>('0' + month / 10);
    buffer[6] = static_cast<char>('0' + month % 10);
    buffer[8] = static_cast<char>('0' + day_of_month / 10);
    buffer[9] = static_cast<char>('0' + day_of_month % 10);
    return std::string(buffer, sizeof buffer);
}

static bool parse_digits(std::string_view text, int& value) {
    value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    return !text.empty();
}

bool parse_day(std::string_view text, Day& day) {
    int year = 0, month = 0, day_of_month = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !parse_digits(text.substr(0, 4), year) ||
        !parse_digits(text.substr(5, 2), month) || !parse_digits(text.substr(8, 2), day_of_month))
        return false;
    if (month < 1 || month > 12 || day_of_month < 1 || day_of_month > 31)
        return false;
    day = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day_of_month));
    return format_day(day) == text;  // rejects 2026-02-31 and friends
}

namespace {

// `events/2026-12-07/events-000001.jsonl` appended to `out` in place: a chain of `+` made a
// temporary string per piece, and the store's reader builds this path before every request of
// a server (the newest segment is stat-ed for appends).
void append_segment_path(std::string& out, const SegmentId& id, bool compressed) {
    std::string_view name = signal_name(id.signal);
    char number_text[16] = "000000";
    std::string_view number;
    if (id.number >= 1'000'000) {
        int written = std::snprintf(number_text, sizeof number_text, "%06u", id.number);
        number = std::string_view(number_text, static_cast<size_t>(written));
    } else {
        for (int i = 5, value = static_cast<int>(id.number); i >= 0; --i, value /= 10)
            number_text[i] = static_cast<char>('0' + value % 10);
        number = std::string_view(number_text, 6);
    }
    out.reserve(out.size() + 2 * name.size() + number.size() + 24);
    out += name;
    out += '/';
    out += format_day(id.day);
    out += '/';
    out += name;
    out += '-';
    out += number;
    out += ".jsonl";
    if (compressed)
        out += ".zst";
}

}  // namespace

std::string SegmentId::relative_path(bool compressed) const {
    std::string result;
    append_segment_path(result, *this, compressed);
    return result;
}

bool parse_segment_path(std::string_view relative, SegmentId& id, bool& compressed) {
    size_t first = relative.find('/');
    if (first == std::string_view::npos || !parse_signal(relative.substr(0, first), id.signal))
        return false;
    std::string_view rest = relative.substr(first + 1);
    if (rest.size() < 11 || rest[10] != '/' || !parse_day(rest.substr(0, 10), id.day))
        return false;
    std::string_view file = rest.substr(11);
    std::string prefix = std::string(signal_name(id.signal)) + "-";
    if (file.substr(0, prefix.size()) != prefix)
        return false;
    file.remove_prefix(prefix.size());
    compressed = false;
    if (file.size() > 4 && file.substr(file.size() - 4) == ".zst") {
        compressed = true;
        file.remove_suffix(4);
    }
    // Six digits, or more without a leading zero as relative_path() writes from 1,000,000 on
    // (nine at most: a number fits 32 bits).
    if (file.size() < 12 || file.size() > 15 || file.substr(file.size() - 6) != ".jsonl")
        return false;
    std::string_view digits = file.substr(0, file.size() - 6);
    if (digits.size() > 6 && digits[0] == '0')
        return false;
    int number = 0;
    if (!parse_digits(digits, number) || number == 0)
        return false;
    id.number = static_cast<uint32_t>(number);
    return true;
}

Layout::Layout(std::string root) : m_root(std::move(root)) {
    while (m_root.size() > 1 && m_root.back() == '/')
        m_root.pop_back();
}

std::string Layout::path(std::string_view relative) const {
    return m_root + "/" + std::string(relative);
}

std::string Layout::segment_path(const SegmentId& id, bool compressed) const {
    std::string result;
    result.reserve(m_root.size() + 48);
    result += m_root;
    result += '/';
    append_segment_path(result, id, compressed);
    return result;
}

std::string Layout::day_folder(Signal signal, Day day) const {
    return m_root + "/" + std::string(signal_name(signal)) + "/" + format_day(day);
}

// Lists the names in a folder; a missing folder is empty, any other failure an error.
static Result<std::vector<std::string>> list_names(const std::string& folder) {
    std::vector<std::string> names;
    DIR* directory = ::opendir(folder.c_str());
    if (directory == nullptr) {
        if (errno == ENOENT)
            return names;
        return files::from_errno(errno, "listing folder", folder);
    }
    while (dirent* entry = ::readdir(directory)) {
        std::string_view name = entry->d_name;
        if (name != "." && name != "..")
            names.emplace_back(name);
    }
    ::closedir(directory);
    return names;
}

Result<std::vector<Day>> Layout::list_days(Signal signal) const {
    std::vector<std::string> names = SC_TRY(list_names(m_root + "/" + std::string(signal_name(signal))));
    std::vector<Day> days;
    for (const std::string& name : names) {
        Day day = 0;
        if (parse_day(name, day))
            days.push_back(day);
    }
    std::sort(days.begin(), days.end());
    return days;
}

Result<std::vector<SegmentFile>> Layout::list_segments(Signal signal, Day day) const {
    std::string folder = day_folder(signal, day);
    std::vector<std::string> names = SC_TRY(list_names(folder));
    std::map<uint32_t, SegmentFile> by_number;
    std::string folder_relative = std::string(signal_name(signal)) + "/" + format_day(day) + "/";
    for (const std::string& name : names) {
        SegmentId id;
        bool compressed = false;
        if (!parse_segment_path(folder_relative + name, id, compressed))
            continue;
        auto found = by_number.find(id.number);
        if (found != by_number.end() && !found->second.compressed)
            continue;  // the plain copy wins over a leftover compressed one
        struct stat info {};
        if (::stat((folder + "/" + name).c_str(), &info) != 0)
            continue;  // removed while we listed: compression or pruning moved on
        by_number[id.number] = SegmentFile {id, compressed, static_cast<uint64_t>(info.st_size)};
    }
    std::vector<SegmentFile> segments;
    segments.reserve(by_number.size());
    for (auto& [number, segment] : by_number)
        segments.push_back(segment);
    return segments;
}

Result<std::vector<SegmentFile>> Layout::list_all_segments(Signal signal) const {
    std::vector<SegmentFile> all;
    for (Day day : SC_TRY(list_days(signal))) {
        std::vector<SegmentFile> segments = SC_TRY(list_segments(signal, day));
        all.insert(all.end(), segments.begin(), segments.end());
    }
    return all;
}

Status make_private_directories(const std::string& path) {
    return files::make_directories(path, k_folder_mode);
}

}  // namespace sc::store
