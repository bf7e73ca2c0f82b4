#include "observe/replay.hpp"

#include "observe/domain_events.hpp"

namespace sc::observe {

Result<ReplayResult> replay_events(const std::string& store_root, const ReplayOptions& options) {
    ReplayResult result;
    store::Reader reader(store_root);
    store::EventQuery query;
    for (std::string_view type : task_event_types())
        query.types.emplace_back(type);
    if (options.as_of)
        query.until_time = *options.as_of + 1;  // until is exclusive; as-of includes its moment
    std::optional<Error> failure;
    Result<store::ReadStats> stats = reader.read_events(query, [&](const store::EventView& event) {
        nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
        if (data.is_discarded()) {
            failure = make_error(ErrorCode::parse, "event " + std::to_string(event.seq) + " has unreadable data",
                                 "run `sc telemetry check` to find and quarantine it");
            return false;
        }
        Result<std::vector<tasks::FileChange>> changes = file_changes_from_data(data);
        if (!changes.ok()) {
            failure =
                make_error(ErrorCode::parse, "event " + std::to_string(event.seq) + ": " + changes.error().message);
            return false;
        }
        Status applied = result.model.apply(changes.value());
        if (!applied.ok()) {
            failure = make_error(ErrorCode::conflict,
                                 "event " + std::to_string(event.seq) + " (" + std::string(event.type) +
                                     ") does not apply: " + applied.error().message,
                                 applied.error().hint);
            return false;
        }
        ++result.events_applied;
        result.last_seq = event.seq;
        result.last_time = event.time_unix_nanos;
        return true;
    });
    if (!stats.ok())
        return stats.error();
    if (failure)
        return *failure;
    result.stats = std::move(stats.value());
    return result;
}

}  // namespace sc::observe
