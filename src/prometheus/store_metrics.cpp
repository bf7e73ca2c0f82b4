#include "prometheus/store_metrics.hpp"

#include "util/files.hpp"

namespace sc::prometheus {

StoreMetrics::StoreMetrics(std::string store_root)
    : m_root(std::move(store_root)),
      m_metric_tail(m_root, store::Signal::metrics),
      m_event_tail(m_root, store::Signal::events) {}

Status StoreMetrics::refresh() {
    std::lock_guard lock(m_mutex);
    return refresh_locked();
}

Status StoreMetrics::refresh_locked() {
    if (!files::is_directory(m_root))
        return {};
    auto on_point = [this](const ResourceView& resource, const ScopeView& scope, const MetricView& metric,
                           const PointView& point) { m_aggregator.add(resource, scope, metric, point); };
    SC_TRY(m_metric_tail.read_new([&](std::string_view line, size_t capacity) {
        ++m_stats.metric_lines;
        if (!m_reader.read(line, capacity, on_point))
            ++m_stats.unparsable_lines;
    }));
    SC_TRY(m_event_tail.read_new([&](std::string_view line, size_t capacity) {
        ++m_stats.event_lines;
        store::EventView event;
        if (m_event_parser.parse(line, capacity, event)) {
            m_tasks.apply(event);
            m_sessions.apply(event);
        } else
            ++m_stats.unparsable_lines;
    }));
    m_stats.points = m_aggregator.stats().points;
    m_stats.dropped_points = m_aggregator.stats().dropped_points;
    return {};
}

Result<ScrapeAnswer> StoreMetrics::scrape(std::string_view accept_header) {
    std::lock_guard lock(m_mutex);
    SC_TRY(refresh_locked());
    std::vector<FamilySample> families = m_aggregator.families();
    for (FamilySample& family : m_tasks.families())
        families.push_back(std::move(family));
    for (FamilySample& family : m_sessions.families())
        families.push_back(std::move(family));
    families.push_back({"scopecraft_prometheus_store_lines_total",
                        SampleType::counter,
                        "Store lines this exporter has read, by signal",
                        "",
                        {{render_labels({{"signal", "metrics"}}), static_cast<double>(m_stats.metric_lines), {}},
                         {render_labels({{"signal", "events"}}), static_cast<double>(m_stats.event_lines), {}}}});
    families.push_back({"scopecraft_prometheus_unparsable_lines_total",
                        SampleType::counter,
                        "Store lines that were not OTLP metrics or event envelopes (skipped)",
                        "",
                        {{"", static_cast<double>(m_stats.unparsable_lines), {}}}});
    families.push_back({"scopecraft_prometheus_dropped_points_total",
                        SampleType::counter,
                        "Metric points dropped: a type conflict on one Prometheus name, or a negative counter delta",
                        "",
                        {{"", static_cast<double>(m_stats.dropped_points), {}}}});
    Format format = negotiate(accept_header);
    return ScrapeAnswer {std::string(content_type(format)), render(families, format)};
}

StoreMetricsStats StoreMetrics::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

}  // namespace sc::prometheus
