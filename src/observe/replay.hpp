#pragma once
// Rebuilding the task tree from events alone (docs/events.md, "Replay"): every task event's
// recorded file changes are applied in store order to an in-memory tree, optionally stopping
// at a moment in the past.

#include <cstdint>
#include <optional>
#include <string>

#include "observe/tree_model.hpp"
#include "observe/tree_state.hpp"
#include "store/reader.hpp"
#include "util/result.hpp"

namespace sc::observe {

struct ReplayOptions {
    /// Only events recorded at or before this time (Unix nanoseconds).
    std::optional<int64_t> as_of;
};

struct ReplayResult {
    TreeModel model;
    uint64_t events_applied = 0;
    uint64_t last_seq = 0;
    int64_t last_time = 0;
    store::ReadStats stats;  // lines skipped as torn or corrupt
};

/// Replays the task events of the store at `store_root`. Fails (ErrorCode::conflict) naming
/// the event when one cannot be applied: the log and the history disagree.
Result<ReplayResult> replay_events(const std::string& store_root, const ReplayOptions& options);

/// Brings a task-tree state up to the log: applies the task events stored after state.seq()
/// with the rules replay applies (a command killed after recording its event and before saving
/// the state leaves such events). Costs a pread of the store's head and a stat when there are
/// none. ErrorCode::conflict when an event does not apply or the log ends before the state's
/// seq (the state describes another log): the caller rebuilds the state with replay. Returns
/// how many events were applied.
Result<uint64_t> catch_up(TreeState& state, const std::string& store_root);
/// The same through a reader kept between calls (a server session's, which keeps the head open).
Result<uint64_t> catch_up(TreeState& state, store::Reader& reader);

}  // namespace sc::observe
