#pragma once
// Sessions, observed end to end (docs/sessions.md): prepare (the task's environment, the
// prompt, the agent's command line, the record and SessionQueued, the environment's session
// lock), run (a span for the agent's whole life whose context the agent gets as TRACEPARENT,
// SessionStarted, SessionToolUsed as the stream reports tools, SessionCompleted with the
// outcome, the stream's tally and the agent's own telemetry through the bridge), hand a run to
// a supervisor process (detached, tmux), and finish sessions whose supervisor died.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config_file.hpp"
#include "observe/command_observer.hpp"
#include "observe/observed_environments.hpp"
#include "observe/observed_tasks.hpp"
#include "observe/session_events.hpp"
#include "sessions/agent.hpp"
#include "sessions/runner.hpp"
#include "sessions/session_lock.hpp"
#include "sessions/session_record.hpp"
#include "tasks/project.hpp"
#include "util/clock.hpp"
#include "util/environment.hpp"

namespace sc::observe {

struct SessionRequest {
    std::string task_id;  // empty: `sc work` in the current folder
    sessions::Exec exec = sessions::Exec::foreground;
    std::string mode = "auto";
    bool explicit_mode = false;
    int64_t timeout_ms = 0;
    int64_t grace_ms = 5000;
    std::string resume;  // a session id of ours to resume
    std::string base;
    std::string extra_prompt;  // `sc work TASK words...`
    bool dry_run = false;
};

struct PreparedSession {
    sessions::SessionRecord record;
    SessionLabels labels;
    std::string prompt;
    std::vector<std::string> argv;
    std::string cwd;
    sessions::SessionLock lock;
    bool ensured_environment = false;
};

struct SessionContext {
    tasks::ProjectPaths paths;
    ObservedTaskService* tasks = nullptr;
    ObservedEnvironments* environments = nullptr;  // null outside git (`sc work` without a task)
    CommandObserver* observer = nullptr;
    const Environment* environment = nullptr;
    const config::Values* config = nullptr;
    const Clock* clock = nullptr;
    std::function<void(const Error&)> warn;
};

class SessionService {
public:
    explicit SessionService(SessionContext context) : m_context(std::move(context)) {}

    [[nodiscard]] std::string folder() const { return sessions::sessions_folder(m_context.paths.store_dir); }

    /// Everything up to the agent's start. A second session in the same environment is
    /// refused (ErrorCode::conflict), and recorded as a failed session saying why.
    Result<PreparedSession> prepare(const SessionRequest& request);
    /// Runs the agent to its end in this process and records it; `echo` gets each line of its
    /// output (tmux shows it in the window).
    sessions::SessionRecord run(PreparedSession& prepared, const std::function<void(std::string_view)>& echo = {});
    /// Starts the supervisor (`sc sessions supervise ID`) that runs the agent with this
    /// process's trace as parent: detached in a new session, or in a tmux window. Returns the
    /// record with the supervisor's pid.
    Result<sessions::SessionRecord> hand_over(PreparedSession& prepared, const std::string& sc_path);
    /// For the supervisor: the prepared session of a queued record.
    Result<PreparedSession> resume_prepared(const std::string& session_id, int lock_fd);

    /// Sessions whose supervisor (this host) is gone without recording their end: their agent
    /// is stopped and they are recorded as crashed. Returns how many.
    int reap();

private:
    void append(store::NewEvent event);
    void fail_before_start(sessions::SessionRecord& record, const SessionLabels& labels, const std::string& reason);
    std::string now_text() const;
    sessions::AgentEnvironmentSpec agent_environment_spec(const sessions::SessionRecord& record) const;

    SessionContext m_context;
};

/// `30m`, `90s`, `2h`, `1500ms` or plain milliseconds.
Result<int64_t> parse_timeout(const std::string& text);

}  // namespace sc::observe
