#pragma once
// Metric points read back from the store, reduced to what people ask: the current value of each
// metric (or attribute set), its growth over a window, and histogram percentiles.

#include <optional>
#include <string>
#include <vector>

#include "observe/signal_query.hpp"

namespace sc::observe {

struct MetricFilter {
    std::string name;  // metrics whose name starts with this; empty for all
    std::optional<int64_t> since;
    std::optional<int64_t> until;
    bool by_attributes = false;  // one row per attribute set rather than per metric
};

/// The current value of a metric (or of one of its attribute sets).
struct MetricValue {
    std::string name;
    std::string description;
    std::string unit;
    MetricType type = MetricType::sum;
    Attributes attributes = Attributes::object();  // with by_attributes
    double value = 0;                              // sums and gauges
    // Histograms, merged.
    uint64_t count = 0;
    double sum = 0;
    std::vector<uint64_t> bucket_counts;
    std::vector<double> bounds;
    std::optional<double> min;
    std::optional<double> max;
    /// Growth within the window (sums: value added; histograms: observations added), when the
    /// filter gives `since`.
    std::optional<double> increase;
    size_t points = 0;
    int64_t last_time = 0;

    [[nodiscard]] double mean() const { return count > 0 ? sum / static_cast<double>(count) : 0; }
};

/// Delta sums and histograms are added up across lines and processes; cumulative ones take the
/// latest point of each series (attribute set and start time) and add the series; gauges take
/// the attribute sets of their latest report. Sorted by name, then attributes.
std::vector<MetricValue> current_metrics(const std::vector<MetricPoint>& points, const MetricFilter& filter);

/// One metric's (or attribute set's) values over a window cut into equal buckets.
struct MetricSeries {
    std::string name;
    Attributes attributes = Attributes::object();  // with by_attributes
    /// Per bucket, oldest first: sums their increase in the bucket, histograms the observations
    /// added in it, gauges their latest value in it; nullopt where the bucket has no point.
    std::vector<std::optional<double>> values;
};

/// The window [since, until) cut into `buckets` equal parts (the last one takes the remainder),
/// each reduced as current_metrics reduces a window. filter.since and filter.until are ignored.
/// A cumulative series counts what it gained between its points inside a bucket (or all of its
/// value when it starts there). Sorted as current_metrics sorts.
std::vector<MetricSeries> metric_series(const std::vector<MetricPoint>& points, const MetricFilter& filter,
                                        int64_t since, int64_t until, size_t buckets);

/// The value below which a fraction `quantile` of a histogram's observations fall, estimated by
/// linear interpolation inside the bucket that holds it (as Prometheus' histogram_quantile),
/// narrowed by the recorded min and max. nullopt for an empty histogram.
std::optional<double> histogram_quantile(const MetricValue& histogram, double quantile);

}  // namespace sc::observe
