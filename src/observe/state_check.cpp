#include "observe/state_check.hpp"

#include "observe/replay.hpp"
#include "observe/tree_state.hpp"
#include "util/files.hpp"

namespace sc::observe {

namespace {

std::vector<std::string> state_differences(const TreeState& state, const TreeModel& model) {
    std::vector<std::string> lines;
    for (const auto& [key, content] : model.files()) {
        auto known = state.files().find(key);
        if (known == state.files().end())
            lines.push_back("only in events: " + key);
        else if (Fingerprint expected = Fingerprint::of(content);
                 known->second.hash != expected.hash || known->second.size != expected.size)
            lines.push_back("content differs: " + key);
    }
    for (const auto& [key, fingerprint] : state.files())
        if (model.files().count(key) == 0)
            lines.push_back("only in the state: " + key);
    for (const std::string& folder : model.folders())
        if (state.folders().count(folder) == 0)
            lines.push_back("folder only in events: " + folder);
    for (const std::string& folder : state.folders())
        if (model.folders().count(folder) == 0)
            lines.push_back("folder only in the state: " + folder);
    return lines;
}

}  // namespace

Result<StateCheckReport> check_tree_state(const std::string& store_root, bool repair) {
    StateCheckReport report;
    std::string folder = store_root + "/projections";
    std::string path = folder + "/task-tree.state";
    if (!files::is_directory(folder))
        return report;  // no task command has run here
    files::FileLock lock = SC_TRY(files::FileLock::acquire(folder + "/tasks.lock"));
    Result<ReplayResult> replayed = replay_events(store_root, ReplayOptions {});
    if (!replayed.ok()) {
        report.replay_problem = replayed.error().message;
        return report;
    }
    Result<TreeState> loaded = TreeState::load(path);
    if (!loaded.ok() && loaded.error().code != ErrorCode::not_found && loaded.error().code != ErrorCode::parse)
        return loaded.error();
    report.present = loaded.ok() || loaded.error().code == ErrorCode::parse;
    if (!loaded.ok()) {
        if (report.present)
            report.differences.push_back("unreadable: " + loaded.error().message);
    } else {
        // A state behind the log is normal after a crash (the next command catches up): it is
        // compared once brought up to date, as the next command would see it.
        Result<uint64_t> caught_up = catch_up(loaded.value(), store_root);
        if (!caught_up.ok())
            report.differences.push_back(caught_up.error().message);
        else
            report.differences = state_differences(loaded.value(), replayed->model);
    }
    if (repair && report.present && !report.differences.empty()) {
        TreeState rebuilt = TreeState::from_model(replayed->model);
        rebuilt.set_seq(replayed->last_seq);
        SC_TRY(rebuilt.save(path));
        report.repaired = true;
    }
    return report;
}

}  // namespace sc::observe
