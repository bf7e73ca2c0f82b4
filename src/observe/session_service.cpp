#include "observe/session_service.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <csignal>

#include "observe/session_bridge.hpp"
#include "store/reader.hpp"
#include "store/store.hpp"
#include "telemetry/api/telemetry.hpp"
#include "util/files.hpp"

namespace sc::observe {

namespace {

constexpr telemetry::Tracer k_tracer {"scopecraft.sessions", "0.1.0"};
constexpr telemetry::Counter<int64_t> k_sessions {"scopecraft.sessions", "scopecraft.sessions", "{session}",
                                                  "Agent sessions ended, by outcome and exec"};
constexpr std::array<double, 10> k_duration_buckets {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600};
constexpr telemetry::Histogram<double> k_duration {"scopecraft.sessions", "scopecraft.session.duration", "s",
                                                   "How long agent sessions last", k_duration_buckets};
constexpr telemetry::Counter<int64_t> k_tokens {"scopecraft.sessions", "scopecraft.session.tokens", "{token}",
                                                "Tokens agent sessions used, by type"};
constexpr telemetry::Counter<double> k_cost {"scopecraft.sessions", "scopecraft.session.cost", "USD",
                                             "What agent sessions cost, where the agent reports it"};
constexpr telemetry::Counter<int64_t> k_tool_uses {"scopecraft.sessions", "scopecraft.session.tool_uses", "{use}",
                                                   "Tool uses of agent sessions, by tool and outcome"};

std::string traceparent_of(const telemetry::SpanContext& context) {
    if (!context.is_valid())
        return "";
    return "00-" + telemetry::to_hex(context.trace_id) + "-" + telemetry::to_hex(context.span_id) +
           (context.is_sampled() ? "-01" : "-00");
}

std::string host_name() {
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0)
        return "";
    return buffer;
}

std::string prompt_path(const std::string& folder, const std::string& id) {
    return folder + "/prompts/" + id + ".md";
}

std::string field_or(const tasks::TaskRecord& record, const char* key) {
    return record.document.field(key).value_or("");
}

}  // namespace

Result<int64_t> parse_timeout(const std::string& text) {
    int64_t ms = 0;
    if (!config::parse_duration_ms(text, ms) || ms <= 0)
        return make_error(ErrorCode::invalid_argument, "--timeout " + text + " is not a duration",
                          "give milliseconds or a number with a unit: 90s, 30m, 2h");
    return ms;
}

std::string SessionService::now_text() const {
    return format_rfc3339_nanos(m_context.clock->now_unix_nanos());
}

void SessionService::append(store::NewEvent event) {
    if (m_context.observer == nullptr)
        return;
    std::vector<store::NewEvent> events;
    events.push_back(std::move(event));
    m_context.observer->append(std::move(events));
}

void SessionService::fail_before_start(sessions::SessionRecord& record, const SessionLabels& labels,
                                       const std::string& reason) {
    record.status = "failed";
    record.outcome = sessions::Outcome::failure;
    record.reason = reason;
    record.end_time = record.last_updated = now_text();
    if (Status saved = sessions::save_record(folder(), record); !saved.ok() && m_context.warn)
        m_context.warn(saved.error());
    append(make_session_queued(record, labels));
    sessions::RunOutcome run;
    run.outcome = sessions::Outcome::failure;
    run.reason = reason;
    append(make_session_completed(record, labels, run, {}));
    k_sessions.add(
        1, {{"scopecraft.session.outcome", "failure"}, {"scopecraft.session.exec", sessions::to_string(record.exec)}});
}

Result<PreparedSession> SessionService::prepare(const SessionRequest& request) {
    PreparedSession prepared;
    sessions::SessionRecord& record = prepared.record;
    std::string task_id = request.task_id;
    std::string resume_agent;
    if (!request.resume.empty()) {
        sessions::SessionRecord previous = SC_TRY(sessions::load_record(folder(), request.resume));
        if (task_id.empty())
            task_id = previous.task_id;
        resume_agent = previous.agent_session_id;
        if (resume_agent.empty())
            return make_error(ErrorCode::not_found,
                              "the session " + request.resume +
                                  " never reported the agent's own session id, so it "
                                  "cannot be resumed",
                              "start a new session with `sc dispatch " + previous.task_id + "`");
        record.resumed_from = request.resume;
    }
    sessions::PromptData data;
    prepared.cwd = m_context.paths.project_root;
    if (!task_id.empty()) {
        TaskEnvironmentId id = SC_TRY(environment_id_of(*m_context.tasks, task_id));
        tasks::TaskRecord task = SC_TRY(m_context.tasks->get(id.task_id));
        record.task_id = id.task_id;
        record.parent_id = id.parent_id;
        record.env_id = id.env_id;
        prepared.labels.task_type = field_or(task, "type");
        prepared.labels.area = field_or(task, "area");
        data["taskId"] = id.task_id;
        data["taskTitle"] = task.document.title();
        data["taskInstruction"] = task.document.section("instruction");
        if (!id.parent_id.empty()) {
            data["parentId"] = id.parent_id;
            if (Result<tasks::TaskRecord> parent = m_context.tasks->get(id.parent_id); parent.ok()) {
                data["parentTitle"] = parent->document.title();
                data["parentInstruction"] = parent->document.section("instruction");
            }
        }
        if (m_context.environments == nullptr)
            return make_error(ErrorCode::not_found, m_context.paths.main_root + " is not in a git repository",
                              "sessions on a task run in its git worktree: run `git init` and commit once");
        if (request.dry_run) {
            prepared.cwd = m_context.environments->environments().path_for(id.env_id);
            record.branch = worktree::Environments::branch_for(id.env_id);
        } else {
            worktree::EnsureResult ensured = SC_TRY(m_context.environments->ensure(id, request.base));
            prepared.cwd = ensured.environment.path;
            record.branch = ensured.environment.branch;
            prepared.ensured_environment = true;
        }
    }
    data["additionalInstructions"] = request.extra_prompt;
    std::optional<std::string> mode_file =
        SC_TRY(sessions::find_mode_file(m_context.paths.project_root, request.mode, request.explicit_mode));
    sessions::Prompt prompt = SC_TRY(sessions::build_prompt(mode_file, data));
    prepared.prompt = prompt.text;
    sessions::AgentCommand agent = SC_TRY(sessions::resolve_agent_command(*m_context.environment, m_context.config));

    int64_t now = m_context.clock->now_unix_nanos();
    record.exec = request.exec;
    record.mode = request.mode;
    record.worktree = prepared.cwd;
    record.timeout_ms = request.timeout_ms;
    record.host = host_name();
    record.start_time = record.last_updated = format_rfc3339_nanos(now);
    std::string base_id = std::string(sessions::to_string(request.exec)) + "-" +
                          (record.task_id.empty() ? std::string("none") : record.task_id) + "-" +
                          std::to_string(now / 1000000);
    record.id = base_id;
    for (int n = 2; files::exists(sessions::record_path(folder(), record.id)); ++n)
        record.id = base_id + "-" + std::to_string(n);
    record.log_file = request.exec == sessions::Exec::interactive ? "" : sessions::log_path(folder(), record.id);
    record.agent_session_id = resume_agent.empty() ? store::make_uuid_v7(now) : resume_agent;
    sessions::LaunchSpec launch;
    launch.interactive = request.exec == sessions::Exec::interactive;
    launch.resume = resume_agent;
    launch.agent_session_id = resume_agent.empty() ? record.agent_session_id : "";
    launch.allowed_tools = prompt.allowed_tools;
    launch.prompt = prompt.text;
    prepared.argv = sessions::agent_argv(agent, launch);
    record.agent_command = prepared.argv;
    if (!launch.interactive && !prepared.argv.empty())
        record.agent_command = prepared.argv;  // the prompt goes on stdin, not in argv
    const telemetry::SpanContext& context = telemetry::current_context();
    if (context.is_valid())
        record.trace_id = telemetry::to_hex(context.trace_id);
    if (request.dry_run)
        return prepared;

    if (!record.env_id.empty()) {
        std::string holder;
        Result<sessions::SessionLock> lock =
            sessions::SessionLock::try_acquire(folder(), record.env_id, record.id, &holder);
        if (!lock.ok()) {
            std::string reason =
                lock.error().code == ErrorCode::conflict
                    ? "another session (" + holder + ") is running in the environment of " + record.env_id
                    : lock.error().message;
            fail_before_start(record, prepared.labels, reason);
            Error error = lock.error();
            error.message = "cannot start a session on " + record.task_id + ": " + reason;
            return error;
        }
        prepared.lock = std::move(lock.value());
    }
    SC_TRY(sessions::save_record(folder(), record));
    SC_TRY(files::make_directories(folder() + "/prompts", 0700));
    SC_TRY(files::write_atomic(prompt_path(folder(), record.id), prepared.prompt, files::Durability::none, 0600));
    append(make_session_queued(record, prepared.labels));
    return prepared;
}

sessions::AgentEnvironmentSpec SessionService::agent_environment_spec(const sessions::SessionRecord& record) const {
    sessions::AgentEnvironmentSpec spec;
    spec.session_id = record.id;
    spec.task_id = record.task_id;
    const telemetry::SpanContext& context = telemetry::current_context();
    spec.traceparent = traceparent_of(context);
    spec.tracestate = context.trace_state;
    bool telemetry_on = m_context.observer != nullptr && m_context.observer->enabled();
    auto config_value = [&](const char* key) -> std::string {
        if (m_context.config == nullptr)
            return "";
        auto found = m_context.config->find(key);
        return found == m_context.config->end() ? std::string() : found->second.text;
    };
    if (telemetry_on && config_value("sessions.agent_telemetry") != "false") {
        std::string endpoint = config_value("sessions.agent_otlp_endpoint");
        if (endpoint.empty()) {
            std::string host = config_value("telemetry.server.host");
            std::string port = config_value("telemetry.server.port");
            endpoint = "http://" + (host.empty() || host == "0.0.0.0" ? std::string("127.0.0.1") : host) + ":" +
                       (port.empty() ? std::string("4318") : port);
        }
        spec.otlp_endpoint = endpoint;
        spec.otlp_token = config_value("telemetry.server.token");
        spec.resource_attributes = m_context.environment->get("OTEL_RESOURCE_ATTRIBUTES").value_or("");
    }
    return spec;
}

sessions::SessionRecord SessionService::run(PreparedSession& prepared,
                                            const std::function<void(std::string_view)>& echo) {
    sessions::SessionRecord& record = prepared.record;
    std::string agent_name = record.agent_command.empty() ? "agent" : record.agent_command[0];
    agent_name = agent_name.substr(agent_name.find_last_of('/') + 1);
    telemetry::Span span = k_tracer.start_span("invoke_agent " + agent_name);
    telemetry::Scope scope = span.activate();
    span.set_attribute("gen_ai.operation.name", "invoke_agent");
    span.set_attribute("gen_ai.agent.name", std::string_view(agent_name));
    span.set_attribute("scopecraft.session.id", std::string_view(record.id));
    span.set_attribute("scopecraft.session.exec", sessions::to_string(record.exec));
    if (!record.task_id.empty())
        span.set_attribute("scopecraft.task.id", std::string_view(record.task_id));
    if (span.context().is_valid())
        record.trace_id = telemetry::to_hex(span.context().trace_id);
    int64_t started_at = m_context.clock->now_unix_nanos();

    sessions::RunSpec spec;
    spec.argv = prepared.argv;
    spec.cwd = prepared.cwd;
    spec.env = sessions::agent_environment(agent_environment_spec(record));
    spec.interactive = record.exec == sessions::Exec::interactive;
    spec.input = spec.interactive ? std::string() : prepared.prompt;
    spec.log_path = record.log_file;
    spec.timeout_ms = record.timeout_ms;
    if (m_context.config != nullptr)
        if (auto found = m_context.config->find("sessions.max_log_bytes"); found != m_context.config->end()) {
            int64_t limit = 0;
            if (config::parse_integer(found->second.text, limit) && limit > 0)
                spec.max_log_bytes = limit;
            else if (m_context.warn)
                m_context.warn(make_error(ErrorCode::invalid_argument,
                                          "sessions.max_log_bytes " + found->second.text + " is not a size in bytes",
                                          Location {found->second.file, found->second.line, "sessions.max_log_bytes"},
                                          "give a whole number of bytes"));
        }
    if (auto grace = m_context.environment->get("SCOPECRAFT_AGENT_GRACE_MS"))
        spec.grace_ms = std::max<int64_t>(0, std::atoll(grace->c_str()));
    sessions::RunCallbacks callbacks;
    callbacks.started = [&](pid_t pid) {
        record.agent_pid = pid;
        if (record.supervisor_pid == 0)
            record.supervisor_pid = ::getpid();
        record.status = "running";
        record.last_updated = now_text();
        (void)sessions::save_record(folder(), record);
        append(make_session_started(record));
    };
    callbacks.tool_finished = [&](const sessions::ToolUse& use) {
        append(make_session_tool_used(record, use, "stream"));
        k_tool_uses.add(
            1, {{"gen_ai.tool.name", std::string_view(use.name)}, {"scopecraft.outcome", use.failed ? "error" : "ok"}});
    };
    callbacks.output = echo;
    sessions::RunOutcome outcome = sessions::run_agent(spec, callbacks);

    // The agent's own telemetry, as far as it reached the store.
    TelemetryTotals totals;
    if (m_context.observer != nullptr && m_context.observer->enabled() && !m_context.observer->store_root().empty()) {
        Result<BridgeResult> bridged = bridge_session(
            m_context.observer->store_root(), record.id,
            outcome.tally.agent_session_id.empty() ? record.agent_session_id : outcome.tally.agent_session_id,
            started_at);
        if (bridged.ok()) {
            totals = bridged->totals;
            if (outcome.tally.lines == 0)
                for (const BridgedToolUse& use : bridged->tool_uses) {
                    sessions::ToolUse tool {use.tool_use_id, use.tool, true, !use.success};
                    append(make_session_tool_used(record, tool, "otlp", use.duration_ms));
                    ++outcome.tally.tool_counts[use.tool];
                }
        } else if (m_context.warn) {
            m_context.warn(bridged.error());
        }
    }
    if (!outcome.tally.agent_session_id.empty())
        record.agent_session_id = outcome.tally.agent_session_id;
    record.status = outcome.outcome == sessions::Outcome::success ? "completed" : "failed";
    record.outcome = outcome.outcome;
    record.reason = outcome.reason;
    record.exit_code = outcome.exit_code;
    record.signal = outcome.signal != 0 ? sessions::signal_name(outcome.signal) : "";
    record.duration_ms = outcome.duration_ms;
    record.end_time = record.last_updated = now_text();
    if (Status saved = sessions::save_record(folder(), record); !saved.ok() && m_context.warn)
        m_context.warn(saved.error());
    (void)::unlink(prompt_path(folder(), record.id).c_str());
    append(make_session_completed(record, prepared.labels, outcome, totals));

    std::string_view outcome_name = sessions::to_string(outcome.outcome);
    span.set_attribute("scopecraft.session.outcome", outcome_name);
    if (outcome.exit_code)
        span.set_attribute("process.exit.code", static_cast<int64_t>(*outcome.exit_code));
    if (!record.agent_session_id.empty())
        span.set_attribute("gen_ai.conversation.id", std::string_view(record.agent_session_id));
    const sessions::Tokens& tokens = outcome.tally.lines > 0 ? outcome.tally.tokens : totals.tokens;
    span.set_attribute("gen_ai.usage.input_tokens", tokens.input);
    span.set_attribute("gen_ai.usage.output_tokens", tokens.output);
    if (!outcome.tally.model.empty())
        span.set_attribute("gen_ai.request.model", std::string_view(outcome.tally.model));
    if (outcome.outcome != sessions::Outcome::success)
        span.set_error(outcome_name, outcome.reason);
    const telemetry::Attribute labels[] = {{"scopecraft.session.outcome", outcome_name},
                                           {"scopecraft.session.exec", sessions::to_string(record.exec)}};
    k_sessions.add(1, std::span<const telemetry::Attribute>(labels));
    k_duration.record(static_cast<double>(outcome.duration_ms) / 1000.0, std::span<const telemetry::Attribute>(labels));
    k_tokens.add(tokens.input, {{"gen_ai.token.type", "input"}});
    k_tokens.add(tokens.output, {{"gen_ai.token.type", "output"}});
    if (auto cost = outcome.tally.cost_usd ? outcome.tally.cost_usd : totals.cost_usd)
        k_cost.add(*cost);
    return record;
}

Result<sessions::SessionRecord> SessionService::hand_over(PreparedSession& prepared, const std::string& sc_path) {
    sessions::SessionRecord& record = prepared.record;
    std::string traceparent = traceparent_of(telemetry::current_context());
    if (record.exec == sessions::Exec::tmux) {
        // tmux starts the supervisor itself, so the lock cannot be passed on: the supervisor
        // takes it again (a dispatch slipping in between is refused there, and recorded).
        prepared.lock = sessions::SessionLock();
        std::string command = "exec " + process::shell_quote(sc_path) + " sessions supervise " +
                              process::shell_quote(record.id) + " --echo";
        std::string window = "sc-" + (record.task_id.empty() ? record.id : record.task_id);
        process::SpawnOptions has;
        has.argv = {"tmux", "has-session", "-t", "scopecraft"};
        Result<process::Captured> exists = process::run(has);
        if (!exists.ok())
            return make_error(ErrorCode::not_found, "tmux is not installed (or not in PATH)",
                              "install tmux, or dispatch with --exec detached");
        process::SpawnOptions start;
        start.cwd = prepared.cwd;
        start.env = {{"TRACEPARENT", traceparent.empty() ? std::nullopt : std::optional(traceparent)}};
        if (exists->exit.code == 0)
            start.argv = {"tmux", "new-window", "-d", "-t", "scopecraft", "-n", window, "-c", prepared.cwd, command};
        else
            start.argv = {"tmux", "new-session", "-d", "-s", "scopecraft", "-n", window, "-c", prepared.cwd, command};
        process::Captured started = SC_TRY(process::run(start));
        if (started.exit.code != 0) {
            fail_before_start(record, prepared.labels, "tmux refused the window: " + started.err);
            return make_error(ErrorCode::conflict, "tmux refused the window: " + started.err);
        }
        return record;
    }
    process::SpawnOptions options;
    options.argv = {sc_path, "sessions", "supervise", record.id, "--lock-fd", std::to_string(prepared.lock.fd())};
    options.cwd = m_context.paths.project_root;
    options.env = {{"TRACEPARENT", traceparent.empty() ? std::nullopt : std::optional(traceparent)},
                   {"TRACESTATE", std::nullopt}};
    options.in = process::Stdio::null;
    options.out = process::Stdio::file;
    options.err = process::Stdio::file;
    options.out_file = options.err_file = record.log_file;
    options.new_session = true;  // no terminal: the starter's exit or hang-up does not reach it
    options.keep_fds = {prepared.lock.fd()};
    process::Child child = SC_TRY(process::spawn(options));
    record.supervisor_pid = child.pid;
    record.last_updated = now_text();
    SC_TRY(sessions::save_record(folder(), record));
    // Not waited for: it outlives us, and init adopts it when we exit.
    return record;
}

Result<PreparedSession> SessionService::resume_prepared(const std::string& session_id, int lock_fd) {
    PreparedSession prepared;
    prepared.record = SC_TRY(sessions::load_record(folder(), session_id));
    sessions::SessionRecord& record = prepared.record;
    if (record.status != "queued")
        return make_error(ErrorCode::conflict, "the session " + session_id + " is " + record.status + ", not queued",
                          "a supervisor runs a session once");
    if (lock_fd >= 0) {
        ::fcntl(lock_fd, F_SETFD, FD_CLOEXEC);
        prepared.lock = sessions::SessionLock::adopt(lock_fd);
    } else if (!record.env_id.empty()) {
        std::string holder;
        Result<sessions::SessionLock> lock =
            sessions::SessionLock::try_acquire(folder(), record.env_id, record.id, &holder);
        if (!lock.ok()) {
            sessions::RunOutcome run;
            run.reason = "another session (" + holder + ") is running in the environment of " + record.env_id;
            record.status = "failed";
            record.outcome = sessions::Outcome::failure;
            record.reason = run.reason;
            (void)sessions::save_record(folder(), record);
            append(make_session_completed(record, prepared.labels, run, {}));
            return lock.error();
        }
        prepared.lock = std::move(lock.value());
    }
    Result<std::string> prompt = files::read(prompt_path(folder(), session_id));
    prepared.prompt = prompt.ok() ? prompt.value() : std::string();
    prepared.argv = record.agent_command;
    prepared.cwd = record.worktree.empty() ? m_context.paths.project_root : record.worktree;
    if (!record.task_id.empty())
        if (Result<tasks::TaskRecord> task = m_context.tasks->get(record.task_id); task.ok()) {
            prepared.labels.task_type = field_or(task.value(), "type");
            prepared.labels.area = field_or(task.value(), "area");
        }
    record.supervisor_pid = ::getpid();
    return prepared;
}

int SessionService::reap() {
    int reaped = 0;
    std::string host = host_name();
    for (sessions::SessionRecord& record : sessions::load_records(folder())) {
        if ((record.status != "running" && record.status != "queued") || record.supervisor_pid <= 0 ||
            record.host != host)
            continue;
        // The supervisor holds the environment's session lock until it dies, however it
        // dies: a lock we can take means it is gone (a pid may be a zombie nobody reaps, or
        // reused). Without an environment, the pid is all there is.
        sessions::SessionLock lock;
        if (!record.env_id.empty()) {
            Result<sessions::SessionLock> taken =
                sessions::SessionLock::try_acquire(folder(), record.env_id, record.id + " (reaping)");
            if (!taken.ok())
                continue;
            lock = std::move(taken.value());
            // Taken between a starter's check and its supervisor's start? Not for a record
            // that names a supervisor: that one inherits the lock before the record says so.
        } else if (process::alive(static_cast<pid_t>(record.supervisor_pid))) {
            continue;
        }
        // The supervisor is gone: stop what it left running, record the end once.
        if (record.agent_pid > 0 && process::alive(-static_cast<pid_t>(record.agent_pid)))
            ::kill(-static_cast<pid_t>(record.agent_pid), SIGKILL);
        sessions::RunOutcome run;
        run.outcome = sessions::Outcome::crashed;
        run.reason = "the supervisor (pid " + std::to_string(record.supervisor_pid) +
                     ") ended before the agent did; the agent was stopped";
        uint64_t version = 0;
        if (m_context.observer != nullptr && m_context.observer->enabled()) {
            store::Reader reader(m_context.observer->store_root());
            (void)reader.read_stream(stream_for_session(record.id), 1, [&](const store::EventView& event) {
                version = event.version;
                return true;
            });
        }
        record.status = "failed";
        record.outcome = sessions::Outcome::crashed;
        record.reason = run.reason;
        record.end_time = record.last_updated = now_text();
        (void)sessions::save_record(folder(), record);
        SessionLabels labels;
        store::NewEvent event = make_session_completed(record, labels, run, {});
        if (version > 0)
            event.expected_version = version;  // two commands reaping at once: one records it
        append(std::move(event));
        ++reaped;
    }
    return reaped;
}

}  // namespace sc::observe
