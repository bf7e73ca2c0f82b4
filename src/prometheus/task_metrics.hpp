#pragma once
// The business metrics, from the domain events through the task projection
// (observe/projections.hpp), kept up to date event by event (docs/export.md, "Prometheus"):
//   scopecraft_project_tasks{status}                 gauge: tasks that exist now, by status
//   scopecraft_project_task_creations_total          counter: tasks created
//   scopecraft_project_task_completions_total        counter: tasks done for the first time
//   scopecraft_project_task_cycle_time_seconds       histogram: creation to first done
//   scopecraft_project_events_total{type}            counter: task events by type
// `increase(scopecraft_project_task_creations_total[1h])` is tasks created per hour.

#include <cstdint>
#include <vector>

#include "observe/projections.hpp"
#include "prometheus/exposition.hpp"
#include "store/event_parser.hpp"

namespace sc::prometheus {

/// Cycle-time buckets, in seconds: a minute to a month.
inline const std::vector<double> k_cycle_time_bounds {60,    300,   900,    1800,   3600,   7200,    14400,
                                                      28800, 86400, 172800, 259200, 604800, 1209600, 2592000};

class TaskMetrics {
public:
    void apply(const store::EventView& event);
    [[nodiscard]] std::vector<FamilySample> families() const;

private:
    observe::TaskProjection m_projection;
    size_t m_observed = 0;  // completion_cycle_times() already in the histogram
    HistogramSample m_cycle_time = empty_histogram(k_cycle_time_bounds);
};

}  // namespace sc::prometheus
