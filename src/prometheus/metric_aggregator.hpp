#pragma once
// OTLP metric points folded into Prometheus series as they are read, so that the next scrape
// needs only the points that arrived since (docs/export.md, "Prometheus"):
// - a monotonic sum is a counter: delta points are added up across processes; cumulative
//   points keep the latest value of each series (start time) and the series are added, so a
//   process that restarts (a new start time) never makes the counter go down;
// - a non-monotonic sum is a gauge, accumulated the same way;
// - a gauge takes its latest value, and only the attribute sets of its latest report per
//   target (a status no task has any more is gone, as in `sc metrics`);
// - a histogram is accumulated like a counter, bucket by bucket; points with other bounds
//   than the series' first are re-bucketed into the first bounds (each bucket into the
//   smallest one that contains it), so counts and sums stay exact and buckets conservative.
// Series are labelled job (service.namespace/service.name), instance (service.instance.id),
// otel_scope_name, otel_scope_version and the point's attributes; each target's other
// resource attributes go to target_info.

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "prometheus/exposition.hpp"
#include "prometheus/metric_line_reader.hpp"
#include "prometheus/names.hpp"

namespace sc::prometheus {

struct AggregatorStats {
    uint64_t points = 0;
    uint64_t dropped_points = 0;  // a type conflict on one Prometheus name, or a negative counter delta
};

class MetricAggregator {
public:
    void add(const ResourceView& resource, const ScopeView& scope, const MetricView& metric, const PointView& point);

    /// Every family (target_info first, then by name) as it stands.
    [[nodiscard]] std::vector<FamilySample> families() const;
    [[nodiscard]] const AggregatorStats& stats() const { return m_stats; }

private:
    struct Histogram {
        std::vector<uint64_t> counts;  // bounds.size() + 1, per bucket
        uint64_t count = 0;
        double sum = 0;
    };
    struct Cumulative {
        int64_t time = INT64_MIN;
        double value = 0;
        Histogram histogram;
    };
    struct Series {
        std::string target;  // job and instance, for the gauge report rule
        double value = 0;    // accumulated deltas, or the latest gauge value
        int64_t gauge_time = INT64_MIN;
        std::vector<double> bounds;                // a histogram's, from its first point
        Histogram histogram;                       // accumulated deltas
        bool negative = false;                     // a negative observation was seen: no _sum
        std::map<int64_t, Cumulative> cumulative;  // start time -> latest point of that series
    };
    struct Family {
        FamilyType type = FamilyType::gauge;
        bool is_gauge_kind = false;  // an OTel gauge (not a sum): the latest-report rule applies
        std::string help;
        std::string unit;
        std::unordered_map<std::string, Series> series;          // key: rendered labels
        std::unordered_map<std::string, int64_t> latest_report;  // target -> latest gauge time
    };
    struct Mapping {  // an OTel metric's place, cached by name, unit and kind
        Family* family = nullptr;
        Unit unit;
        std::string name;
    };
    struct Target {
        std::map<std::string, std::string> attributes;  // for target_info
    };

    Mapping& mapping_for(const MetricView& metric);
    void add_histogram_point(Series& series, const Mapping& mapping, const MetricView& metric, const PointView& point);
    std::string series_labels(const std::string& job, const std::string& instance, const ScopeView& scope,
                              const PointView& point) const;

    std::map<std::string, Family> m_families;  // by Prometheus name
    std::unordered_map<std::string, Mapping> m_mappings;
    std::map<std::string, Target> m_targets;  // key: rendered job/instance labels
    TextAttributes m_last_resource;           // target_info is updated when the resource changes
    AggregatorStats m_stats;
};

}  // namespace sc::prometheus
