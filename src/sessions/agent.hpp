#pragma once
// The agent a session runs and what it is given: the command (Claude Code's `claude` unless
// `SCOPECRAFT_AGENT` or `sessions.agent_command` says otherwise), its arguments for an
// interactive or an autonomous run, its prompt (built as Scopecraft builds it: the task, its
// parent and the mode file) and its environment (trace context, our OTLP receiver and the
// variables that make Claude Code export its metrics and log events).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config_file.hpp"
#include "util/environment.hpp"
#include "util/process.hpp"
#include "util/result.hpp"

namespace sc::sessions {

struct AgentCommand {
    std::vector<std::string> words;  // the program and any arguments given with it
    std::string origin;              // "SCOPECRAFT_AGENT", "<file>:<line>", or "default"
};

/// SCOPECRAFT_AGENT, else `sessions.agent_command`, else `claude`; split as a shell splits
/// words. ErrorCode::invalid_argument naming the origin for an empty or unbalanced value.
Result<AgentCommand> resolve_agent_command(const Environment& environment, const config::Values* config);

struct LaunchSpec {
    bool interactive = false;
    std::string agent_session_id;  // preset with --session-id (new runs)
    std::string resume;            // the agent's session id to resume (--resume)
    std::vector<std::string> allowed_tools;
    std::string prompt;  // interactive runs take it as their first message; autonomous on stdin
};

/// The agent's full argv, Claude Code's flags after the configured words: autonomous runs get
/// `--print --output-format stream-json --verbose`.
std::vector<std::string> agent_argv(const AgentCommand& command, const LaunchSpec& spec);

struct AgentEnvironmentSpec {
    std::string session_id;
    std::string task_id;
    std::string traceparent;
    std::string tracestate;
    /// Our OTLP/HTTP receiver (`http://127.0.0.1:4318`); empty: telemetry is off, the agent
    /// exports nothing.
    std::string otlp_endpoint;
    std::string otlp_token;           // telemetry.server.token, sent as a bearer header
    std::string resource_attributes;  // OTEL_RESOURCE_ATTRIBUTES already set, kept first
};

/// The variables set (or removed) in the agent's environment.
std::vector<process::EnvChange> agent_environment(const AgentEnvironmentSpec& spec);

/// The values the prompt's `{name}` placeholders take.
using PromptData = std::map<std::string, std::string>;

struct Prompt {
    std::string text;
    std::vector<std::string> allowed_tools;  // the mode file's `allowedTools`
    std::string mode_file;                   // empty: the built-in prompt
};

/// The mode file of `mode` under `<project_root>/.tasks/.modes/`, found as Scopecraft finds
/// it: `auto` -> orchestration/autonomous.md, `a/b` -> a/b.md, otherwise a search for
/// `<mode>.md` (none: `<mode>/base.md`; several: an error naming them). nullopt when there is
/// none; `explicit_mode` makes that an error listing the modes there are.
Result<std::optional<std::string>> find_mode_file(const std::string& project_root, const std::string& mode,
                                                  bool explicit_mode);

/// The prompt: the mode file with its placeholders filled, or the built-in one.
Result<Prompt> build_prompt(const std::optional<std::string>& mode_file, const PromptData& data);

}  // namespace sc::sessions
