// End-to-end: agent sessions (`sc dispatch`, `sc work`, `sc sessions`) with a stand-in agent
// (tests/stand-in-agent/stand_in_agent.py) that behaves like Claude Code: stream-json on stdout,
// OTLP metrics and log events in Claude Code's names, `sc` calls of its own, and every way of
// ending (success, failure, crash, hang, flood). Each test checks the events, the record, the
// spans and the process table.

#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "e2e/sandbox.hpp"
#include "e2e/server_process.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const std::string k_agent = std::string(SC_SOURCE_DIR) + "/tests/stand-in-agent/stand_in_agent.py";

class Sessions : public ::testing::Test {
protected:
    void SetUp() override {
        if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
            GTEST_SKIP() << "sessions are recorded as events: this sc was built with -DSC_TELEMETRY=OFF";
        m_store = m_sandbox.root() + "/telemetry";
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_store);
        m_sandbox.set_env("SCOPECRAFT_AGENT", k_agent);
        m_sandbox.set_env("STANDIN_SC", SC_BINARY);
        m_sandbox.set_env("STANDIN_RECORD", m_sandbox.root() + "/agent.json");
        m_sandbox.set_env("SCOPECRAFT_AGENT_GRACE_MS", "300");
        ASSERT_EQ(
            m_sandbox.run({"git", "-C", m_sandbox.project(), "commit", "-q", "--allow-empty", "-m", "init"}).exit_code,
            0);
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
        m_task = m_sandbox
                     .sc({"task", "create", "--title", "Add login page", "--type", "feature", "--area", "auth",
                          "--content", "Build the form.", "--format", "json"})
                     .json()["metadata"]["id"];
    }
    RunResult ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << "sc " << arguments.front() << ": " << result.err;
        return result;
    }
    Json events(const std::string& type = {}) {
        std::vector<std::string> args = {"events", "list", "--format", "json"};
        if (!type.empty())
            args.insert(args.end(), {"--type", type});
        return ok(args).json();
    }
    Json completed(const std::string& session) {
        for (const Json& event : events("SessionCompleted"))
            if (event["stream"] == "session:" + session)
                return event;
        ADD_FAILURE() << "no SessionCompleted for " << session;
        return Json();
    }
    Json agent_saw() { return Json::parse(m_sandbox.read(m_sandbox.root() + "/agent.json")); }
    std::string session_of(const RunResult& result) { return result.json()["sessionName"]; }
    // Whether a process is still running (a zombie is not).
    bool running(int pid) {
        RunResult state = m_sandbox.run({"ps", "-o", "stat=", "-p", std::to_string(pid)});
        return state.exit_code == 0 && !state.out.empty() && state.out[0] != 'Z';
    }
    // The stand-in's pid and its grandchild's, once it wrote them.
    std::pair<int, int> hung_pids() {
        std::string path = m_sandbox.root() + "/pids";
        for (int i = 0; i < 200 && (!fs::exists(path) || fs::file_size(path) == 0); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        int agent = 0, child = 0;
        std::sscanf(m_sandbox.read(path).c_str(), "%d %d", &agent, &child);
        return {agent, child};
    }
    Json wait_for_state(const std::string& session, const std::string& state) {
        for (int i = 0; i < 300; ++i) {
            RunResult shown = m_sandbox.sc({"sessions", "show", session, "--format", "json"});
            if (shown.exit_code == 0 && shown.json()["state"] == state)
                return shown.json();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ADD_FAILURE() << session << " never became " << state;
        return Json();
    }
    std::string worktree() const { return m_sandbox.root() + "/project-task-" + m_task; }

    Sandbox m_sandbox;
    std::string m_store;
    std::string m_task;
};

TEST_F(Sessions, ASuccessfulDispatchIsRecordedFromQueuedToCompletedWithTheStreamsCounts) {
    RunResult ran = ok({"dispatch", m_task, "--exec", "foreground", "--format", "json"});
    std::string id = session_of(ran);
    EXPECT_EQ(id.rfind("foreground-" + m_task + "-", 0), 0U) << id;
    // The events of the session's stream, in order.
    auto stream = ok({"events", "list", "--stream", "session:" + id, "--format", "json"}).json();
    ASSERT_EQ(stream.size(), 5U);
    EXPECT_EQ(stream[0]["type"], "SessionQueued");
    EXPECT_EQ(stream[1]["type"], "SessionStarted");
    EXPECT_EQ(stream[2]["type"], "SessionToolUsed");
    EXPECT_EQ(stream[2]["data"]["tool"], "Bash");
    EXPECT_EQ(stream[2]["data"]["success"], true);
    EXPECT_EQ(stream[3]["data"]["tool"], "Read");
    EXPECT_EQ(stream[3]["data"]["success"], false);
    EXPECT_EQ(stream[3]["data"]["source"], "stream");
    const Json& done = stream[4]["data"];
    EXPECT_EQ(stream[4]["type"], "SessionCompleted");
    EXPECT_EQ(done["outcome"], "success");
    EXPECT_EQ(done["exitCode"], 0);
    EXPECT_EQ(done["signal"], nullptr);
    EXPECT_EQ(done["turns"], 3);
    EXPECT_EQ(done["toolsUsed"], 2);
    EXPECT_EQ(done["toolsFailed"], 1);
    EXPECT_EQ(done["tools"], Json({{"Bash", 1}, {"Read", 1}}));
    EXPECT_EQ(done["tokens"], Json({{"input", 120}, {"output", 30}, {"cacheRead", 7}, {"cacheCreation", 0}}));
    EXPECT_EQ(done["costUsd"], 0.0123);
    EXPECT_EQ(done["model"], "claude-standin-1");
    EXPECT_EQ(done["taskType"], "feature");
    EXPECT_EQ(done["area"], "auth");
    EXPECT_EQ(done["stream"]["badLines"], 1);  // "not json at all", skipped and counted
    EXPECT_EQ(done["sources"]["tools"], "stream");
    // The agent got Claude Code's flags, the prompt on stdin, and its environment.
    Json saw = agent_saw();
    EXPECT_EQ(saw["cwd"], worktree());
    std::vector<std::string> argv = saw["argv"];
    ASSERT_GE(argv.size(), 6U);
    EXPECT_EQ(std::vector<std::string>(argv.begin(), argv.begin() + 5),
              (std::vector<std::string> {"--print", "--output-format", "stream-json", "--verbose", "--session-id"}));
    EXPECT_EQ(argv[5], done["agentSessionId"]);
    EXPECT_NE(saw["stdin"].get<std::string>().find("Add login page"), std::string::npos);
    EXPECT_NE(saw["stdin"].get<std::string>().find("Build the form."), std::string::npos);
    EXPECT_EQ(saw["env"]["SCOPECRAFT_SESSION"], id);
    EXPECT_EQ(saw["env"]["SCOPECRAFT_TASK"], m_task);
    EXPECT_EQ(saw["env"]["CLAUDE_CODE_ENABLE_TELEMETRY"], "1");
    EXPECT_EQ(saw["env"]["OTEL_EXPORTER_OTLP_ENDPOINT"], "http://127.0.0.1:4318");
    EXPECT_EQ(saw["env"]["OTEL_EXPORTER_OTLP_PROTOCOL"], "http/json");
    EXPECT_EQ(saw["env"]["OTEL_METRICS_EXPORTER"], "otlp");
    EXPECT_EQ(saw["env"]["OTEL_LOGS_EXPORTER"], "otlp");
    EXPECT_EQ(saw["env"]["OTEL_RESOURCE_ATTRIBUTES"], "scopecraft.session.id=" + id + ",scopecraft.task.id=" + m_task);
    // The record, where Scopecraft keeps them, with Scopecraft's fields.
    std::string folder = fs::path(m_sandbox.tasks_root()).parent_path().string() + "/sessions";
    Json record = Json::parse(m_sandbox.read(folder + "/" + id + ".info.json"));
    EXPECT_EQ(record["sessionName"], id);
    EXPECT_EQ(record["taskId"], m_task);
    EXPECT_EQ(record["status"], "completed");
    EXPECT_EQ(record["type"], "autonomous-task");
    EXPECT_EQ(record["outcome"], "success");
    EXPECT_EQ(record["logFile"], folder + "/logs/" + id + ".log");
    EXPECT_EQ(record["worktree"], worktree());
    EXPECT_EQ(record["sessionHistory"][0]["sessionId"], done["agentSessionId"]);
    std::string log = m_sandbox.read(folder + "/logs/" + id + ".log");
    EXPECT_EQ(log.rfind("{\"type\": \"system\"", 0), 0U) << log.substr(0, 80);
}

TEST_F(Sessions, OneTraceFromDispatchThroughTheWorktreeAndTheAgentToItsOwnScCalls) {
    m_sandbox.set_env("STANDIN_CALL_SC", "1");
    std::string id = session_of(ok({"dispatch", m_task, "--exec", "foreground", "--format", "json"}));
    Json done = completed(id);
    std::string trace = done["meta"]["trace_id"];
    auto spans = ok({"traces", "show", trace, "--format", "json"}).json()["spans"];
    std::map<std::string, Json> by_name;
    for (const Json& span : spans)
        by_name.emplace(span["name"].get<std::string>(), span);
    ASSERT_TRUE(by_name.count("sc dispatch")) << spans.dump();
    const Json& root = by_name["sc dispatch"];
    const Json& ensure = by_name["worktree.ensure"];
    const Json& add = by_name["git worktree add"];
    const Json& agent = by_name["invoke_agent stand_in_agent.py"];
    const Json& log = by_name["sc task log"];
    const Json& operation = by_name["task.log"];
    EXPECT_EQ(root["parent_span_id"], nullptr);
    EXPECT_EQ(ensure["parent_span_id"], root["span_id"]);
    EXPECT_EQ(add["parent_span_id"], ensure["span_id"]);
    EXPECT_EQ(add["attributes"]["vcs.ref.head.name"], "task/" + m_task);
    EXPECT_EQ(agent["parent_span_id"], root["span_id"]);
    EXPECT_EQ(agent["attributes"]["scopecraft.session.id"], id);
    EXPECT_EQ(agent["attributes"]["scopecraft.session.outcome"], "success");
    EXPECT_EQ(agent["attributes"]["gen_ai.operation.name"], "invoke_agent");
    EXPECT_EQ(agent["attributes"]["gen_ai.conversation.id"], done["data"]["agentSessionId"]);
    EXPECT_EQ(agent["attributes"]["gen_ai.usage.input_tokens"], 120);
    // The agent's own `sc` call joined through TRACEPARENT, under the session's span.
    EXPECT_EQ(log["parent_span_id"], agent["span_id"]);
    EXPECT_EQ(operation["parent_span_id"], log["span_id"]);
    EXPECT_EQ(agent_saw()["env"]["TRACEPARENT"], "00-" + trace + "-" + agent["span_id"].get<std::string>() + "-01");
    // Every event of the dispatch carries the trace.
    for (const Json& event : events()) {
        if (event["stream"] == "session:" + id || event["type"] == "TaskLogAppended" ||
            event["stream"] == "worktree:" + m_task) {
            EXPECT_EQ(event["meta"]["trace_id"], trace) << event.dump();
        }
    }
}

TEST_F(Sessions, FailureCrashAndAnErrorResultEachGetTheirOutcomeExitCodeAndReason) {
    m_sandbox.set_env("STANDIN_BEHAVIOUR", "failure");
    m_sandbox.set_env("STANDIN_EXIT", "3");
    RunResult failed = m_sandbox.sc({"dispatch", m_task, "--exec", "foreground", "--format", "json"});
    EXPECT_EQ(failed.exit_code, 1);
    std::string id = session_of(failed);
    EXPECT_EQ(failed.err, "sc: error: the session " + id +
                              " ended in failure: the agent exited with code 3: error_during_execution: the tests do "
                              "not pass\nsc: hint: see `sc sessions show " +
                              id + "` and its log\n");
    Json done = completed(id)["data"];
    EXPECT_EQ(done["outcome"], "failure");
    EXPECT_EQ(done["exitCode"], 3);

    m_sandbox.set_env("STANDIN_BEHAVIOUR", "crash");
    RunResult crashed = m_sandbox.sc({"dispatch", m_task, "--exec", "foreground", "--format", "json"});
    EXPECT_EQ(crashed.exit_code, 1);
    done = completed(session_of(crashed))["data"];
    EXPECT_EQ(done["outcome"], "crashed");
    EXPECT_EQ(done["exitCode"], nullptr);
    EXPECT_EQ(done["signal"], "SIGSEGV");
    EXPECT_EQ(done["reason"], "the agent was killed by SIGSEGV");
    EXPECT_EQ(done["toolsUsed"], 2);  // what it did before is kept

    m_sandbox.set_env("STANDIN_BEHAVIOUR", "error_result");
    done =
        completed(session_of(m_sandbox.sc({"dispatch", m_task, "--exec", "foreground", "--format", "json"})))["data"];
    EXPECT_EQ(done["outcome"], "failure");
    EXPECT_EQ(done["exitCode"], 0);
    EXPECT_EQ(done["reason"], "the agent reported error_max_turns: reached the maximum number of turns");

    m_sandbox.set_env("STANDIN_BEHAVIOUR", "no_result");
    m_sandbox.set_env("STANDIN_EXIT", "2");
    done =
        completed(session_of(m_sandbox.sc({"dispatch", m_task, "--exec", "foreground", "--format", "json"})))["data"];
    EXPECT_EQ(done["reason"], "the agent exited with code 2: something went wrong");
}

TEST_F(Sessions, AMissingAgentCommandFailsNamingItAndIsRecorded) {
    m_sandbox.set_env("SCOPECRAFT_AGENT", "/no/such/agent --flag");
    RunResult ran = m_sandbox.sc({"dispatch", m_task, "--exec", "foreground", "--format", "json"});
    EXPECT_EQ(ran.exit_code, 1);
    Json done = completed(session_of(ran))["data"];
    EXPECT_EQ(done["outcome"], "failure");
    EXPECT_EQ(done["reason"], "cannot run /no/such/agent: no such program");
    m_sandbox.set_env("SCOPECRAFT_AGENT", "claude 'unbalanced");
    RunResult bad = m_sandbox.sc({"dispatch", m_task, "--exec", "foreground"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(bad.err,
              "sc: error: the agent command (SCOPECRAFT_AGENT) is not usable: the command line has an "
              "unterminated ' quote: claude 'unbalanced\nsc: hint: give a command line such as `claude "
              "--model opus`\n");
}

TEST_F(Sessions, ATimeoutStopsTheAgentAndEverythingItStarted) {
    m_sandbox.set_env("STANDIN_BEHAVIOUR", "hang");
    m_sandbox.set_env("STANDIN_IGNORE_TERM", "1");  // so SIGKILL after the grace period is needed
    m_sandbox.set_env("STANDIN_PIDFILE", m_sandbox.root() + "/pids");
    auto started = std::chrono::steady_clock::now();
    RunResult ran =
        m_sandbox.sc({"dispatch", m_task, "--exec", "foreground", "--timeout", "1500ms", "--format", "json"});
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(ran.exit_code, 1);
    EXPECT_LT(seconds, 10.0);
    Json done = completed(session_of(ran))["data"];
    EXPECT_EQ(done["outcome"], "timed_out");
    EXPECT_EQ(done["reason"], "stopped after the timeout of 1500 ms");
    EXPECT_EQ(done["signal"], "SIGKILL");
    EXPECT_EQ(done["toolsUsed"], 2);
    auto [agent, child] = hung_pids();
    ASSERT_GT(agent, 0);
    EXPECT_FALSE(running(agent));
    EXPECT_FALSE(running(child)) << "the agent's own child was orphaned";
}

TEST_F(Sessions, AnInterruptIsPassedOnToTheAgentAndRecorded) {
    m_sandbox.set_env("STANDIN_BEHAVIOUR", "hang");
    m_sandbox.set_env("STANDIN_PIDFILE", m_sandbox.root() + "/pids");
    std::string script = std::string(SC_BINARY) + " dispatch " + m_task +
                         " --exec foreground --format json > out.json 2>/dev/null & pid=$!; "
                         "while [ ! -s " +
                         m_sandbox.root() +
                         "/pids ]; do sleep 0.05; done; kill -TERM $pid; "
                         "wait $pid; echo $?";
    RunResult ran = m_sandbox.run({"bash", "-c", script});
    EXPECT_EQ(ran.out, "1\n");
    Json result = Json::parse(m_sandbox.read(m_sandbox.project() + "/out.json"));
    Json done = completed(result["sessionName"])["data"];
    EXPECT_EQ(done["outcome"], "interrupted");
    EXPECT_EQ(done["reason"], "interrupted by SIGTERM");
    EXPECT_EQ(done["exitCode"], nullptr);
    EXPECT_EQ(done["signal"], "SIGTERM");
    auto [agent, child] = hung_pids();
    EXPECT_FALSE(running(agent));
    EXPECT_FALSE(running(child));
}

TEST_F(Sessions, ADetachedSessionOutlivesItsStarterAndItsSupervisorRecordsTheEnd) {
    m_sandbox.set_env("STANDIN_CALL_SC", "1");
    RunResult started = ok({"dispatch", m_task, "--format", "json"});  // detached by default
    Json record = started.json();
    std::string id = record["sessionName"];
    EXPECT_EQ(id.rfind("detached-", 0), 0U);
    EXPECT_EQ(record["status"], "queued");
    int supervisor = record["supervisorPid"];
    EXPECT_GT(supervisor, 0);
    Json shown = wait_for_state(id, "completed");
    EXPECT_EQ(shown["outcome"], "success");
    EXPECT_EQ(shown["supervisorPid"], supervisor);
    EXPECT_EQ(shown["toolsUsed"], 2);
    // The starter's trace goes on in the supervisor: queued under `sc dispatch`, run under
    // `sc sessions supervise`, with the agent's `sc task log` beneath.
    auto stream = ok({"events", "list", "--stream", "session:" + id, "--format", "json"}).json();
    std::string trace = stream[0]["meta"]["trace_id"];
    EXPECT_EQ(stream.back()["meta"]["trace_id"], trace);
    auto spans = ok({"traces", "show", trace, "--format", "json"}).json()["spans"];
    std::map<std::string, Json> by_name;
    for (const Json& span : spans)
        by_name.emplace(span["name"].get<std::string>(), span);
    ASSERT_TRUE(by_name.count("sc sessions supervise")) << spans.dump();
    EXPECT_EQ(by_name["sc sessions supervise"]["parent_span_id"], by_name["sc dispatch"]["span_id"]);
    EXPECT_EQ(by_name["invoke_agent stand_in_agent.py"]["parent_span_id"], by_name["sc sessions supervise"]["span_id"]);
    EXPECT_EQ(by_name["sc task log"]["parent_span_id"], by_name["invoke_agent stand_in_agent.py"]["span_id"]);
    EXPECT_FALSE(running(supervisor));
}

TEST_F(Sessions, AKilledSupervisorIsFoundByTheNextSessionsCommandWhichStopsItsAgent) {
    m_sandbox.set_env("STANDIN_BEHAVIOUR", "hang");
    m_sandbox.set_env("STANDIN_PIDFILE", m_sandbox.root() + "/pids");
    Json record = ok({"dispatch", m_task, "--format", "json"}).json();
    std::string id = record["sessionName"];
    int supervisor = record["supervisorPid"];
    auto [agent, child] = hung_pids();
    ASSERT_TRUE(running(agent));
    wait_for_state(id, "running");
    ASSERT_EQ(::kill(supervisor, SIGKILL), 0);
    for (int i = 0; i < 100 && running(supervisor); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto listed = ok({"sessions", "list", "--state", "crashed", "--format", "json"}).json();
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_EQ(listed[0]["id"], id);
    EXPECT_EQ(listed[0]["reason"], "the supervisor (pid " + std::to_string(supervisor) +
                                       ") ended before the agent did; the agent was stopped");
    for (int i = 0; i < 100 && (running(agent) || running(child)); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(running(agent));
    EXPECT_FALSE(running(child));
    // Recorded once, however many commands look.
    ok({"sessions", "list"});
    auto stream =
        ok({"events", "list", "--stream", "session:" + id, "--type", "SessionCompleted", "--format", "json"}).json();
    EXPECT_EQ(stream.size(), 1U);
}

TEST_F(Sessions, TwoDispatchesOfOneTaskAtOnceTheSecondIsRefusedAndRecorded) {
    m_sandbox.set_env("STANDIN_BEHAVIOUR", "hang");
    m_sandbox.set_env("STANDIN_PIDFILE", m_sandbox.root() + "/pids");
    Json first = ok({"dispatch", m_task, "--format", "json"}).json();
    std::string running_id = first["sessionName"];
    RunResult second = m_sandbox.sc({"dispatch", m_task, "--exec", "foreground"});
    EXPECT_EQ(second.exit_code, 4);
    EXPECT_EQ(second.err.rfind("sc: error: cannot start a session on " + m_task + ": another session (" + running_id +
                                   ") is running in the environment of " + m_task + "\n",
                               0),
              0U)
        << second.err;
    auto failed = ok({"sessions", "list", "--state", "failure", "--task", m_task, "--format", "json"}).json();
    ASSERT_EQ(failed.size(), 1U);
    EXPECT_EQ(failed[0]["reason"], "another session (" + running_id + ") is running in the environment of " + m_task);
    // Stop the first through its supervisor: interrupted, and nothing left running.
    auto [agent, child] = hung_pids();
    ASSERT_EQ(::kill(static_cast<int>(first["supervisorPid"]), SIGTERM), 0);
    Json shown = wait_for_state(running_id, "completed");
    EXPECT_EQ(shown["outcome"], "interrupted");
    EXPECT_FALSE(running(agent));
    EXPECT_FALSE(running(child));
}

TEST_F(Sessions, AFloodIsLoggedUpToItsCapAndTheSessionStillCompletes) {
    m_sandbox.write(m_sandbox.project() + "/.scopecraft/config.yaml", "sessions:\n  max_log_bytes: 1000000\n");
    m_sandbox.set_env("STANDIN_BEHAVIOUR", "flood");
    m_sandbox.set_env("STANDIN_FLOOD_MB", "30");
    std::string id = session_of(ok({"dispatch", m_task, "--exec", "foreground", "--format", "json"}));
    Json done = completed(id)["data"];
    EXPECT_EQ(done["outcome"], "success");
    EXPECT_EQ(done["toolsUsed"], 2);
    EXPECT_GT(done["logBytesDropped"].get<int64_t>(), 30'000'000);
    std::string folder = fs::path(m_sandbox.tasks_root()).parent_path().string() + "/sessions";
    EXPECT_LT(fs::file_size(folder + "/logs/" + id + ".log"), 1'001'000U);
}

TEST_F(Sessions, TheStreamAndTheAgentsTelemetryAgreeOnTheCounts) {
    m_sandbox.set_env("STANDIN_OTLP_APPEND", SC_TEST_OTLP_APPEND);
    m_sandbox.set_env("STANDIN_STORE", m_store);
    std::string id = session_of(ok({"dispatch", m_task, "--exec", "foreground", "--format", "json"}));
    Json done = completed(id)["data"];
    EXPECT_EQ(done["sources"], Json({{"tools", "stream"}, {"tokens", "stream"}, {"cost", "stream"}}));
    const Json& telemetry = done["telemetry"];
    EXPECT_EQ(telemetry["toolsUsed"], done["toolsUsed"]);
    EXPECT_EQ(telemetry["toolsFailed"], done["toolsFailed"]);
    EXPECT_EQ(telemetry["tokens"], done["tokens"]);
    EXPECT_EQ(telemetry["costUsd"], done["costUsd"]);
    EXPECT_EQ(telemetry["apiRequests"], 1);
}

TEST_F(Sessions, TheAgentPostsItsTelemetryToOurReceiverAndTheBridgeReadsItFromTheStore) {
    ServerProcess server(m_sandbox, {});
    ASSERT_TRUE(server.started()) << server.err();
    std::string endpoint = "http://127.0.0.1:" + std::to_string(server.port());
    m_sandbox.write(m_sandbox.project() + "/.scopecraft/config.yaml",
                    "sessions:\n  agent_otlp_endpoint: " + endpoint + "\n");
    m_sandbox.set_env("STANDIN_OTLP", "1");
    std::string id = session_of(ok({"dispatch", m_task, "--exec", "foreground", "--format", "json"}));
    EXPECT_EQ(agent_saw()["env"]["OTEL_EXPORTER_OTLP_ENDPOINT"], endpoint);
    Json done = completed(id)["data"];
    ASSERT_TRUE(done.contains("telemetry")) << done.dump();
    EXPECT_EQ(done["telemetry"]["toolsUsed"], 2);
    EXPECT_EQ(done["telemetry"]["toolsFailed"], 1);
    EXPECT_EQ(done["telemetry"]["tokens"], done["tokens"]);
    EXPECT_EQ(done["telemetry"]["costUsd"], 0.0123);
    // Interactive: no stream, the receiver's lines are the only source.
    std::string work = session_of(ok({"work", m_task, "--format", "json"}));
    Json worked = completed(work)["data"];
    EXPECT_EQ(worked["sources"], Json({{"tools", "otlp"}, {"tokens", "otlp"}, {"cost", "otlp"}}));
    EXPECT_EQ(worked["toolsUsed"], 2);
    EXPECT_EQ(worked["tokens"]["input"], 120);
    EXPECT_EQ(server.stop(), 0);
}

TEST_F(Sessions, WorkRunsTheAgentInTheTerminalAndTheBridgeGivesItsToolsAndTokens) {
    m_sandbox.set_env("STANDIN_OTLP_APPEND", SC_TEST_OTLP_APPEND);
    m_sandbox.set_env("STANDIN_STORE", m_store);
    RunResult ran = ok({"work", m_task, "focus", "on", "tests", "--format", "json"});
    std::string id = session_of(ran);
    EXPECT_EQ(id.rfind("interactive-" + m_task + "-", 0), 0U);
    Json saw = agent_saw();
    std::vector<std::string> argv = saw["argv"];
    EXPECT_EQ(argv[0], "--session-id");
    EXPECT_EQ(argv[2], "--");
    EXPECT_NE(argv[3].find("focus on tests"), std::string::npos);
    EXPECT_EQ(saw["cwd"], worktree());
    auto stream = ok({"events", "list", "--stream", "session:" + id, "--format", "json"}).json();
    ASSERT_EQ(stream.size(), 5U);
    EXPECT_EQ(stream[2]["type"], "SessionToolUsed");
    EXPECT_EQ(stream[2]["data"]["source"], "otlp");
    EXPECT_EQ(stream[2]["data"]["durationMs"], 12);
    EXPECT_EQ(stream[3]["data"]["success"], false);
    const Json& done = stream[4]["data"];
    EXPECT_EQ(done["exec"], "interactive");
    EXPECT_EQ(done["sources"], Json({{"tools", "otlp"}, {"tokens", "otlp"}, {"cost", "otlp"}}));
    EXPECT_EQ(done["toolsUsed"], 2);
    EXPECT_EQ(done["toolsFailed"], 1);
    EXPECT_EQ(done["tokens"], Json({{"input", 120}, {"output", 30}, {"cacheRead", 7}, {"cacheCreation", 0}}));
    EXPECT_EQ(done["costUsd"], 0.0123);
    EXPECT_EQ(done["model"], "claude-standin-1");
}

TEST_F(Sessions, ResumeGivesTheAgentItsOwnSessionIdAndDryRunRunsNothing) {
    std::string first = session_of(ok({"dispatch", m_task, "--exec", "foreground", "--format", "json"}));
    std::string agent_id = completed(first)["data"]["agentSessionId"];
    std::string second =
        session_of(ok({"dispatch", "--session", first, "--exec", "foreground", "--mode", "auto", "--format", "json"}));
    std::vector<std::string> argv = agent_saw()["argv"];
    EXPECT_EQ(std::vector<std::string>(argv.begin() + 4, argv.begin() + 6),
              (std::vector<std::string> {"--resume", agent_id}));
    auto queued =
        ok({"events", "list", "--stream", "session:" + second, "--type", "SessionQueued", "--format", "json"}).json();
    EXPECT_EQ(queued[0]["data"]["resumedFrom"], first);
    // A mode file: its allowedTools and placeholders.
    m_sandbox.write(m_sandbox.project() + "/.tasks/.modes/implementation/implement.md",
                    "---\ninput: [taskId]\nallowedTools: [Bash, Edit]\n---\nImplement {taskId}: {taskInstruction}\n");
    size_t events_before = events().size();
    auto dry = ok({"work", m_task, "--mode", "implement", "--dry-run", "--base", "HEAD", "--format", "json"}).json();
    EXPECT_EQ(dry["prompt"], "Implement " + m_task + ": Build the form.\n");
    std::vector<std::string> command = dry["command"];
    EXPECT_EQ(command[0], k_agent);
    EXPECT_EQ(std::vector<std::string>(command.begin() + 3, command.begin() + 6),
              (std::vector<std::string> {"--allowedTools", "Bash", "Edit"}));
    EXPECT_EQ(events().size(), events_before);
    RunResult unknown = m_sandbox.sc({"dispatch", m_task, "--mode", "nonesuch", "--dry-run"});
    EXPECT_EQ(unknown.exit_code, 3);
    EXPECT_NE(unknown.err.find("no mode file for \"nonesuch\""), std::string::npos) << unknown.err;
}

TEST_F(Sessions, StatsComeFromTheEventsAloneAndSayWhichSessionsFailAndWhatTheyCost) {
    ok({"dispatch", m_task, "--exec", "foreground"});
    ok({"dispatch", m_task, "--exec", "foreground"});
    m_sandbox.set_env("STANDIN_BEHAVIOUR", "failure");
    (void)m_sandbox.sc({"dispatch", m_task, "--exec", "foreground"});
    m_sandbox.set_env("STANDIN_BEHAVIOUR", "crash");
    (void)m_sandbox.sc({"dispatch", m_task, "--exec", "foreground"});
    auto stats = ok({"sessions", "stats", "--format", "json"}).json();
    EXPECT_EQ(stats["sessions"], 4);
    EXPECT_EQ(stats["completed"], 4);
    EXPECT_EQ(stats["outcomes"],
              Json({{"success", 2}, {"failure", 1}, {"crashed", 1}, {"timed_out", 0}, {"interrupted", 0}}));
    EXPECT_EQ(stats["successRate"], 0.5);
    EXPECT_EQ(stats["tokens"]["input"], 480);  // the crash printed no result: its 120 are its messages' sum
    EXPECT_EQ(stats["costUsd"], 0.0369);
    EXPECT_EQ(stats["toolUses"], 8);
    EXPECT_EQ(stats["toolFailures"], 4);
    EXPECT_EQ(stats["toolErrorRate"], 0.5);
    EXPECT_EQ(stats["tools"][0], Json({{"tool", "Bash"}, {"uses", 4}, {"failures", 0}, {"errorRate", 0.0}}));
    ASSERT_EQ(stats["byTask"].size(), 1U);
    EXPECT_EQ(stats["byTask"][0]["taskId"], m_task);
    EXPECT_EQ(stats["byTask"][0]["failures"], 2);
    EXPECT_EQ(stats["byType"][0]["taskType"], "feature");
    EXPECT_EQ(stats["byArea"][0]["area"], "auth");
    EXPECT_EQ(stats["byModel"][0]["model"], "claude-standin-1");
    EXPECT_EQ(stats["slowest"].size(), 4U);
    // Records gone, figures the same: they come from the events.
    fs::remove_all(fs::path(m_sandbox.tasks_root()).parent_path() / "sessions");
    auto again = ok({"sessions", "stats", "--no-reap", "--format", "json"}).json();
    EXPECT_EQ(again, stats);
    // The derived journal of ended sessions: deleted, rebuilt from the events, same figures.
    ASSERT_TRUE(fs::exists(m_store + "/projections/sessions.state"));
    fs::remove(m_store + "/projections/sessions.state");
    EXPECT_EQ(ok({"sessions", "stats", "--no-reap", "--format", "json"}).json(), stats);
    auto only = ok({"sessions", "stats", "--task", "no-such-task", "--since", "1h", "--until", "2099-01-01", "--format",
                    "json"})
                    .json();
    EXPECT_EQ(only["sessions"], 0);
    auto listed = ok({"sessions", "list", "--since", "1h", "--until", "2099-01-01", "--format", "json"}).json();
    EXPECT_EQ(listed.size(), 4U);
    RunResult text = ok({"sessions", "stats"});
    EXPECT_NE(text.out.find("Success rate: 50.0%"), std::string::npos) << text.out;
}

TEST_F(Sessions, TheMcpToolsAnswerWhatTheCommandsPrint) {
    std::string id = session_of(ok({"dispatch", m_task, "--exec", "foreground", "--format", "json"}));
    auto request = [](int n, const std::string& tool, const Json& arguments) {
        return Json {{"jsonrpc", "2.0"},
                     {"id", n},
                     {"method", "tools/call"},
                     {"params", {{"name", tool}, {"arguments", arguments}}}}
                   .dump() +
               "\n";
    };
    std::string input = Json {{"jsonrpc", "2.0"},
                              {"id", 0},
                              {"method", "initialize"},
                              {"params",
                               {{"protocolVersion", "2025-11-25"},
                                {"capabilities", Json::object()},
                                {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}}}}
                            .dump() +
                        "\n" + request(1, "sessions_stats", Json::object()) +
                        request(2, "sessions_show", {{"id", id}}) + request(3, "sessions_list", Json::object()) +
                        request(4, "env_list", Json::object());
    RunResult served = m_sandbox.sc({"mcp"}, input);
    ASSERT_EQ(served.exit_code, 0) << served.err;
    std::vector<Json> answers;
    std::istringstream lines(served.out);
    for (std::string line; std::getline(lines, line);)
        answers.push_back(Json::parse(line));
    ASSERT_EQ(answers.size(), 5U) << served.out;
    EXPECT_EQ(answers[1]["result"]["structuredContent"]["data"], ok({"sessions", "stats", "--format", "json"}).json());
    EXPECT_EQ(answers[2]["result"]["structuredContent"]["data"],
              ok({"sessions", "show", id, "--format", "json"}).json());
    EXPECT_EQ(answers[3]["result"]["structuredContent"]["data"], ok({"sessions", "list", "--format", "json"}).json());
    EXPECT_EQ(answers[4]["result"]["structuredContent"]["data"][0]["taskId"], m_task);
}

TEST_F(Sessions, ATmuxSessionRunsItsSupervisorInAWindow) {
    if (m_sandbox.run({"sh", "-c", "command -v tmux"}).exit_code != 0)
        GTEST_SKIP() << "tmux is not installed";
    m_sandbox.set_env("TMUX_TMPDIR", m_sandbox.root());
    Json record = ok({"dispatch", m_task, "--exec", "tmux", "--format", "json"}).json();
    std::string id = record["sessionName"];
    Json shown = wait_for_state(id, "completed");
    EXPECT_EQ(shown["outcome"], "success") << shown.dump();  // once seen "crashed" under ctest -j2
    EXPECT_EQ(shown["exec"], "tmux");
    (void)m_sandbox.run({"tmux", "kill-server"});
    // `sessions supervise --echo` and `--lock-fd` are how tmux and detached runs are started.
    RunResult direct = m_sandbox.sc({"sessions", "supervise", id, "--echo", "--lock-fd", "-1"});
    EXPECT_EQ(direct.exit_code, 4);
}

}  // namespace
}  // namespace sc::e2e
