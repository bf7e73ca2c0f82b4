#pragma once
// Collected metric points as exporters receive them (the OTel metrics data model) and the
// MetricExporter interface.

#include <span>
#include <string>
#include <vector>

#include "telemetry/sdk/attribute_values.hpp"
#include "telemetry/sdk/export_result.hpp"

namespace sc::telemetry::sdk {

/// OTLP AggregationTemporality values.
enum class Temporality : uint8_t { delta = 1, cumulative = 2 };
enum class MetricType : uint8_t { sum, gauge, histogram };

struct NumberPoint {
    KeyValues attributes;
    int64_t start_time = 0;  // 0 for gauges
    int64_t time = 0;
    bool is_integer = true;
    int64_t int_value = 0;
    double double_value = 0.0;
};

struct HistogramPoint {
    KeyValues attributes;
    int64_t start_time = 0;
    int64_t time = 0;
    uint64_t count = 0;
    double sum = 0.0;
    double min = 0.0;
    double max = 0.0;
    std::vector<double> boundaries;
    std::vector<uint64_t> bucket_counts;  // boundaries.size() + 1 entries
};

struct MetricData {
    std::string scope_name;
    std::string name;
    std::string description;
    std::string unit;
    MetricType type = MetricType::sum;
    Temporality temporality = Temporality::delta;  // sums and histograms
    bool monotonic = false;                        // sums
    std::vector<NumberPoint> number_points;        // sums and gauges
    std::vector<HistogramPoint> histogram_points;  // histograms
};

class MetricExporter {
public:
    virtual ~MetricExporter() = default;
    virtual ExportResult export_metrics(std::span<const MetricData> metrics) = 0;
    virtual bool force_flush() { return true; }
    virtual void shutdown() {}
};

}  // namespace sc::telemetry::sdk
