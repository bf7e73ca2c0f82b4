#include "prometheus/task_metrics.hpp"

#include <algorithm>

namespace sc::prometheus {

void TaskMetrics::apply(const store::EventView& event) {
    m_projection.apply(event);
    const std::vector<double>& completions = m_projection.completion_cycle_times();
    for (; m_observed < completions.size(); ++m_observed)
        observe(m_cycle_time, std::max(0.0, completions[m_observed]));
}

std::vector<FamilySample> TaskMetrics::families() const {
    std::vector<FamilySample> out;

    FamilySample by_status {"scopecraft_project_tasks",
                            SampleType::gauge,
                            "Tasks that exist now, by status (from the domain events)",
                            "",
                            {}};
    for (const auto& [status, count] : m_projection.by_status())
        by_status.series.push_back({render_labels({{"status", status}}), static_cast<double>(count), {}});
    out.push_back(std::move(by_status));

    int64_t created = 0;
    int64_t completed = 0;
    for (const auto& [hour, counts] : m_projection.per_hour()) {
        created += counts.created;
        completed += counts.completed;
    }
    out.push_back({"scopecraft_project_task_creations_total",
                   SampleType::counter,
                   "Tasks created (increase over [1h] gives tasks created per hour)",
                   "",
                   {{"", static_cast<double>(created), {}}}});
    out.push_back({"scopecraft_project_task_completions_total",
                   SampleType::counter,
                   "Tasks done for the first time (increase over [1h] gives completions per hour)",
                   "",
                   {{"", static_cast<double>(completed), {}}}});

    out.push_back({"scopecraft_project_task_cycle_time_seconds",
                   SampleType::histogram,
                   "Time from a task's creation to its first done",
                   "seconds",
                   {{"", 0, m_cycle_time}}});

    FamilySample events {
        "scopecraft_project_events_total", SampleType::counter, "Task events recorded, by type", "", {}};
    for (const auto& [type, count] : m_projection.by_type())
        events.series.push_back({render_labels({{"type", type}}), static_cast<double>(count), {}});
    out.push_back(std::move(events));
    return out;
}

}  // namespace sc::prometheus
