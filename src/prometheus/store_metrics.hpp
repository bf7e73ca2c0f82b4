#pragma once
// The Prometheus view of one telemetry store (`GET /metrics`): the OTLP metric lines and the
// task events, read incrementally (only what was appended since the previous scrape) into
// aggregates kept for the life of the object, rendered in the format the scraper asks for.
// Thread-safe: scrapes may come from several server threads.

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "prometheus/exposition.hpp"
#include "prometheus/metric_aggregator.hpp"
#include "prometheus/metric_line_reader.hpp"
#include "prometheus/session_metrics.hpp"
#include "prometheus/store_tail.hpp"
#include "prometheus/task_metrics.hpp"
#include "store/event_parser.hpp"
#include "util/result.hpp"

namespace sc::prometheus {

struct ScrapeAnswer {
    std::string content_type;
    std::string body;
};

/// What the reads so far found, exposed as scopecraft_prometheus_* metrics too.
struct StoreMetricsStats {
    uint64_t metric_lines = 0;
    uint64_t event_lines = 0;
    uint64_t unparsable_lines = 0;
    uint64_t points = 0;
    uint64_t dropped_points = 0;
};

class StoreMetrics {
public:
    explicit StoreMetrics(std::string store_root);

    /// Reads what is new in the store into the aggregates. A store that does not exist yet
    /// is empty, not an error.
    Status refresh();
    /// refresh(), then every family rendered for `accept_header`.
    Result<ScrapeAnswer> scrape(std::string_view accept_header);

    [[nodiscard]] StoreMetricsStats stats() const;

private:
    Status refresh_locked();

    mutable std::mutex m_mutex;
    std::string m_root;
    StoreTail m_metric_tail;
    StoreTail m_event_tail;
    MetricLineReader m_reader;
    store::EventParser m_event_parser;
    MetricAggregator m_aggregator;
    TaskMetrics m_tasks;
    SessionMetrics m_sessions;
    StoreMetricsStats m_stats;
};

}  // namespace sc::prometheus
