#pragma once
// The storage behind one instrument: a table of metric streams (one per attribute set) with
// the cardinality limit, aggregated as a sum, a last value or an explicit-bucket histogram.

#include <mutex>
#include <string>
#include <vector>

#include "telemetry/api/metrics.hpp"
#include "telemetry/sdk/attribute_set.hpp"
#include "telemetry/sdk/metric_data.hpp"

namespace sc::telemetry {

/// Default bucket boundaries, in seconds: the semantic conventions' advice for durations.
inline constexpr double k_default_second_boundaries[] = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                                         0.5,   0.75, 1.0,   2.5,  5.0,   7.5, 10.0};

class InstrumentHandle {
public:
    InstrumentHandle(const InstrumentDescriptor& descriptor, size_t cardinality_limit, int64_t start_time);

    void record(int64_t value, AttributeList attributes);
    void record(double value, AttributeList attributes);
    /// Stores an observed value of an asynchronous instrument (the last one per set wins).
    void observe(int64_t value, AttributeList attributes);
    void observe(double value, AttributeList attributes);

    /// Appends this instrument's points to `out` (nothing when it has none). Delta temporality
    /// forgets the streams afterwards; cumulative keeps summing.
    void collect(sdk::Temporality temporality, int64_t now, std::vector<sdk::MetricData>& out);

    [[nodiscard]] bool matches(const InstrumentDescriptor& descriptor) const;
    [[nodiscard]] InstrumentKind kind() const { return m_kind; }
    [[nodiscard]] bool is_integer() const { return m_is_integer; }

private:
    struct Point {
        sdk::KeyValues attributes;
        uint64_t hash = 0;
        int64_t int_value = 0;
        double double_value = 0.0;
        uint64_t count = 0;
        double min = 0.0;
        double max = 0.0;
        std::vector<uint64_t> buckets;
    };

    /// Finds or creates the stream of `attributes`; past the cardinality limit, the overflow
    /// stream (attribute otel.metric.overflow=true).
    Point& find_point(const sdk::SortedAttributes& attributes);
    Point& new_point(sdk::KeyValues attributes, uint64_t hash);
    void rehash(size_t capacity);
    void add_to(Point& point, int64_t int_value, double double_value);
    void reset_streams();

    std::string m_scope;
    std::string m_name;
    std::string m_unit;
    std::string m_description;
    InstrumentKind m_kind;
    bool m_is_integer;
    std::vector<double> m_boundaries;
    size_t m_cardinality_limit;
    int64_t m_start_time;       // creation, the start of cumulative streams
    int64_t m_last_collection;  // the start of the next delta

    std::mutex m_mutex;
    std::vector<Point> m_points;
    std::vector<int32_t> m_slots;  // open addressing: index into m_points, -1 when empty
    int32_t m_overflow = -1;
    /// Observable sums report totals; delta temporality needs the previous totals per stream.
    std::vector<Point> m_previous;
};

}  // namespace sc::telemetry
