#include "telemetry/sdk/instrument_storage.hpp"

#include <algorithm>
#include <cmath>

namespace sc::telemetry {
namespace {

bool is_sum(InstrumentKind kind) {
    return kind == InstrumentKind::counter || kind == InstrumentKind::up_down_counter ||
           kind == InstrumentKind::observable_counter || kind == InstrumentKind::observable_up_down_counter;
}

bool is_monotonic(InstrumentKind kind) {
    return kind == InstrumentKind::counter || kind == InstrumentKind::observable_counter;
}

bool is_observable(InstrumentKind kind) {
    return kind == InstrumentKind::observable_counter || kind == InstrumentKind::observable_up_down_counter ||
           kind == InstrumentKind::observable_gauge;
}

bool valid_boundaries(std::span<const double> boundaries) {
    for (size_t index = 0; index < boundaries.size(); ++index) {
        if (!std::isfinite(boundaries[index]))
            return false;
        if (index > 0 && !(boundaries[index] > boundaries[index - 1]))
            return false;
    }
    return true;
}

}  // namespace

InstrumentHandle::InstrumentHandle(const InstrumentDescriptor& descriptor, size_t cardinality_limit, int64_t start_time)
    : m_scope(descriptor.scope),
      m_name(descriptor.name),
      m_unit(descriptor.unit),
      m_description(descriptor.description),
      m_kind(descriptor.kind),
      m_is_integer(descriptor.is_integer),
      m_cardinality_limit(std::max<size_t>(cardinality_limit, 2)),
      m_start_time(start_time),
      m_last_collection(start_time) {
    if (m_kind == InstrumentKind::histogram) {
        std::span<const double> boundaries = descriptor.boundaries;
        if (boundaries.empty() || !valid_boundaries(boundaries))
            boundaries = k_default_second_boundaries;
        m_boundaries.assign(boundaries.begin(), boundaries.end());
    }
    rehash(16);
}

bool InstrumentHandle::matches(const InstrumentDescriptor& descriptor) const {
    return descriptor.name == m_name && descriptor.scope == m_scope && descriptor.kind == m_kind &&
           descriptor.is_integer == m_is_integer;
}

void InstrumentHandle::rehash(size_t capacity) {
    m_slots.assign(capacity, -1);
    for (size_t index = 0; index < m_points.size(); ++index) {
        if (static_cast<int32_t>(index) == m_overflow)
            continue;
        size_t slot = m_points[index].hash & (capacity - 1);
        while (m_slots[slot] != -1)
            slot = (slot + 1) & (capacity - 1);
        m_slots[slot] = static_cast<int32_t>(index);
    }
}

InstrumentHandle::Point& InstrumentHandle::new_point(sdk::KeyValues attributes, uint64_t hash) {
    Point point;
    point.attributes = std::move(attributes);
    point.hash = hash;
    if (m_kind == InstrumentKind::histogram)
        point.buckets.assign(m_boundaries.size() + 1, 0);
    m_points.push_back(std::move(point));
    return m_points.back();
}

InstrumentHandle::Point& InstrumentHandle::find_point(const sdk::SortedAttributes& attributes) {
    size_t mask = m_slots.size() - 1;
    size_t slot = attributes.hash() & mask;
    while (m_slots[slot] != -1) {
        Point& point = m_points[static_cast<size_t>(m_slots[slot])];
        if (point.hash == attributes.hash() && attributes.equals(point.attributes))
            return point;
        slot = (slot + 1) & mask;
    }
    // One stream is kept for the overflow, so the limit counts it too.
    size_t regular = m_points.size() - (m_overflow >= 0 ? 1 : 0);
    if (regular + 1 >= m_cardinality_limit) {
        if (m_overflow < 0) {
            m_overflow = static_cast<int32_t>(m_points.size());
            new_point({{"otel.metric.overflow", true}}, 0);
        }
        return m_points[static_cast<size_t>(m_overflow)];
    }
    m_slots[slot] = static_cast<int32_t>(m_points.size());
    Point& point = new_point(attributes.to_owned(), attributes.hash());
    if ((m_points.size() + 1) * 2 > m_slots.size()) {
        rehash(m_slots.size() * 2);
        return m_points.back();
    }
    return point;
}

void InstrumentHandle::add_to(Point& point, int64_t int_value, double double_value) {
    if (m_kind == InstrumentKind::histogram) {
        double value = m_is_integer ? static_cast<double>(int_value) : double_value;
        size_t bucket = static_cast<size_t>(std::lower_bound(m_boundaries.begin(), m_boundaries.end(), value) -
                                            m_boundaries.begin());
        ++point.buckets[bucket];
        if (point.count == 0 || value < point.min)
            point.min = value;
        if (point.count == 0 || value > point.max)
            point.max = value;
        ++point.count;
        point.double_value += value;
        return;
    }
    point.int_value += int_value;
    point.double_value += double_value;
    ++point.count;
}

void InstrumentHandle::record(int64_t value, AttributeList attributes) {
    if (!m_is_integer) {
        record(static_cast<double>(value), attributes);
        return;
    }
    if (m_kind == InstrumentKind::counter && value < 0)
        return;  // counters only go up; the spec lets the SDK drop such a value
    sdk::SortedAttributes sorted(attributes);
    std::lock_guard lock(m_mutex);
    add_to(find_point(sorted), value, 0.0);
}

void InstrumentHandle::record(double value, AttributeList attributes) {
    if (m_is_integer) {
        if (std::isfinite(value))
            record(static_cast<int64_t>(value), attributes);
        return;
    }
    if (!std::isfinite(value) || (m_kind == InstrumentKind::counter && value < 0))
        return;
    sdk::SortedAttributes sorted(attributes);
    std::lock_guard lock(m_mutex);
    add_to(find_point(sorted), 0, value);
}

void InstrumentHandle::observe(int64_t value, AttributeList attributes) {
    sdk::SortedAttributes sorted(attributes);
    std::lock_guard lock(m_mutex);
    Point& point = find_point(sorted);
    point.int_value = m_is_integer ? value : 0;
    point.double_value = m_is_integer ? 0.0 : static_cast<double>(value);
    point.count = 1;
}

void InstrumentHandle::observe(double value, AttributeList attributes) {
    if (!std::isfinite(value))
        return;
    if (m_is_integer) {
        observe(static_cast<int64_t>(value), attributes);
        return;
    }
    sdk::SortedAttributes sorted(attributes);
    std::lock_guard lock(m_mutex);
    Point& point = find_point(sorted);
    point.double_value = value;
    point.count = 1;
}

void InstrumentHandle::reset_streams() {
    m_points.clear();
    m_overflow = -1;
    rehash(16);
}

void InstrumentHandle::collect(sdk::Temporality temporality, int64_t now, std::vector<sdk::MetricData>& out) {
    std::lock_guard lock(m_mutex);
    int64_t start = temporality == sdk::Temporality::delta ? m_last_collection : m_start_time;
    m_last_collection = now;
    if (m_points.empty())
        return;

    sdk::MetricData metric;
    metric.scope_name = m_scope;
    metric.name = m_name;
    metric.description = m_description;
    metric.unit = m_unit;
    metric.temporality = temporality;
    metric.monotonic = is_monotonic(m_kind);
    if (m_kind == InstrumentKind::histogram) {
        metric.type = sdk::MetricType::histogram;
        for (Point& point : m_points) {
            sdk::HistogramPoint out_point;
            out_point.attributes =
                temporality == sdk::Temporality::delta ? std::move(point.attributes) : point.attributes;
            out_point.start_time = start;
            out_point.time = now;
            out_point.count = point.count;
            out_point.sum = point.double_value;
            out_point.min = point.min;
            out_point.max = point.max;
            out_point.boundaries = m_boundaries;
            out_point.bucket_counts = point.buckets;
            metric.histogram_points.push_back(std::move(out_point));
        }
    } else {
        metric.type = is_sum(m_kind) ? sdk::MetricType::sum : sdk::MetricType::gauge;
        bool observed_sum = is_sum(m_kind) && is_observable(m_kind);
        for (Point& point : m_points) {
            sdk::NumberPoint out_point;
            out_point.attributes = point.attributes;
            out_point.start_time = metric.type == sdk::MetricType::gauge ? 0 : start;
            out_point.time = now;
            out_point.is_integer = m_is_integer;
            out_point.int_value = point.int_value;
            out_point.double_value = point.double_value;
            if (observed_sum && temporality == sdk::Temporality::delta) {
                // Observed sums are totals: the delta is the change since the last collection.
                for (Point& previous : m_previous) {
                    if (previous.attributes == point.attributes) {
                        out_point.int_value -= previous.int_value;
                        out_point.double_value -= previous.double_value;
                        break;
                    }
                }
            }
            metric.number_points.push_back(std::move(out_point));
        }
        if (observed_sum && temporality == sdk::Temporality::delta)
            m_previous = m_points;
    }
    out.push_back(std::move(metric));

    // Synchronous delta streams and every observation start afresh at the next collection.
    if (temporality == sdk::Temporality::delta || is_observable(m_kind))
        reset_streams();
}

}  // namespace sc::telemetry
