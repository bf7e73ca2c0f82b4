#pragma once
// Read models computed from the task events (docs/events.md, "Projections"): how many tasks
// are in each status, how long tasks take from creation to done (cycle time), and how many
// are created and completed per hour.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/event_parser.hpp"
#include "util/result.hpp"

namespace sc::observe {

struct HourCounts {
    int64_t created = 0;
    int64_t completed = 0;
};

class TaskProjection {
public:
    /// Feeds one event, in store order. Events that are not task events are ignored.
    void apply(const store::EventView& event);

    /// Tasks that exist now, by status.
    [[nodiscard]] std::map<std::string, int64_t> by_status() const;
    /// Seconds from creation to (first) done, for every task that got there.
    [[nodiscard]] std::vector<double> cycle_times() const;
    /// "2026-11-27T13" (UTC hour) -> counts.
    [[nodiscard]] const std::map<std::string, HourCounts>& per_hour() const { return m_per_hour; }
    [[nodiscard]] const std::map<std::string, int64_t>& by_type() const { return m_by_type; }
    [[nodiscard]] int64_t events() const { return m_events; }
    /// Seconds from creation to first done, one entry per completion in the order the events
    /// recorded them; unlike cycle_times() it only grows (a deleted task keeps its entry), so
    /// a reader that keeps up with the log can observe each completion once (the Prometheus
    /// cycle-time histogram).
    [[nodiscard]] const std::vector<double>& completion_cycle_times() const { return m_completion_cycle_times; }

    /// Everything above as one JSON object (`sc events stats --format json`).
    [[nodiscard]] nlohmann::ordered_json to_json() const;

private:
    struct TaskFacts {
        std::string status;
        int64_t created = 0;
        std::optional<int64_t> done;
        bool exists = true;
    };
    void set_status(const std::string& id, const std::string& status, int64_t time);
    /// set_status, and the task's first completion counted in `hour` with its cycle time.
    void change_status(const std::string& id, const std::string& status, int64_t time, const std::string& hour);

    std::map<std::string, TaskFacts> m_tasks;
    std::map<std::string, HourCounts> m_per_hour;
    std::map<std::string, int64_t> m_by_type;
    std::vector<double> m_completion_cycle_times;
    int64_t m_events = 0;
};

/// Median, 90th percentile and mean of a list of durations (seconds); zeros when empty.
struct Summary {
    size_t count = 0;
    double median = 0;
    double p90 = 0;
    double mean = 0;
};
Summary summarise(std::vector<double> values);

}  // namespace sc::observe
