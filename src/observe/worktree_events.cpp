#include "observe/worktree_events.hpp"

#include "store/reader.hpp"

namespace sc::observe {

std::string stream_for_worktree(std::string_view env_id) {
    return "worktree:" + std::string(env_id);
}

store::NewEvent make_worktree_event(const worktree::EnsureResult& result, const std::string& task_id) {
    const worktree::EnvironmentInfo& env = result.environment;
    nlohmann::ordered_json data;
    data["envId"] = env.env_id;
    data["taskId"] = task_id;
    data["branch"] = env.branch;
    data["path"] = env.path;
    data["head"] = env.head;
    if (result.created) {
        data["base"] = result.base;
        data["branchExisted"] = result.branch_existed;
        if (result.pruned)
            data["prunedMissingWorktree"] = true;
    }
    store::NewEvent event;
    event.stream = stream_for_worktree(env.env_id);
    event.type = std::string(result.created ? event_types::worktree_created : event_types::worktree_reused);
    event.data_json = data.dump();
    return event;
}

store::NewEvent make_worktree_closed_event(const worktree::CloseResult& result) {
    nlohmann::ordered_json data;
    data["envId"] = result.env_id;
    data["branch"] = result.branch;
    data["path"] = result.path;
    data["head"] = result.head;
    data["branchDeleted"] = result.branch_deleted;
    data["forced"] = result.forced;
    if (result.discarded_files > 0)
        data["discardedFiles"] = result.discarded_files;
    if (result.unmerged_commits > 0)
        data["unmergedCommits"] = result.unmerged_commits;
    if (result.folder_was_missing)
        data["folderWasMissing"] = true;
    store::NewEvent event;
    event.stream = stream_for_worktree(result.env_id);
    event.type = std::string(event_types::worktree_closed);
    event.data_json = data.dump();
    return event;
}

nlohmann::ordered_json RecordedEnvironment::to_json() const {
    nlohmann::ordered_json out;
    out["taskId"] = env_id;
    out["branch"] = branch;
    out["path"] = path;
    out["state"] = open() ? "open" : "closed";
    out["base"] = base;
    out["head"] = head;
    out["created"] = created;
    out["closed"] = closed.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(closed);
    out["reuses"] = reuses;
    if (!open())
        out["branchDeleted"] = branch_deleted;
    return out;
}

void WorktreeProjection::apply(const store::EventView& event) {
    if (event.stream.substr(0, 9) != "worktree:")
        return;
    nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
    if (!data.is_object())
        return;
    std::string id = data.value("envId", std::string(event.stream.substr(9)));
    RecordedEnvironment& env = m_environments[id];
    env.env_id = id;
    std::string time(event.time);
    if (auto head = data.value("head", std::string()); !head.empty())
        env.head = head;
    if (event.type == event_types::worktree_created) {
        env.branch = data.value("branch", "");
        env.path = data.value("path", "");
        env.base = data.value("base", "");
        env.created = time;
        env.closed.clear();
        env.reuses = 0;
        env.branch_deleted = false;
    } else if (event.type == event_types::worktree_reused) {
        ++env.reuses;
        if (env.path.empty())
            env.path = data.value("path", "");
        if (env.branch.empty())
            env.branch = data.value("branch", "");
    } else if (event.type == event_types::worktree_closed) {
        env.closed = time;
        env.branch_deleted = data.value("branchDeleted", false);
        if (env.path.empty())
            env.path = data.value("path", "");
    }
}

Result<WorktreeProjection> replay_worktrees(const std::string& store_root, std::optional<int64_t> as_of) {
    WorktreeProjection projection;
    store::Reader reader(store_root);
    store::EventQuery query;
    query.types = {std::string(event_types::worktree_created), std::string(event_types::worktree_reused),
                   std::string(event_types::worktree_closed)};
    if (as_of)
        query.until_time = *as_of + 1;
    Result<store::ReadStats> read = reader.read_events(query, [&](const store::EventView& event) {
        projection.apply(event);
        return true;
    });
    if (!read.ok() && read.error().code != ErrorCode::not_found)
        return read.error();
    return projection;
}

}  // namespace sc::observe
