#pragma once
// Running the agent to its end: spawned in its own process group (autonomous runs) so a
// timeout or an interrupt stops everything it started; its stream-json parsed line by line and
// written to the session log; SIGINT, SIGTERM and SIGHUP sent to this process passed on to
// the agent (then SIGKILL after a grace period); a log cap so a flood fills neither memory nor
// the disk. What happened is returned as an Outcome with its reason.

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sessions/session_record.hpp"
#include "sessions/stream_json.hpp"
#include "util/process.hpp"

namespace sc::sessions {

struct RunSpec {
    std::vector<std::string> argv;
    std::string cwd;
    std::vector<process::EnvChange> env;
    /// Attached to the terminal (`sc work`): the agent shares our stdin/stdout/stderr and
    /// process group; nothing is parsed. Otherwise the prompt goes on stdin.
    bool interactive = false;
    std::string input;
    std::string log_path;     // autonomous runs: stdout and stderr appended here
    int64_t timeout_ms = 0;   // 0: none
    int64_t grace_ms = 5000;  // SIGTERM, then SIGKILL after this long
    int64_t max_log_bytes = 64ll << 20;
    size_t max_line_bytes = 1u << 20;  // a longer line is counted bad and not parsed
};

struct RunCallbacks {
    std::function<void(pid_t)> started;
    std::function<void(const ToolUse&)> tool_finished;
    std::function<void(std::string_view line)> output;  // each stdout line, as written
};

struct RunOutcome {
    bool spawned = false;
    Outcome outcome = Outcome::failure;
    std::string reason;
    std::optional<int> exit_code;
    int signal = 0;  // the signal that ended the agent
    int64_t duration_ms = 0;
    StreamTally tally;
    std::vector<ToolUse> unfinished;
    int64_t log_bytes = 0;
    int64_t log_bytes_dropped = 0;
    std::string stderr_tail;  // the last line the agent wrote on stderr
};

RunOutcome run_agent(const RunSpec& spec, const RunCallbacks& callbacks);

/// "SIGTERM" for 15.
std::string signal_name(int signal);

}  // namespace sc::sessions
