// End-to-end: what every task command records (spans, metrics, logs, domain events) and the
// commands that read it back, replay it and keep the store healthy.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

class Telemetry : public ::testing::Test {
protected:
    void SetUp() override {
        if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
            GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF";
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/telemetry");
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
        m_month = m_sandbox.run({"date", "+%m"}).out.substr(0, 2);
    }
    std::string id(const std::string& name) const { return name + "-" + m_month + "A"; }
    RunResult ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << "sc " << arguments.front() << ": " << result.err;
        return result;
    }
    Sandbox m_sandbox;
    std::string m_month;
};

TEST_F(Telemetry, EveryChangeBecomesADomainEventWithItsTraceContext) {
    ok({"task", "create", "--title", "Add login page", "--priority", "high"});
    ok({"task", "start", id("add-login-page")});
    auto events = ok({"events", "list", "--format", "json"}).json();
    ASSERT_EQ(events.size(), 3U);
    EXPECT_EQ(events[0]["type"], "TaskTreeInitialized");
    EXPECT_EQ(events[1]["type"], "TaskCreated");
    EXPECT_EQ(events[2]["type"], "TaskStarted");
    EXPECT_EQ(events[2]["stream"], "task:" + id("add-login-page"));
    EXPECT_EQ(events[2]["version"], 2);
    EXPECT_EQ(events[2]["meta"]["trace_id"].get<std::string>().size(), 32U);
    // The event's trace is a stored trace whose root is the command.
    auto trace = ok({"traces", "show", events[2]["meta"]["trace_id"], "--format", "json"}).json();
    std::string dump = trace.dump();
    EXPECT_NE(dump.find("sc task start"), std::string::npos) << dump;
    EXPECT_NE(dump.find("task.start"), std::string::npos) << dump;
}

TEST_F(Telemetry, ARootSpanJoinsTheCallersTraceFromTraceparent) {
    std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    m_sandbox.set_env("TRACEPARENT", "00-" + trace_id + "-00f067aa0ba902b7-01");
    ok({"task", "create", "--title", "Traced task"});
    m_sandbox.unset_env("TRACEPARENT");
    auto spans = ok({"traces", "show", trace_id, "--format", "json"}).json();
    std::string dump = spans.dump();
    EXPECT_NE(dump.find("00f067aa0ba902b7"), std::string::npos) << "root span is not parented by the caller: " << dump;
    EXPECT_NE(dump.find("sc task create"), std::string::npos);
}

TEST_F(Telemetry, ReplayVerifyFindsTheLiveTreeIdenticalAfterAHandEdit) {
    ok({"task", "create", "--title", "Write docs"});
    ok({"parent", "create", "--title", "Release", "--subtask", "Tag", "Announce"});
    ok({"task", "complete", id("write-docs")});
    // A hand edit behind sc's back, seen by the next command that reads the tree.
    std::string path = m_sandbox.tasks_root() + "/current/" + id("release") + "/_overview.md";
    m_sandbox.write(path, m_sandbox.read(path) + "\nNote added by hand.\n");
    ok({"task", "list"});
    RunResult verified = ok({"events", "replay", "--verify", "--format", "json"});
    auto report = verified.json();
    EXPECT_TRUE(report["identical"].get<bool>()) << verified.out;
    auto external = ok({"events", "list", "--type", "TaskChangedExternally", "--format", "json"}).json();
    ASSERT_EQ(external.size(), 1U);
    EXPECT_EQ(external[0]["data"]["taskId"], id("release"));
}

TEST_F(Telemetry, ReplayIntoAFolderRebuildsTheTreeAndAsOfShowsThePast) {
    ok({"task", "create", "--title", "First"});
    auto first_events = ok({"events", "list", "--format", "json"}).json();
    std::string moment = first_events.back()["time"];
    ok({"task", "create", "--title", "Second"});
    std::string into = m_sandbox.root() + "/rebuilt";
    ok({"events", "replay", "--into", into});
    EXPECT_EQ(m_sandbox.snapshot(into), m_sandbox.snapshot(m_sandbox.tasks_root()));
    std::string past = m_sandbox.root() + "/past";
    ok({"events", "replay", "--into", past, "--as-of", moment});
    EXPECT_TRUE(fs::exists(past + "/current/" + id("first") + ".task.md"));
    EXPECT_FALSE(fs::exists(past + "/current/" + id("second") + ".task.md"));
}

TEST_F(Telemetry, TaskHistoryListsOneTasksEvents) {
    ok({"task", "create", "--title", "Tracked"});
    ok({"task", "update", id("tracked"), "--status", "wip"});
    ok({"task", "log", id("tracked"), "progress"});
    auto history = ok({"task", "history", id("tracked"), "--format", "json"}).json();
    ASSERT_EQ(history.size(), 3U);
    EXPECT_EQ(history[1]["type"], "TaskUpdated");
    EXPECT_EQ(history[1]["data"]["fields"][0]["new"], "in_progress");
    EXPECT_EQ(history[2]["type"], "TaskLogAppended");
}

TEST_F(Telemetry, StatsCountTasksCreatedAndCompletedPerHour) {
    ok({"task", "create", "--title", "One"});
    ok({"task", "create", "--title", "Two"});
    ok({"task", "complete", id("one")});
    auto stats = ok({"events", "stats", "--format", "json"}).json();
    EXPECT_EQ(stats["tasksByStatus"]["done"], 1);
    EXPECT_EQ(stats["tasksByStatus"]["todo"], 1);
    EXPECT_EQ(stats["cycleTimeSeconds"]["count"], 1);
    ASSERT_FALSE(stats["perHour"].empty());
    int64_t created = 0, completed = 0;
    for (const auto& hour : stats["perHour"]) {
        created += hour["created"].get<int64_t>();
        completed += hour["completed"].get<int64_t>();
    }
    EXPECT_EQ(created, 2);
    EXPECT_EQ(completed, 1);
}

TEST_F(Telemetry, FollowPrintsEventsAsTheyAreAppended) {
    // `follow` shows only what arrives after it started, so the test first waits for a sign that
    // it is reading: a probe event it prints (probes are repeated until one is printed, since a
    // probe appended before its first read is rightly not shown). Then one more task is created,
    // and that event must follow. SIGTERM stops the follower, which must then exit 0.
    std::string sc = SC_BINARY;
    std::string followed = m_sandbox.root() + "/followed";
    std::string script =
        sc + " events follow --timeout 60 --format json > " + followed + " & follower=$!\n" +
        "tries=0\n"
        "until [ -s " +
        followed +
        " ]; do\n"
        "  tries=$((tries + 1))\n"
        "  if [ $tries -gt 100 ]; then echo 'follow printed no probe' >&2; kill $follower; exit 1; fi\n"
        "  " +
        sc +
        " task create --title Probe >/dev/null || exit 1\n"
        "  sleep 0.1\n"
        "done\n" +
        sc +
        " task create --title Followed >/dev/null || exit 1\n"
        "tries=0\n"
        "until grep -q '\"taskId\":\"" +
        id("followed") + "\"' " + followed +
        "; do\n"
        "  tries=$((tries + 1))\n"
        "  if [ $tries -gt 200 ]; then echo 'follow did not print the event' >&2; kill $follower; exit 1; fi\n"
        "  sleep 0.05\n"
        "done\n"
        "kill -TERM $follower\n"
        "wait $follower\n";
    RunResult run = m_sandbox.run({"bash", "-c", script});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::string lines = m_sandbox.read(followed);
    ASSERT_FALSE(lines.empty());
    ASSERT_EQ(lines.back(), '\n') << lines;
    size_t last_start = lines.rfind('\n', lines.size() - 2);
    last_start = last_start == std::string::npos ? 0 : last_start + 1;
    auto last = nlohmann::json::parse(lines.substr(last_start));
    EXPECT_EQ(last["type"], "TaskCreated") << lines;
    EXPECT_EQ(last["data"]["taskId"], id("followed")) << lines;
    for (size_t at = 0; at < last_start;) {  // before it, only the probes
        size_t end = lines.find('\n', at);
        auto probe = nlohmann::json::parse(lines.substr(at, end - at));
        EXPECT_EQ(probe["type"], "TaskCreated") << lines;
        EXPECT_EQ(probe["data"]["taskId"].get<std::string>().rfind("probe-", 0), 0U) << lines;
        at = end + 1;
    }
}

TEST_F(Telemetry, ExportAndFollowWriteOnlyJsonLinesEvenWithFormatJson) {
    ok({"task", "create", "--title", "Exported"});
    ok({"task", "start", id("exported")});
    for (const std::vector<std::string>& command :
         {std::vector<std::string> {"events", "export", "--format", "json"},
          std::vector<std::string> {"events", "follow", "--from-start", "--count", "3", "--format", "json"}}) {
        std::string out = ok(command).out;
        size_t lines = 0;
        for (size_t at = 0; at < out.size(); ++lines) {  // every line one event, nothing after them
            size_t end = out.find('\n', at);
            ASSERT_NE(end, std::string::npos) << command[1] << ": " << out;
            EXPECT_TRUE(nlohmann::json::parse(out.substr(at, end - at)).contains("type")) << command[1];
            at = end + 1;
        }
        EXPECT_EQ(lines, 3U) << command[1] << ": " << out;  // init, create, start
    }
}

TEST_F(Telemetry, CommandsRunAtOnceNeverRecordEachOthersTasksAsOutsideEdits) {
    // Each command saves what it learnt of the tree before the next may look at it: a state
    // saved after the tree lock was let go made a concurrent command record this one's new
    // task as an edit made outside sc.
    constexpr int k_writers = 4;
    constexpr int k_tasks_each = 6;
    std::vector<std::thread> writers;
    std::atomic<int> failures {0};
    for (int writer = 0; writer < k_writers; ++writer)
        writers.emplace_back([&, writer] {
            for (int task = 0; task < k_tasks_each; ++task) {
                std::string title = "Writer " + std::to_string(writer) + " task " + std::to_string(task);
                if (m_sandbox.sc({"task", "create", "--title", title}).exit_code != 0)
                    ++failures;
                if (m_sandbox.sc({"task", "list", "--format", "minimal"}).exit_code != 0)
                    ++failures;
            }
        });
    for (std::thread& writer : writers)
        writer.join();
    EXPECT_EQ(failures.load(), 0);
    auto created = ok({"events", "list", "--type", "TaskCreated", "--format", "json"}).json();
    EXPECT_EQ(created.size(), static_cast<size_t>(k_writers * k_tasks_each));
    auto external = ok({"events", "list", "--type", "TaskChangedExternally", "--format", "json"}).json();
    EXPECT_EQ(external.size(), 0U) << external.dump();
    EXPECT_TRUE(ok({"events", "replay", "--verify", "--format", "json"}).json()["identical"].get<bool>());
}

TEST_F(Telemetry, MetricsCountOperationsByKindAndOutcome) {
    ok({"task", "create", "--title", "Counted"});
    RunResult failed = m_sandbox.sc({"task", "get", "nope-11A"});
    EXPECT_EQ(failed.exit_code, 3);
    auto metrics = ok({"metrics", "--attributes", "--format", "json"}).json();
    std::string dump = metrics.dump();
    EXPECT_NE(dump.find("scopecraft.operations"), std::string::npos) << dump;
    EXPECT_NE(dump.find("scopecraft.operation.duration"), std::string::npos);
    EXPECT_NE(dump.find("\"error\""), std::string::npos) << "the failed get is counted as an error: " << dump;
    auto logs = ok({"logs", "--format", "json"}).json();
    EXPECT_NE(logs.dump().find("task.get failed"), std::string::npos) << logs.dump();
}

TEST_F(Telemetry, DisabledTelemetryWritesNothingAndTheCommandStillWorks) {
    Sandbox quiet;
    quiet.set_env("OTEL_SDK_DISABLED", "true");
    quiet.set_env("SCOPECRAFT_TELEMETRY_DIR", quiet.root() + "/telemetry");
    ASSERT_EQ(quiet.sc({"init"}).exit_code, 0);
    ASSERT_EQ(quiet.sc({"task", "create", "--title", "Silent"}).exit_code, 0);
    EXPECT_FALSE(fs::exists(quiet.root() + "/telemetry"));
}

TEST_F(Telemetry, AnUnwritableStoreNeverFailsATaskCommand) {
    // A file where the store folder should be: every append fails.
    m_sandbox.write(m_sandbox.root() + "/blocked", "not a folder");
    m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/blocked");
    RunResult created = m_sandbox.sc({"task", "create", "--title", "Still works"});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    EXPECT_NE(created.err.find("sc: warning: telemetry"), std::string::npos) << created.err;
    EXPECT_TRUE(fs::exists(m_sandbox.tasks_root() + "/current/" + id("still-works") + ".task.md"));
}

TEST_F(Telemetry, CheckFindsACorruptLineAndRepairQuarantinesIt) {
    ok({"task", "create", "--title", "Stored"});
    std::string events_folder;
    for (const auto& entry : fs::recursive_directory_iterator(m_sandbox.root() + "/telemetry/events"))
        if (entry.is_regular_file())
            events_folder = entry.path().string();
    ASSERT_FALSE(events_folder.empty());
    {
        std::string content = m_sandbox.read(events_folder);
        m_sandbox.write(events_folder, content + "{not json at all}\n");
    }
    RunResult checked = m_sandbox.sc({"telemetry", "check"});
    EXPECT_EQ(checked.exit_code, 5) << checked.out << checked.err;
    ok({"telemetry", "check", "--repair"});
    ok({"telemetry", "check"});
    auto status = ok({"telemetry", "status", "--format", "json"}).json();
    EXPECT_GE(status["events"].get<int>(), 2);
}

TEST_F(Telemetry, CheckReportsAcknowledgedEventsMissingFromASegmentEmptiedByHand) {
    ok({"task", "create", "--title", "Stored"});
    ok({"task", "start", id("stored")});  // with init: 3 events, all in today's segment
    std::string segment;
    for (const auto& entry : fs::recursive_directory_iterator(m_sandbox.root() + "/telemetry/events"))
        if (entry.is_regular_file())
            segment = entry.path().string();
    ASSERT_FALSE(segment.empty());
    m_sandbox.write(segment, "");
    RunResult checked = m_sandbox.sc({"telemetry", "check", "--no-telemetry"});
    EXPECT_EQ(checked.exit_code, 5) << checked.out << checked.err;
    EXPECT_NE(checked.out.find(", 3 acknowledged events missing\n"), std::string::npos) << checked.out;
    EXPECT_NE(checked.out.find("  events_missing index/head @0: index/head records 3 acknowledged events but the "
                               "segments hold none: seqs 1..3 are missing (a segment emptied, cut or removed by "
                               "hand?)\n"),
              std::string::npos)
        << checked.out;
}

TEST_F(Telemetry, ConfigShowsEachValueAndWhereItCameFrom) {
    m_sandbox.set_env("OTEL_TRACES_SAMPLER", "always_off");
    auto rows = ok({"telemetry", "config", "--format", "json"}).json();
    bool found = false;
    for (const auto& row : rows)
        if (row["key"] == "telemetry.sampling.sampler") {
            found = true;
            EXPECT_EQ(row["value"], "always_off");
            EXPECT_NE(row["source"].get<std::string>().find("OTEL_TRACES_SAMPLER"), std::string::npos);
        }
    EXPECT_TRUE(found);
}

}  // namespace
}  // namespace sc::e2e
