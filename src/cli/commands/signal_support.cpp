#include "cli/commands/signal_support.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "cli/commands/telemetry_support.hpp"
#include "util/clock.hpp"

namespace sc::cli {

std::vector<OptionSpec> time_window_options() {
    return {{"since", OptionKind::value, "From this time: RFC 3339, a date, or 15m/2h/7d ago", "TIME", {}, {}},
            {"until", OptionKind::value, "Before this time (same forms as --since)", "TIME", {}, {}}};
}

Result<TimeWindow> read_time_window(const Invocation& invocation, const Context& context) {
    TimeWindow window;
    int64_t now = context.clock().now_unix_nanos();
    if (auto since = invocation.get("since"))
        window.since = SC_TRY(parse_time_option(*since, "--since", now));
    if (auto until = invocation.get("until"))
        window.until = SC_TRY(parse_time_option(*until, "--until", now));
    if (window.since && window.until && *window.until <= *window.since)
        return make_error(ErrorCode::invalid_argument, "--until is not after --since", Location {"", 0, "--until"},
                          "give --until a later time than --since, or leave it out to read up to now");
    return window;
}

store::SignalQuery signal_query_for(const TimeWindow& window) {
    store::SignalQuery query;
    query.from_time = window.since;
    query.until_time = window.until;
    return query;
}

OptionSpec last_option(const std::string& what) {
    return {"last", OptionKind::value, "Only the N most recent " + what, "N", {}, {}};
}

Result<size_t> read_last(const Invocation& invocation) {
    std::optional<std::string> text = invocation.get("last");
    if (!text)
        return size_t {0};
    size_t value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value == 0)
        return make_error(ErrorCode::invalid_argument, "--last takes a positive number, not \"" + *text + "\"",
                          Location {"", 0, "--last"}, "e.g. --last 20");
    return value;
}

void warn_skipped_lines(const Context& context, const observe::LoadStats& stats, const std::string& signal) {
    uint64_t skipped = stats.store.corrupt + stats.unparsable;
    if (skipped == 0)
        return;
    std::string where = stats.store.problems.empty() ? signal + "/" : stats.store.problems.front().segment;
    context.warn(
        make_error(ErrorCode::parse,
                   "skipped " + std::to_string(skipped) + " unreadable " + signal + (skipped == 1 ? " line" : " lines"),
                   Location {where, 0, {}}, "`sc telemetry check` reports and repairs them"));
}

std::string time_text(int64_t unix_nanos) {
    return format_rfc3339_nanos(unix_nanos);
}

nlohmann::ordered_json number_json(double value) {
    if (!std::isfinite(value))
        return nullptr;
    if (std::trunc(value) == value && std::fabs(value) < 9e15)
        return static_cast<int64_t>(value);
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return std::strtod(text, nullptr);
}

namespace {

const char* status_name(observe::SpanStatus status) {
    switch (status) {
        case observe::SpanStatus::ok:
            return "ok";
        case observe::SpanStatus::error:
            return "error";
        case observe::SpanStatus::unset:
            break;
    }
    return "unset";
}

double milliseconds(int64_t nanos) {
    return static_cast<double>(nanos) / 1e6;
}

}  // namespace

nlohmann::ordered_json trace_summary_json(const observe::TraceSummary& trace) {
    return {{"trace_id", trace.trace_id},
            {"start", time_text(trace.start)},
            {"duration_ms", number_json(milliseconds(trace.duration))},
            {"spans", trace.span_count},
            {"errors", trace.error_count},
            {"service", trace.service},
            {"root", trace.root_name}};
}

nlohmann::ordered_json log_json(const observe::LogRecord& record) {
    return {{"time", time_text(record.time)},
            {"severity",
             record.severity_text.empty() ? observe::severity_name(record.severity_number) : record.severity_text},
            {"body", record.body},
            {"trace_id", record.trace_id},
            {"span_id", record.span_id},
            {"attributes", record.attributes},
            {"severity_number", record.severity_number},
            {"service", record.service}};
}

nlohmann::ordered_json span_json(const observe::SpanTreeRow& row) {
    using Json = nlohmann::ordered_json;
    const observe::SpanRecord& span = *row.span;
    Json events = Json::array();
    for (const observe::SpanEventRecord& event : span.events)
        events.push_back({{"time", time_text(event.time)}, {"name", event.name}, {"attributes", event.attributes}});
    return {{"span_id", span.span_id},
            {"parent_span_id", span.parent_span_id.empty() ? Json(nullptr) : Json(span.parent_span_id)},
            {"depth", row.depth},
            {"name", span.name},
            {"kind", span.kind},
            {"service", span.service},
            {"start", time_text(span.start)},
            {"end", time_text(span.end)},
            {"duration_ms", number_json(milliseconds(span.duration()))},
            {"status", status_name(span.status)},
            {"status_message", span.status_message},
            {"attributes", span.attributes},
            {"events", std::move(events)}};
}

}  // namespace sc::cli
