#include "observe/metric_values.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

namespace sc::observe {

namespace {

bool in_window(int64_t time, const std::optional<int64_t>& since, const std::optional<int64_t>& until) {
    return (!since || time >= *since) && (!until || time < *until);
}

void merge_histogram(MetricValue& into, bool& buckets_unusable, const std::vector<uint64_t>& bucket_counts,
                     const std::vector<double>& bounds, uint64_t count, double sum, std::optional<double> min,
                     std::optional<double> max) {
    into.count += count;
    into.sum += sum;
    if (min)
        into.min = into.min ? std::min(*into.min, *min) : *min;
    if (max)
        into.max = into.max ? std::max(*into.max, *max) : *max;
    if (buckets_unusable)
        return;
    if (into.bucket_counts.empty() && into.bounds.empty()) {
        into.bucket_counts = bucket_counts;
        into.bounds = bounds;
    } else if (into.bounds == bounds && into.bucket_counts.size() == bucket_counts.size()) {
        for (size_t i = 0; i < bucket_counts.size(); ++i)
            into.bucket_counts[i] += bucket_counts[i];
    } else {
        buckets_unusable = true;
        into.bucket_counts.clear();
        into.bounds.clear();
    }
}

// One attribute set of one metric, and for cumulative data each series (start time) in it.
struct SeriesAccumulator {
    MetricValue value;
    bool buckets_unusable = false;  // points with different bounds were merged: counts stay, buckets go
    double delta_increase = 0;
    std::map<int64_t, std::pair<const MetricPoint*, const MetricPoint*>> cumulative;  // start -> first, latest
    const MetricPoint* latest_gauge = nullptr;
};

double amount_of(const MetricPoint& point) {
    return point.type == MetricType::histogram ? static_cast<double>(point.count) : point.value;
}

void add_point(SeriesAccumulator& series, const MetricPoint& point) {
    series.value.points += 1;
    series.value.last_time = std::max(series.value.last_time, point.time);
    if (point.type == MetricType::gauge) {
        if (series.latest_gauge == nullptr || point.time >= series.latest_gauge->time)
            series.latest_gauge = &point;
        return;
    }
    if (point.temporality == Temporality::delta) {
        if (point.type == MetricType::histogram)
            merge_histogram(series.value, series.buckets_unusable, point.bucket_counts, point.bounds, point.count,
                            point.sum, point.min, point.max);
        else
            series.value.value += point.value;
        series.delta_increase += amount_of(point);
        return;
    }
    // Cumulative (and unspecified, read as cumulative so nothing is counted twice).
    auto& [first, latest] = series.cumulative[point.start_time];
    if (first == nullptr || point.time < first->time)
        first = &point;
    if (latest == nullptr || point.time >= latest->time)
        latest = &point;
}

void finish_series(SeriesAccumulator& series, const std::optional<int64_t>& since) {
    if (series.latest_gauge != nullptr)
        series.value.value = series.latest_gauge->value;
    double increase = series.delta_increase;
    for (const auto& [start, pair] : series.cumulative) {
        const auto& [first, latest] = pair;
        if (latest->type == MetricType::histogram)
            merge_histogram(series.value, series.buckets_unusable, latest->bucket_counts, latest->bounds, latest->count,
                            latest->sum, latest->min, latest->max);
        else
            series.value.value += latest->value;
        // A series that began inside the window grew by all of its value; an older one by
        // what it gained since its first point in the window.
        bool started_inside = since && start >= *since;
        increase += started_inside ? amount_of(*latest) : amount_of(*latest) - amount_of(*first);
    }
    if (since && series.value.type != MetricType::gauge)
        series.value.increase = increase;
}

void merge_into(MetricValue& into, bool& buckets_unusable, const MetricValue& from, bool from_unusable) {
    into.value += from.value;
    into.points += from.points;
    into.last_time = std::max(into.last_time, from.last_time);
    if (from.increase)
        into.increase = into.increase.value_or(0) + *from.increase;
    if (from.type == MetricType::histogram) {
        if (from_unusable && !buckets_unusable) {
            buckets_unusable = true;
            into.bucket_counts.clear();
            into.bounds.clear();
        }
        merge_histogram(into, buckets_unusable, from.bucket_counts, from.bounds, from.count, from.sum, from.min,
                        from.max);
    }
}

}  // namespace

std::vector<MetricValue> current_metrics(const std::vector<MetricPoint>& points, const MetricFilter& filter) {
    // Keyed by name, then by the attribute set's canonical text, so the output is sorted.
    std::map<std::string, std::map<std::string, SeriesAccumulator>> metrics;
    for (const MetricPoint& point : points) {
        if (point.name.compare(0, filter.name.size(), filter.name) != 0 ||
            !in_window(point.time, filter.since, filter.until))
            continue;
        std::string attributes_key = nlohmann::json(point.attributes).dump();  // keys sorted
        SeriesAccumulator& series = metrics[point.name][attributes_key];
        if (series.value.points == 0) {
            series.value.name = point.name;
            series.value.description = point.description;
            series.value.unit = point.unit;
            series.value.type = point.type;
            series.value.attributes = point.attributes;
        }
        add_point(series, point);
    }
    std::vector<MetricValue> values;
    for (auto& [name, sets] : metrics) {
        // A gauge is current as of its latest report: an attribute set missing from it (a
        // status no task has any more) is gone, not frozen at its last value.
        int64_t latest_report = INT64_MIN;
        for (const auto& [key, series] : sets)
            if (series.latest_gauge != nullptr)
                latest_report = std::max(latest_report, series.latest_gauge->time);
        std::optional<MetricValue> merged;
        bool merged_unusable = false;
        for (auto& [key, series] : sets) {
            if (series.latest_gauge != nullptr && series.latest_gauge->time < latest_report)
                continue;
            finish_series(series, filter.since);
            if (filter.by_attributes) {
                values.push_back(std::move(series.value));
                continue;
            }
            if (!merged) {
                merged = MetricValue();
                merged->name = series.value.name;
                merged->description = series.value.description;
                merged->unit = series.value.unit;
                merged->type = series.value.type;
            }
            merge_into(*merged, merged_unusable, series.value, series.buckets_unusable);
        }
        if (merged)
            values.push_back(std::move(*merged));
    }
    return values;
}

std::vector<MetricSeries> metric_series(const std::vector<MetricPoint>& points, const MetricFilter& filter,
                                        int64_t since, int64_t until, size_t buckets) {
    std::vector<MetricSeries> series;
    if (buckets == 0 || until <= since)
        return series;
    const int64_t width = std::max<int64_t>(1, (until - since) / static_cast<int64_t>(buckets));
    auto start_of = [&](size_t bucket) { return since + width * static_cast<int64_t>(bucket); };
    // Each point copied once, into its bucket: every bucket is then reduced on its own.
    std::vector<std::vector<MetricPoint>> parts(buckets);
    for (const MetricPoint& point : points) {
        if (point.time < since || point.time >= until || point.name.compare(0, filter.name.size(), filter.name) != 0)
            continue;
        size_t bucket = std::min(static_cast<size_t>((point.time - since) / width), buckets - 1);
        parts[bucket].push_back(point);
    }
    std::map<std::string, MetricSeries> found;  // name, then attributes: the order of current_metrics
    for (size_t bucket = 0; bucket < buckets; ++bucket) {
        MetricFilter part_filter = filter;
        part_filter.since = start_of(bucket);
        part_filter.until = bucket + 1 == buckets ? until : start_of(bucket + 1);
        for (const MetricValue& value : current_metrics(parts[bucket], part_filter)) {
            std::string key = value.name;
            if (filter.by_attributes)
                key += '\0' + nlohmann::json(value.attributes).dump();
            MetricSeries& one = found[key];
            if (one.values.empty()) {
                one.name = value.name;
                one.attributes = value.attributes;
                one.values.resize(buckets);
            }
            one.values[bucket] = value.type == MetricType::gauge ? value.value : value.increase.value_or(0);
        }
    }
    for (auto& [key, one] : found)
        series.push_back(std::move(one));
    return series;
}

std::optional<double> histogram_quantile(const MetricValue& histogram, double quantile) {
    uint64_t total = 0;
    for (uint64_t count : histogram.bucket_counts)
        total += count;
    if (total == 0 || histogram.bucket_counts.size() != histogram.bounds.size() + 1)
        return std::nullopt;
    double rank = quantile * static_cast<double>(total);
    uint64_t below = 0;
    for (size_t i = 0; i < histogram.bucket_counts.size(); ++i) {
        uint64_t in_bucket = histogram.bucket_counts[i];
        if (in_bucket == 0 || static_cast<double>(below + in_bucket) < rank) {
            below += in_bucket;
            continue;
        }
        double lower = i == 0
                           ? histogram.min.value_or(std::min(0.0, histogram.bounds.empty() ? 0.0 : histogram.bounds[0]))
                           : histogram.bounds[i - 1];
        double upper = i < histogram.bounds.size()
                           ? histogram.bounds[i]
                           : histogram.max.value_or(histogram.bounds.empty() ? lower : histogram.bounds.back());
        if (histogram.min)
            lower = std::max(lower, *histogram.min);
        if (histogram.max)
            upper = std::min(upper, *histogram.max);
        if (upper < lower)
            upper = lower;
        double fraction = (rank - static_cast<double>(below)) / static_cast<double>(in_bucket);
        return lower + (upper - lower) * std::clamp(fraction, 0.0, 1.0);
    }
    return histogram.max;
}

}  // namespace sc::observe
