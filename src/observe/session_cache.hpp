#pragma once
// The ended sessions, kept as derived data (`<telemetry>/projections/sessions.state`) so that
// `sc sessions stats` over tens of thousands of sessions reads a compact file plus the events
// appended since, instead of the whole log: a journal of one line per SessionCompleted event
// and `S <seq>` after each batch, like the task-tree state (docs/events.md). Deleting it loses
// nothing; it is rebuilt from the events, and a file that does not match the log (a replaced
// store) is rebuilt too.

#include <string>

#include "observe/session_stats.hpp"
#include "util/result.hpp"

namespace sc::observe {

/// The statistics (session_stats.hpp) of the ended sessions that pass `filter`, in the order
/// they ended, from the journal brought up to the log.
Result<nlohmann::ordered_json> ended_session_stats(const std::string& store_root, const SessionFilter& filter);

}  // namespace sc::observe
