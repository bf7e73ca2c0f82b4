#include "observe/waterfall.hpp"

#include <algorithm>
#include <cmath>

#include "util/clock.hpp"

namespace sc::observe {

namespace {

constexpr size_t k_max_name_columns = 40;
constexpr size_t k_min_bar_columns = 10;

// Terminal columns of UTF-8 text, counting each code point as one: span names are ASCII in
// practice, and a rare wide character only shifts its own row.
size_t columns_of(const std::string& text) {
    return static_cast<size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string fit(const std::string& text, size_t columns) {
    if (columns_of(text) <= columns)
        return text + std::string(columns - columns_of(text), ' ');
    std::string out;
    size_t used = 0;
    for (char c : text) {
        bool starts_code_point = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        if (starts_code_point && ++used > columns - 1)
            break;
        out += c;
    }
    return out + "…";
}

std::string repeat(const char* piece, size_t times) {
    std::string out;
    for (size_t i = 0; i < times; ++i)
        out += piece;
    return out;
}

std::string status_mark(const SpanRecord& span) {
    if (!span.is_error())
        return "✓";
    return span.status_message.empty() ? "✗" : "✗ " + span.status_message;
}

}  // namespace

std::string render_waterfall(const std::vector<SpanRecord>& spans, const WaterfallOptions& options) {
    if (spans.empty())
        return "";
    std::vector<SpanTreeRow> rows = span_tree(spans);
    int64_t start = INT64_MAX;
    int64_t end = INT64_MIN;
    size_t errors = 0;
    for (const SpanRecord& span : spans) {
        start = std::min(start, span.start);
        end = std::max(end, std::max(span.end, span.start));
        errors += span.is_error() ? 1 : 0;
    }
    int64_t total = end - start;

    size_t name_columns = 0;
    size_t duration_columns = 0;
    std::vector<std::string> durations;
    for (const SpanTreeRow& row : rows) {
        name_columns = std::max(name_columns, 2 * static_cast<size_t>(row.depth) + columns_of(row.span->name));
        durations.push_back(format_duration(row.span->duration()));
        duration_columns = std::max(duration_columns, columns_of(durations.back()));
    }
    name_columns = std::min(name_columns, k_max_name_columns);
    // name, " │", bar, "│ ", duration, "  ", and room for the status mark.
    size_t fixed = name_columns + 2 + 2 + duration_columns + 2 + 2;
    size_t width = options.width > 0 ? static_cast<size_t>(options.width) : 100;
    size_t bar_columns = width > fixed + k_min_bar_columns ? width - fixed : k_min_bar_columns;

    const SpanRecord& root = *rows.front().span;
    std::string out = "Trace " + root.trace_id + "  " + root.name;
    if (!root.service.empty())
        out += "  (" + root.service + ")";
    out += "\n" + format_rfc3339_nanos(start) + "  " + format_duration(total) + "  " + std::to_string(spans.size()) +
           (spans.size() == 1 ? " span" : " spans") + ", " + std::to_string(errors) +
           (errors == 1 ? " error" : " errors") + "\n\n";

    for (size_t i = 0; i < rows.size(); ++i) {
        const SpanRecord& span = *rows[i].span;
        size_t offset = 0;
        size_t length = bar_columns;
        if (total > 0) {
            // Both ends are rounded the same way, so a child's bar never pokes out of its parent's.
            double scale = static_cast<double>(bar_columns) / static_cast<double>(total);
            auto column = [&](int64_t time) {
                return static_cast<size_t>(std::llround(static_cast<double>(time - start) * scale));
            };
            offset = std::min(column(span.start), bar_columns - 1);
            length = std::clamp<size_t>(column(std::max(span.end, span.start)), offset + 1, bar_columns) - offset;
        }
        std::string indent(2 * static_cast<size_t>(rows[i].depth), ' ');
        std::string duration = durations[i];
        out += fit(indent + span.name, name_columns) + " │" + std::string(offset, ' ') + repeat("█", length) +
               std::string(bar_columns - offset - length, ' ') + "│ " +
               std::string(duration_columns - columns_of(duration), ' ') + duration + "  " + status_mark(span) + "\n";
    }
    return out;
}

}  // namespace sc::observe
