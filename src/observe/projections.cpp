#include "observe/projections.hpp"

#include <algorithm>
#include <numeric>

#include "observe/domain_events.hpp"

namespace sc::observe {

namespace {

std::string hour_of(std::string_view time) {
    return std::string(time.substr(0, 13));
}

// The id a task has after the event: a subtask's stream key is its id without `NN_`; task ids
// in `created`, `removed` and `renamedIds` are full ids, so projections key on the stream form.
std::string key_of(const std::string& id) {
    return stream_for_task(id).substr(5);
}

// A created file's status, read from its frontmatter (`status: todo`).
std::string status_in_content(const std::string& content) {
    size_t at = content.find("\nstatus:");
    if (at == std::string::npos)
        return "";
    size_t start = at + 8;
    size_t end = content.find('\n', start);
    std::string value = content.substr(start, end == std::string::npos ? std::string::npos : end - start);
    value.erase(0, value.find_first_not_of(" \t'\""));
    value.erase(value.find_last_not_of(" \t'\"\r") + 1);
    return value;
}

// A task's own file (not another file of its folder): its frontmatter holds its status.
bool is_task_document(const std::string& path) {
    return path.ends_with(".task.md") || path == "_overview.md" || path.ends_with("/_overview.md");
}

}  // namespace

void TaskProjection::set_status(const std::string& id, const std::string& status, int64_t time) {
    TaskFacts& facts = m_tasks[id];
    facts.status = status;
    if (status == "done" && !facts.done) {
        facts.done = time;
    }
}

void TaskProjection::change_status(const std::string& id, const std::string& status, int64_t time,
                                   const std::string& hour) {
    bool was_done = m_tasks.count(id) > 0 && m_tasks[id].done.has_value();
    set_status(id, status, time);
    if (!was_done && m_tasks[id].done) {
        ++m_per_hour[hour].completed;
        if (m_tasks[id].created > 0)
            m_completion_cycle_times.push_back(static_cast<double>(*m_tasks[id].done - m_tasks[id].created) / 1e9);
    }
}

void TaskProjection::apply(const store::EventView& event) {
    if (event.stream.substr(0, 5) != "task:")
        return;
    ++m_events;
    ++m_by_type[std::string(event.type)];
    nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
    if (data.is_discarded() || !data.is_object())
        return;
    int64_t time = event.time_unix_nanos;
    std::string hour = hour_of(event.time);

    for (const auto& created : data.value("created", nlohmann::json::array())) {
        if (!created.is_string())
            continue;
        TaskFacts& facts = m_tasks[key_of(created.get<std::string>())];
        facts = TaskFacts {};
        facts.created = time;
        facts.status = "todo";
        ++m_per_hour[hour].created;
    }
    // An edit outside `sc` carries no `fields` (docs/events.md, "The `data` of every task event"): a
    // task's status is read from the new content of its own file.
    if (event.type == event_types::task_changed_externally)
        for (const auto& file : data.value("files", nlohmann::json::array())) {
            std::string kind = file.value("kind", "");
            std::string id = data.value("taskId", "");
            if ((kind != "file_created" && kind != "file_modified") || id.empty())
                continue;
            std::string status = status_in_content(file.value("content", ""));
            if (kind == "file_created" && m_tasks.count(key_of(id)) == 0) {
                m_tasks[key_of(id)] = TaskFacts {status, time, {}, true};
                ++m_per_hour[hour].created;
            } else if (is_task_document(file.value("path", "")) && !status.empty() &&
                       (m_tasks.count(key_of(id)) == 0 || m_tasks[key_of(id)].status != status)) {
                change_status(key_of(id), status, time, hour);
            }
        }
    for (const auto& renamed : data.value("renamedIds", nlohmann::json::array())) {
        std::string from = key_of(renamed.value("old", ""));
        std::string to = key_of(renamed.value("new", ""));
        if (from != to && m_tasks.count(from) > 0) {
            m_tasks[to] = m_tasks[from];
            m_tasks.erase(from);
        }
    }
    std::string id = key_of(data.value("taskId", ""));
    for (const auto& field : data.value("fields", nlohmann::json::array()))
        if (field.value("field", "") == "status" && field["new"].is_string())
            change_status(id, field["new"].get<std::string>(), time, hour);
    for (const auto& removed : data.value("removed", nlohmann::json::array()))
        if (removed.is_string())
            m_tasks.erase(key_of(removed.get<std::string>()));
}

std::map<std::string, int64_t> TaskProjection::by_status() const {
    std::map<std::string, int64_t> counts;
    for (const auto& [id, facts] : m_tasks)
        ++counts[facts.status.empty() ? "unknown" : facts.status];
    return counts;
}

std::vector<double> TaskProjection::cycle_times() const {
    std::vector<double> seconds;
    for (const auto& [id, facts] : m_tasks)
        if (facts.done && facts.created > 0)
            seconds.push_back(static_cast<double>(*facts.done - facts.created) / 1e9);
    return seconds;
}

Summary summarise(std::vector<double> values) {
    Summary summary;
    summary.count = values.size();
    if (values.empty())
        return summary;
    std::sort(values.begin(), values.end());
    auto at = [&](double quantile) {
        double position = quantile * static_cast<double>(values.size() - 1);
        size_t low = static_cast<size_t>(position);
        size_t high = std::min(low + 1, values.size() - 1);
        double fraction = position - static_cast<double>(low);
        return values[low] + (values[high] - values[low]) * fraction;
    };
    summary.median = at(0.5);
    summary.p90 = at(0.9);
    summary.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    return summary;
}

nlohmann::ordered_json TaskProjection::to_json() const {
    nlohmann::ordered_json json;
    json["events"] = m_events;
    json["byType"] = m_by_type;
    json["tasksByStatus"] = by_status();
    Summary cycle = summarise(cycle_times());
    json["cycleTimeSeconds"] = {
        {"count", cycle.count}, {"median", cycle.median}, {"p90", cycle.p90}, {"mean", cycle.mean}};
    nlohmann::ordered_json hours = nlohmann::ordered_json::array();
    for (const auto& [hour, counts] : m_per_hour)
        hours.push_back({{"hour", hour + ":00Z"}, {"created", counts.created}, {"completed", counts.completed}});
    json["perHour"] = std::move(hours);
    return json;
}

}  // namespace sc::observe
