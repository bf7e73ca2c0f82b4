#include "observe/replay.hpp"

#include <algorithm>

#include "observe/domain_events.hpp"
#include "util/activity.hpp"

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
        // A replay reads the whole log: a client may stop it between events (it only builds
        // a model in memory), and is told how far it got (the total is not known up front).
        if (activity::cancelled()) {
            failure = make_error(ErrorCode::cancelled, "the replay was cancelled");
            return false;
        }
        activity::progress(result.events_applied, 0);
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

Result<uint64_t> catch_up(TreeState& state, const std::string& store_root) {
    store::Reader reader(store_root);
    return catch_up(state, reader);
}

Result<uint64_t> catch_up(TreeState& state, store::Reader& reader) {
    const std::vector<std::string_view>& types = task_event_types();
    uint64_t applied = 0;
    uint64_t last_seq = 0;
    uint64_t reflected = state.seq();
    std::optional<Error> failure;
    Result<store::ReadStats> read = reader.read_events_after(
        state.seq(), store::EventQuery {},
        [&](const store::EventView& event) {
            reflected = event.seq;
            if (std::find(types.begin(), types.end(), event.type) == types.end())
                return true;
            nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
            Result<std::vector<tasks::FileChange>> changes =
                data.is_discarded()
                    ? Result<std::vector<tasks::FileChange>>(make_error(ErrorCode::parse, "unreadable data"))
                    : file_changes_from_data(data);
            Status done = changes.ok() ? state.apply(changes.value()) : Status(changes.error());
            if (!done.ok()) {
                failure = make_error(ErrorCode::conflict,
                                     "event " + std::to_string(event.seq) + " (" + std::string(event.type) +
                                         ") does not apply to the task-tree state: " + done.error().message);
                return false;
            }
            ++applied;
            return true;
        },
        &last_seq);
    if (!read.ok())
        return read.error();
    if (failure)
        return *failure;
    if (last_seq < state.seq())
        return make_error(ErrorCode::conflict, "the task-tree state reflects event " + std::to_string(state.seq()) +
                                                   " but the log ends at " + std::to_string(last_seq));
    state.set_seq(reflected);
    return applied;
}

}  // namespace sc::observe
