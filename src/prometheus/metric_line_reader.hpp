#pragma once
// One stored metrics line (an OTLP JSON ExportMetricsServiceRequest) read point by point, with
// what Prometheus needs and `sc metrics` does not: every resource attribute (job, instance,
// target_info) and the instrumentation scope (otel_scope_name, otel_scope_version). simdjson's
// DOM parser, so a first scrape of a large store reads at hundreds of MB/s. Tolerant like the
// other OTLP readers: a missing or mistyped field reads as empty or zero.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace simdjson::dom {
class element;
}

namespace sc::prometheus {

/// Attributes as (key, value as text) in the order they came: strings as they are, other
/// values as the OpenTelemetry attribute specification writes them (7, 2.5, true, ["a","b"]).
using TextAttributes = std::vector<std::pair<std::string, std::string>>;

enum class PointKind { sum, gauge, histogram };
/// OTLP AggregationTemporality.
enum class Temporality { unspecified = 0, delta = 1, cumulative = 2 };

struct ResourceView {
    TextAttributes attributes;
};

struct ScopeView {
    std::string name;
    std::string version;
};

struct MetricView {
    std::string name;
    std::string description;
    std::string unit;
    PointKind kind = PointKind::sum;
    Temporality temporality = Temporality::unspecified;
    bool monotonic = false;
};

struct PointView {
    TextAttributes attributes;
    int64_t start_time = 0;  // unix nanos, 0 when absent
    int64_t time = 0;
    double value = 0;  // sums and gauges
    // Histograms.
    uint64_t count = 0;
    double sum = 0;
    std::vector<uint64_t> bucket_counts;
    std::vector<double> bounds;
    std::optional<double> min;
};

using PointVisitor = std::function<void(const ResourceView&, const ScopeView&, const MetricView&, const PointView&)>;

class MetricLineReader {
public:
    MetricLineReader();
    ~MetricLineReader();
    MetricLineReader(const MetricLineReader&) = delete;
    MetricLineReader& operator=(const MetricLineReader&) = delete;

    /// Calls `visit` for every sum, gauge and histogram point of the line (exponential
    /// histograms and summaries, which our writers never produce, are skipped). `capacity` is
    /// the readable size from line.data(); with less than the parser's padding after the line
    /// it is copied first. False when the line is not a JSON object with "resourceMetrics".
    bool read(std::string_view line, size_t capacity, const PointVisitor& visit);

private:
    void read_metric(simdjson::dom::element metric, const PointVisitor& visit);

    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sc::prometheus
