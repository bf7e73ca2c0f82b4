#include "prometheus/metric_aggregator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace sc::prometheus {

namespace {

// Labels this exporter sets itself; an attribute of the same name is kept as exported_<name>,
// as Prometheus itself renames clashing target labels.
bool is_reserved_label(std::string_view name) {
    return name == "job" || name == "instance" || name == "otel_scope_name" || name == "otel_scope_version" ||
           name == "le";
}

// Resource attributes that describe one process (process.pid, process.executable.name ...):
// a job here spans many processes (every `sc` command is one, and `sc-server` another), so as
// target_info labels they would start a new series whenever a different process wrote last.
bool is_per_process(std::string_view key) {
    return key.substr(0, 8) == "process.";
}

using Labels = std::vector<std::pair<std::string, std::string>>;

// Attributes as label pairs: names sanitised; two attributes that sanitise to one name give
// one label whose values are joined by ';' in the order of the original keys (the spec).
void add_attribute_labels(Labels& labels, const TextAttributes& attributes) {
    std::vector<const std::pair<std::string, std::string>*> sorted;
    sorted.reserve(attributes.size());
    for (const auto& pair : attributes)
        sorted.push_back(&pair);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    size_t first_attribute = labels.size();
    for (const auto* pair : sorted) {
        std::string name = label_name(pair->first);
        if (name.empty())
            continue;
        if (is_reserved_label(name))
            name = "exported_" + name;
        auto same = std::find_if(labels.begin() + static_cast<std::ptrdiff_t>(first_attribute), labels.end(),
                                 [&](const auto& label) { return label.first == name; });
        if (same != labels.end())
            same->second += ";" + pair->second;
        else
            labels.emplace_back(std::move(name), pair->second);
    }
}

void add_scaled(std::vector<uint64_t>& into, const std::vector<uint64_t>& from) {
    if (into.size() < from.size())
        into.resize(from.size(), 0);
    for (size_t i = 0; i < from.size(); ++i)
        into[i] += from[i];
}

// Whether a point can be folded in without spoiling its series for good: a counter never goes
// down, a sum that became NaN or infinite would stay so, and a histogram's bounds must rise
// (Prometheus refuses a scrape whose `le` labels do not).
bool usable(const MetricView& metric, const PointView& point) {
    switch (metric.kind) {
        case PointKind::gauge:
            return true;
        case PointKind::sum:
            return std::isfinite(point.value) && !(metric.monotonic && point.value < 0);
        case PointKind::histogram:
            for (size_t i = 0; i < point.bounds.size(); ++i)
                if (!std::isfinite(point.bounds[i]) || (i > 0 && !(point.bounds[i] > point.bounds[i - 1])))
                    return false;
            return std::isfinite(point.sum);
    }
    return false;
}

}  // namespace

MetricAggregator::Mapping& MetricAggregator::mapping_for(const MetricView& metric) {
    std::string key = metric.name;
    key.push_back('\0');
    key += metric.unit;
    key.push_back('\0');
    key.push_back(static_cast<char>('0' + static_cast<int>(metric.kind)));
    key.push_back(metric.monotonic ? 'm' : '-');
    auto [found, inserted] = m_mappings.try_emplace(std::move(key));
    Mapping& mapping = found->second;
    if (!inserted)
        return mapping;
    FamilyType type = metric.kind == PointKind::histogram                 ? FamilyType::histogram
                      : metric.kind == PointKind::sum && metric.monotonic ? FamilyType::counter
                                                                          : FamilyType::gauge;
    if (metric_name(metric.name).empty())
        return mapping;  // a metric without a name: dropped
    Unit unit = convert_unit(metric.unit);
    mapping.unit = unit;
    mapping.name = prometheus_name(metric.name, unit, type);
    if (mapping.name.empty())
        return mapping;  // no name: dropped
    bool is_gauge_kind = metric.kind == PointKind::gauge;
    auto [family, created] = m_families.try_emplace(mapping.name);
    if (created) {
        family->second.type = type;
        family->second.is_gauge_kind = is_gauge_kind;
        // The UNIT line only where the name carries it (not `ratio` on a counter).
        family->second.unit = unit.word;
    }
    // Two OTel metrics that map to one name with different types cannot share a TYPE line: the
    // later one is dropped (and counted), as the specification says.
    if (family->second.type == type && family->second.is_gauge_kind == is_gauge_kind)
        mapping.family = &family->second;
    return mapping;
}

std::string MetricAggregator::series_labels(const std::string& job, const std::string& instance, const ScopeView& scope,
                                            const PointView& point) const {
    Labels labels;
    labels.reserve(point.attributes.size() + 4);
    add_attribute_labels(labels, point.attributes);
    labels.emplace_back("job", job);
    if (!instance.empty())
        labels.emplace_back("instance", instance);
    if (!scope.name.empty())
        labels.emplace_back("otel_scope_name", scope.name);
    if (!scope.version.empty())
        labels.emplace_back("otel_scope_version", scope.version);
    return render_labels(std::move(labels));
}

void MetricAggregator::add(const ResourceView& resource, const ScopeView& scope, const MetricView& metric,
                           const PointView& point) {
    ++m_stats.points;
    Mapping& mapping = mapping_for(metric);
    if (mapping.family == nullptr) {
        ++m_stats.dropped_points;
        return;
    }
    if (!usable(metric, point)) {
        ++m_stats.dropped_points;
        return;
    }
    Family& family = *mapping.family;
    if (family.help.empty())
        family.help = metric.description;

    std::string name;
    std::string name_space;
    std::string instance;
    for (const auto& [key, value] : resource.attributes) {
        if (key == "service.name")
            name = value;
        else if (key == "service.namespace")
            name_space = value;
        else if (key == "service.instance.id")
            instance = value;
    }
    if (name.empty())
        name = "unknown_service";
    std::string job = name_space.empty() ? name : name_space + "/" + name;
    Labels target_labels {{"job", job}};
    if (!instance.empty())
        target_labels.emplace_back("instance", instance);
    std::string target = render_labels(target_labels);
    if (resource.attributes != m_last_resource) {
        m_last_resource = resource.attributes;
        Target& known = m_targets[target];
        for (const auto& [key, value] : resource.attributes)
            if (key != "service.name" && key != "service.namespace" && key != "service.instance.id" &&
                !is_per_process(key))
                known.attributes[key] = value;
    }

    Series& series = family.series[series_labels(job, instance, scope, point)];
    if (series.target.empty())
        series.target = target;
    double value = mapping.unit.apply(point.value);
    switch (metric.kind) {
        case PointKind::gauge: {
            if (point.time >= series.gauge_time) {
                series.gauge_time = point.time;
                series.value = value;
            }
            int64_t& latest = family.latest_report.try_emplace(target, INT64_MIN).first->second;
            latest = std::max(latest, point.time);
            break;
        }
        case PointKind::sum:
            if (metric.temporality == Temporality::delta) {
                series.value += value;
            } else {
                // Cumulative, and unspecified read as cumulative so nothing is counted twice.
                Cumulative& latest = series.cumulative[point.start_time];
                if (point.time >= latest.time) {
                    latest.time = point.time;
                    latest.value = value;
                }
            }
            break;
        case PointKind::histogram:
            add_histogram_point(series, mapping, metric, point);
            break;
    }
}

void MetricAggregator::add_histogram_point(Series& series, const Mapping& mapping, const MetricView& metric,
                                           const PointView& point) {
    std::vector<double> bounds = point.bounds;
    for (double& bound : bounds)
        bound = mapping.unit.apply(bound);
    if (series.bounds.empty() && series.histogram.counts.empty() && series.cumulative.empty())
        series.bounds = bounds;
    Histogram histogram;
    histogram.count = point.count;
    histogram.sum = mapping.unit.apply(point.sum);
    histogram.counts.assign(series.bounds.size() + 1, 0);
    if (bounds == series.bounds && point.bucket_counts.size() == bounds.size() + 1) {
        histogram.counts = point.bucket_counts;
    } else if (point.bucket_counts.empty()) {
        histogram.counts.back() = point.count;
    } else {
        for (size_t i = 0; i < point.bucket_counts.size(); ++i) {
            double upper = i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
            size_t into = static_cast<size_t>(std::lower_bound(series.bounds.begin(), series.bounds.end(), upper) -
                                              series.bounds.begin());
            histogram.counts[into] += point.bucket_counts[i];
        }
    }
    if ((point.min && *point.min < 0) || point.sum < 0)
        series.negative = true;
    if (metric.temporality == Temporality::delta) {
        add_scaled(series.histogram.counts, histogram.counts);
        series.histogram.count += histogram.count;
        series.histogram.sum += histogram.sum;
    } else {
        Cumulative& latest = series.cumulative[point.start_time];
        if (point.time >= latest.time) {
            latest.time = point.time;
            latest.histogram = std::move(histogram);
        }
    }
}

std::vector<FamilySample> MetricAggregator::families() const {
    std::vector<FamilySample> out;
    if (!m_targets.empty()) {
        FamilySample info;
        info.name = "target";
        info.type = SampleType::info;
        info.help = "Target metadata: the resource attributes of each job and instance";
        for (const auto& [target, known] : m_targets) {
            Labels labels;
            TextAttributes attributes(known.attributes.begin(), known.attributes.end());
            add_attribute_labels(labels, attributes);
            std::string rendered = render_labels(std::move(labels));
            SeriesSample series;
            series.labels = rendered.empty() ? target : target + "," + rendered;
            info.series.push_back(std::move(series));
        }
        out.push_back(std::move(info));
    }
    for (const auto& [name, family] : m_families) {
        FamilySample sample;
        sample.name = name;
        sample.type = family.type == FamilyType::counter     ? SampleType::counter
                      : family.type == FamilyType::histogram ? SampleType::histogram
                                                             : SampleType::gauge;
        sample.help = family.help;
        sample.unit = family.unit;
        std::vector<const std::pair<const std::string, Series>*> ordered;
        ordered.reserve(family.series.size());
        for (const auto& entry : family.series)
            ordered.push_back(&entry);
        std::sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
        for (const auto* entry : ordered) {
            const Series& series = entry->second;
            if (family.is_gauge_kind) {
                auto latest = family.latest_report.find(series.target);
                if (latest != family.latest_report.end() && series.gauge_time < latest->second)
                    continue;  // not in its target's latest report: gone
            }
            SeriesSample out_series;
            out_series.labels = entry->first;
            out_series.value = series.value;
            if (family.type == FamilyType::histogram) {
                HistogramSample& histogram = out_series.histogram;
                histogram.bounds = series.bounds;
                histogram.counts = series.histogram.counts;
                histogram.count = series.histogram.count;
                histogram.sum = series.histogram.sum;
                for (const auto& [start, latest] : series.cumulative) {
                    add_scaled(histogram.counts, latest.histogram.counts);
                    histogram.count += latest.histogram.count;
                    histogram.sum += latest.histogram.sum;
                }
                histogram.counts.resize(histogram.bounds.size() + 1, 0);
                histogram.with_sum = !series.negative;
            } else if (!family.is_gauge_kind) {
                for (const auto& [start, latest] : series.cumulative)
                    out_series.value += latest.value;
            }
            sample.series.push_back(std::move(out_series));
        }
        out.push_back(std::move(sample));
    }
    return out;
}

}  // namespace sc::prometheus
