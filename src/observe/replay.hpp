#pragma once
// Rebuilding the task tree from events alone (docs/events.md, "Replay"): every task event's
// recorded file changes are applied in store order to an in-memory tree, optionally stopping
// at a moment in the past.

#include <cstdint>
#include <optional>
#include <string>

#include "observe/tree_model.hpp"
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

}  // namespace sc::observe
