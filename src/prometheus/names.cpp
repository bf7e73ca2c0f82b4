#include "prometheus/names.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>

namespace sc::prometheus {

namespace {

bool is_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string sanitize(std::string_view text, bool allow_colon) {
    std::string out;
    out.reserve(text.size() + 1);
    for (char c : text) {
        bool valid = is_letter(c) || is_digit(c) || c == '_' || (allow_colon && c == ':');
        char next = valid ? c : '_';
        if (next == '_' && !out.empty() && out.back() == '_')
            continue;
        out.push_back(next);
    }
    if (!out.empty() && is_digit(out.front()))
        out.insert(out.begin(), '_');
    return out;
}

struct UnitEntry {
    std::string_view ucum;
    std::string_view word;
    double multiply;
    double divide;
};

// Time in seconds and sizes in bytes, Prometheus' base units; the rest spelled out as the
// OpenTelemetry Collector's translator spells them.
constexpr UnitEntry k_units[] = {
    {"s", "seconds", 1, 1},
    {"ms", "seconds", 1, 1e3},
    {"us", "seconds", 1, 1e6},
    {"ns", "seconds", 1, 1e9},
    {"min", "seconds", 60, 1},
    {"h", "seconds", 3600, 1},
    {"d", "seconds", 86400, 1},
    {"By", "bytes", 1, 1},
    {"KBy", "bytes", 1e3, 1},
    {"MBy", "bytes", 1e6, 1},
    {"GBy", "bytes", 1e9, 1},
    {"TBy", "bytes", 1e12, 1},
    {"KiBy", "bytes", 1024.0, 1},
    {"MiBy", "bytes", 1024.0 * 1024, 1},
    {"GiBy", "bytes", 1024.0 * 1024 * 1024, 1},
    {"TiBy", "bytes", 1024.0 * 1024 * 1024 * 1024, 1},
    {"bit", "bits", 1, 1},
    {"m", "meters", 1, 1},
    {"V", "volts", 1, 1},
    {"A", "amperes", 1, 1},
    {"J", "joules", 1, 1},
    {"W", "watts", 1, 1},
    {"g", "grams", 1, 1},
    {"Cel", "celsius", 1, 1},
    {"Hz", "hertz", 1, 1},
    {"%", "percent", 1, 1},
    {"1", "ratio", 1, 1},
};

constexpr std::pair<std::string_view, std::string_view> k_per_units[] = {
    {"s", "second"}, {"m", "minute"}, {"min", "minute"}, {"h", "hour"},
    {"d", "day"},    {"w", "week"},   {"mo", "month"},   {"y", "year"},
};

// "{packet}" and "By{compressed}" lose their annotations.
std::string without_annotations(std::string_view ucum) {
    std::string out;
    int depth = 0;
    for (char c : ucum) {
        if (c == '{')
            ++depth;
        else if (c == '}' && depth > 0)
            --depth;
        else if (depth == 0 && c != ' ')
            out.push_back(c);
    }
    return out;
}

Unit single_unit(std::string_view ucum) {
    for (const UnitEntry& entry : k_units)
        if (entry.ucum == ucum)
            return {std::string(entry.word), entry.multiply, entry.divide};
    std::string word = sanitize(ucum, false);
    while (!word.empty() && word.front() == '_')
        word.erase(word.begin());
    while (!word.empty() && word.back() == '_')
        word.pop_back();
    return {word, 1.0, 1.0};
}

bool has_word(std::string_view name, std::string_view word) {
    // The unit may span several `_` words ("bytes_per_second"): look for it between
    // separators or the ends.
    size_t at = 0;
    while ((at = name.find(word, at)) != std::string_view::npos) {
        bool starts = at == 0 || name[at - 1] == '_';
        bool ends = at + word.size() == name.size() || name[at + word.size()] == '_';
        if (starts && ends)
            return true;
        ++at;
    }
    return false;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string metric_name(std::string_view otel_name) {
    return sanitize(otel_name, true);
}

std::string label_name(std::string_view otel_key) {
    return sanitize(otel_key, false);
}

Unit convert_unit(std::string_view ucum) {
    std::string plain = without_annotations(ucum);
    if (plain.empty())
        return {};
    size_t slash = plain.find('/');
    if (slash == std::string::npos)
        return single_unit(plain);
    Unit numerator = single_unit(std::string_view(plain).substr(0, slash));
    std::string_view denominator = std::string_view(plain).substr(slash + 1);
    std::string per;
    for (const auto& [ucum_unit, word] : k_per_units)
        if (ucum_unit == denominator)
            per = word;
    if (per.empty())
        per = single_unit(denominator).word;
    if (per.empty())
        return numerator;
    numerator.word = numerator.word.empty() ? "per_" + per : numerator.word + "_per_" + per;
    return numerator;
}

std::string prometheus_name(std::string_view otel_name, const Unit& unit, FamilyType type) {
    std::string name = metric_name(otel_name);
    bool counter = type == FamilyType::counter;
    if (counter && ends_with(name, "_total"))
        name.resize(name.size() - 6);
    bool unit_applies = !unit.word.empty() && (unit.word != "ratio" || type == FamilyType::gauge);
    if (unit_applies && !has_word(name, unit.word))
        name += name.empty() || name.back() == '_' ? unit.word : "_" + unit.word;
    if (counter)
        name += name.empty() || name.back() == '_' ? "total" : "_total";
    if (!name.empty() && is_digit(name.front()))
        name.insert(name.begin(), '_');  // a name that was only its unit ("2")
    return name;
}

std::string family_name_without_total(std::string_view name) {
    return std::string(ends_with(name, "_total") ? name.substr(0, name.size() - 6) : name);
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out.push_back(c);
    }
    return out;
}

std::string escape_help(std::string_view help, bool openmetrics) {
    std::string out;
    out.reserve(help.size());
    for (char c : help) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && openmetrics)
            out += "\\\"";
        else
            out.push_back(c);
    }
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    // Whole numbers in full (counts, `le="2592000"`); others as %g with the fewest digits that
    // read back exactly ("0.0001", "2.5e-07"), as Prometheus' own clients write them.
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return std::to_string(static_cast<int64_t>(value));
    char buffer[32];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
    return error == std::errc() ? std::string(buffer, end) : "NaN";
}

}  // namespace sc::prometheus
