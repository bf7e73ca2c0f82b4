#pragma once
// The record of one session: `<project store>/sessions/<id>.info.json`, with the agent's raw
// output in `sessions/logs/<id>.log`, where Scopecraft keeps them and with Scopecraft's fields
// (sessionName, startTime, lastUpdated, taskId, parentId, logFile, status, type, pid,
// sessionHistory), so its UI still lists them; ours add what Scopecraft never recorded: the
// outcome, exit code or signal, end time, reason, worktree, the agent's own session id and the
// trace. The events (session:<id>) are the history; this file is the current state, rewritten
// whole (atomically) at each change.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace sc::sessions {

/// How a session ended (docs/sessions.md, "Outcomes").
enum class Outcome { success, failure, crashed, timed_out, interrupted };
std::string_view to_string(Outcome outcome);
bool parse_outcome(std::string_view text, Outcome& outcome);

/// How the agent runs: in the terminal (work), or autonomously in the foreground, detached
/// under a supervisor, or in a tmux window under a supervisor.
enum class Exec { interactive, foreground, detached, tmux };
std::string_view to_string(Exec exec);
bool parse_exec(std::string_view text, Exec& exec);

struct SessionRecord {
    std::string id;  // sessionName: `<exec>-<task>-<epoch ms>`
    std::string task_id;
    std::string parent_id;
    std::string env_id;
    Exec exec = Exec::foreground;
    std::string mode;
    std::string status = "queued";  // queued, running, completed, failed
    std::optional<Outcome> outcome;
    std::string reason;      // why it failed, in words
    std::string start_time;  // RFC 3339
    std::string last_updated;
    std::string end_time;
    int64_t duration_ms = 0;
    std::optional<int> exit_code;
    std::string signal;  // "SIGTERM"
    std::string log_file;
    std::string worktree;
    std::string branch;
    std::vector<std::string> agent_command;
    std::string agent_session_id;  // the agent's own (Claude Code's session_id)
    std::string resumed_from;      // our session id this one resumed
    int64_t agent_pid = 0;
    int64_t supervisor_pid = 0;
    std::string host;
    std::string trace_id;
    std::string traceparent;  // the context the supervisor continues (detached, tmux)
    int64_t timeout_ms = 0;

    /// Scopecraft's `type`: autonomous-task or interactive.
    [[nodiscard]] std::string type() const { return exec == Exec::interactive ? "interactive" : "autonomous-task"; }
    [[nodiscard]] nlohmann::ordered_json to_json() const;
    static Result<SessionRecord> from_json(const nlohmann::json& json, const std::string& origin);
};

/// `<store_dir>/sessions`.
std::string sessions_folder(const std::string& store_dir);
std::string record_path(const std::string& folder, const std::string& id);
std::string log_path(const std::string& folder, const std::string& id);

/// Writes the record whole (temporary file and rename), 0600 in a 0700 folder.
Status save_record(const std::string& folder, const SessionRecord& record);
/// ErrorCode::not_found naming the id when there is no such record.
Result<SessionRecord> load_record(const std::string& folder, const std::string& id);
/// Every record of the folder (unreadable ones skipped and returned as warnings).
std::vector<SessionRecord> load_records(const std::string& folder, std::vector<Error>* warnings = nullptr);

/// Session ids and task ids become file names: letters, digits, `-`, `_` and `.` only, not
/// starting with a dot.
bool is_safe_id(std::string_view id);

}  // namespace sc::sessions
