#pragma once
// Reading traces, metrics and logs back from the store: OTLP JSON lines (the OTLP File format)
// flattened into records, and the questions people ask of them: which traces ran, what one
// trace did, what the counters say now and how fast they grow, which logs match.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/reader.hpp"
#include "util/result.hpp"

namespace sc::observe {

/// Attributes as a JSON object of plain values: {"task.id": "auth-05K", "count": 3}.
using Attributes = nlohmann::ordered_json;

struct SpanEventRecord {
    int64_t time = 0;
    std::string name;
    Attributes attributes = Attributes::object();
};

/// OTLP Status.StatusCode.
enum class SpanStatus { unset = 0, ok = 1, error = 2 };

struct SpanRecord {
    std::string trace_id;        // 32 lower-case hex digits
    std::string span_id;         // 16 lower-case hex digits
    std::string parent_span_id;  // empty for a root span
    std::string name;
    int kind = 0;       // OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer
    int64_t start = 0;  // unix nanos
    int64_t end = 0;
    SpanStatus status = SpanStatus::unset;
    std::string status_message;
    Attributes attributes = Attributes::object();
    std::vector<SpanEventRecord> events;
    std::string service;  // resource service.name

    [[nodiscard]] int64_t duration() const { return end > start ? end - start : 0; }
    [[nodiscard]] bool is_error() const { return status == SpanStatus::error; }
};

enum class MetricType { sum, gauge, histogram };
/// OTLP AggregationTemporality.
enum class Temporality { unspecified = 0, delta = 1, cumulative = 2 };

struct MetricPoint {
    std::string name;
    std::string description;
    std::string unit;
    MetricType type = MetricType::sum;
    Temporality temporality = Temporality::unspecified;
    bool monotonic = false;
    Attributes attributes = Attributes::object();
    std::string service;
    int64_t start_time = 0;  // unix nanos; 0 when absent
    int64_t time = 0;
    double value = 0;  // sum and gauge points
    // Histogram points.
    uint64_t count = 0;
    double sum = 0;
    std::vector<uint64_t> bucket_counts;
    std::vector<double> bounds;  // explicit bounds; bucket i holds (bounds[i-1], bounds[i]]
    std::optional<double> min;
    std::optional<double> max;
};

struct LogRecord {
    int64_t time = 0;  // timeUnixNano, or observedTimeUnixNano when the former is absent
    int severity_number = 0;
    std::string severity_text;
    std::string body;  // a string body as is; other bodies as JSON text
    Attributes attributes = Attributes::object();
    std::string trace_id;
    std::string span_id;
    std::string event_name;
    std::string service;
};

/// Parsers for one OTLP JSON line; they append to `out`. An error means the line is not an
/// OTLP request of that signal (callers count it and move on).
Status parse_trace_line(std::string_view line, std::vector<SpanRecord>& out);
Status parse_metric_line(std::string_view line, std::vector<MetricPoint>& out);
Status parse_log_line(std::string_view line, std::vector<LogRecord>& out);

/// What a load read, for "N lines skipped" warnings.
struct LoadStats {
    store::ReadStats store;
    uint64_t unparsable = 0;  // lines that were JSON objects but not OTLP requests of the signal
};

template <class Record>
struct Loaded {
    std::vector<Record> records;
    LoadStats stats;
};

/// Every record of a signal in lines matching the query, in store order.
Result<Loaded<SpanRecord>> load_spans(store::Reader& reader, const store::SignalQuery& query);
Result<Loaded<MetricPoint>> load_metric_points(store::Reader& reader, const store::SignalQuery& query);
Result<Loaded<LogRecord>> load_logs(store::Reader& reader, const store::SignalQuery& query);

// ---- Traces ----

struct TraceFilter {
    std::optional<int64_t> since;         // the trace started at or after this
    std::optional<int64_t> until;         // the trace started before this
    std::string name;                     // some span's name contains this
    bool errors_only = false;             // some span has status error
    size_t last = 0;                      // keep only the N most recent; 0 keeps all
    std::string service;                  // the root span's service contains this
    std::optional<int64_t> min_duration;  // the trace took at least this (nanos)
    std::optional<int64_t> max_duration;  // the trace took at most this
    /// Some span has each KEY with this value (compared as text: 3 matches "3", true "true").
    std::vector<std::pair<std::string, std::string>> attributes;
};

struct TraceSummary {
    std::string trace_id;
    std::string root_name;
    std::string service;
    int64_t start = 0;
    int64_t duration = 0;  // from the first span's start to the last span's end
    size_t span_count = 0;
    size_t error_count = 0;
};

/// One row per trace, oldest first.
std::vector<TraceSummary> summarize_traces(const std::vector<SpanRecord>& spans, const TraceFilter& filter);

struct SpanTreeRow {
    const SpanRecord* span = nullptr;
    int depth = 0;
};

/// The spans of one trace depth first, children by start time. A span whose parent is not in
/// the list (the caller's span from TRACEPARENT, or a span lost with its process) is a root.
std::vector<SpanTreeRow> span_tree(const std::vector<SpanRecord>& spans);

/// The spans of the trace whose id is `trace_id` or starts with it (at least 8 hex digits);
/// ErrorCode::not_found when there is none, invalid_argument when the prefix is ambiguous.
Result<std::vector<SpanRecord>> find_trace(store::Reader& reader, const std::string& trace_id);

// ---- Logs ----

struct LogFilter {
    int min_severity = 0;  // OTLP severity number: 5 debug, 9 info, 13 warn, 17 error, 21 fatal
    std::optional<int64_t> since;
    std::optional<int64_t> until;
    std::string trace_id;  // exact, or a prefix
    std::string text;      // the body or an attribute value contains this (case-insensitive)
    size_t last = 0;       // keep only the N most recent; 0 keeps all
};

/// Matching records, oldest first.
std::vector<LogRecord> filter_logs(const std::vector<LogRecord>& records, const LogFilter& filter);

/// "warn" -> 13 (the lowest number of that severity range); also accepts 1..24. nullopt for
/// anything else.
std::optional<int> parse_severity(std::string_view text);
/// 13 -> "WARN", 10 -> "INFO2"; the OTLP short names.
std::string severity_name(int severity_number);

// ---- Shared ----

/// "850 ns", "12.3 µs", "12.3 ms", "1.23 s", "2m 03s".
std::string format_duration(int64_t nanos);

}  // namespace sc::observe
