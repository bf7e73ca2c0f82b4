// End-to-end: `sc telemetry prune` (and the check/status forms the other tests leave out) on
// a store a few real commands wrote, plus older days written by hand; and the options of
// `sc traces list`, `sc metrics` and `sc logs` on what real commands recorded.

#include <ctime>
#include <filesystem>

#include "e2e/project_fixture.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

// YYYY-MM-DD of `days` days before now, in UTC.
std::string day_before(int days) {
    std::time_t then = std::time(nullptr) - static_cast<std::time_t>(days) * 86400;
    std::tm parts {};
    ::gmtime_r(&then, &parts);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &parts);
    return text;
}

const char* const k_old_trace =
    R"({"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"sc.cli"},"spans":[)"
    R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","flags":257,"name":"sc task old",)"
    R"("kind":1,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000012000000"}]}]}]})"
    "\n";

class StoreCommands : public ProjectTest {
protected:
    void SetUp() override {
        start(true);
        if (IsSkipped())
            return;
        create("Today's task");
        EXPECT_EQ(m_sandbox.sc({"task", "get", "no-such-12A"}).exit_code, 3);  // a log record today
        m_today = day_before(0);
        // Older days of traces, as an earlier month of commands left them.
        for (int age : {40, 10, 3}) {
            std::string folder = store() + "/traces/" + day_before(age);
            m_sandbox.write(folder + "/traces-000001.jsonl", k_old_trace);
            fs::permissions(folder, fs::perms::owner_all);
        }
    }

    bool has_day(const std::string& signal, int age) const {
        std::string folder = store() + "/" + signal + "/" + day_before(age);
        return fs::exists(folder + "/" + signal + "-000001.jsonl") ||
               fs::exists(folder + "/" + signal + "-000001.jsonl.zst");
    }

    std::string m_today;
};

TEST_F(StoreCommands, PruneDryRunSaysWhatWouldGoAndChangesNothing) {
    // The old days only: the prune command records its own trace today.
    auto old_days = [&] {
        std::map<std::string, std::string> files;
        for (int age : {40, 10, 3})
            for (auto& [name, content] : m_sandbox.snapshot(store() + "/traces/" + day_before(age)))
                files[day_before(age) + "/" + name] = content;
        return files;
    };
    auto before = old_days();
    ASSERT_EQ(before.size(), 3U);
    auto report =
        ok({"telemetry", "prune", "--older-than", "30", "--compress-after", "5", "--dry-run", "--format", "json"})
            .json();
    EXPECT_EQ(report["dry_run"], true);
    EXPECT_EQ(report["deleted_days"], nlohmann::json::array({"traces/" + day_before(40)}));
    EXPECT_EQ(report["compressed_days"], nlohmann::json::array({"traces/" + day_before(10)}));
    EXPECT_EQ(old_days(), before);
    RunResult text = ok({"telemetry", "prune", "--older-than", "30", "--dry-run"});
    EXPECT_EQ(text.out.rfind("Would delete 1 days, compress 0 days; ", 0), 0U) << text.out;
    EXPECT_NE(text.out.find("  deleted traces/" + day_before(40) + "\n"), std::string::npos) << text.out;
}

TEST_F(StoreCommands, PruneDeletesOldDaysAndCompressesOthersThatStayReadable) {
    RunResult pruned = ok({"telemetry", "prune", "--older-than", "30", "--compress-after", "5"});
    EXPECT_EQ(pruned.out.rfind("Deleted 1 days, compressed 1 days; ", 0), 0U) << pruned.out;
    EXPECT_FALSE(has_day("traces", 40));
    EXPECT_TRUE(fs::exists(store() + "/traces/" + day_before(10) + "/traces-000001.jsonl.zst"));
    EXPECT_TRUE(fs::exists(store() + "/traces/" + day_before(3) + "/traces-000001.jsonl"));
    // The compressed day is still read by the commands.
    auto traces = ok({"traces", "list", "--name", "sc task old", "--format", "json"}).json();
    EXPECT_EQ(traces.size(), 1U) << traces.dump();  // one trace id, in two days

    // --compress with --older-than compresses instead of deleting.
    ok({"telemetry", "prune", "--older-than", "2", "--compress"});
    EXPECT_TRUE(fs::exists(store() + "/traces/" + day_before(3) + "/traces-000001.jsonl.zst"));
    EXPECT_TRUE(has_day("traces", 10));
}

TEST_F(StoreCommands, PruneToAMaximumSizeNeverDeletesToday) {
    // 500M is far above this store: nothing goes.
    auto roomy = ok({"telemetry", "prune", "--max-size", "500M", "--format", "json"}).json();
    EXPECT_EQ(roomy["deleted_days"], nlohmann::json::array());
    EXPECT_EQ(roomy["bytes_after"], roomy["bytes_before"]);
    EXPECT_TRUE(has_day("traces", 40));

    // One byte: every older day goes, oldest first, and today's files of every signal stay.
    auto report = ok({"telemetry", "prune", "--max-size", "1", "--format", "json"}).json();
    EXPECT_EQ(report["deleted_days"], nlohmann::json::array({"traces/" + day_before(40), "traces/" + day_before(10),
                                                             "traces/" + day_before(3)}));
    EXPECT_GT(report["bytes_after"].get<int64_t>(), 1);  // today's days could not go
    for (const char* signal : {"events", "traces", "metrics", "logs"})
        EXPECT_TRUE(fs::is_directory(store() + "/" + signal + "/" + m_today)) << signal;
    EXPECT_EQ(ok({"events", "list", "--format", "json"}).json().size(), 2U);
    EXPECT_TRUE(ok({"events", "replay", "--verify", "--format", "json"}).json()["identical"].get<bool>());

    for (const char* size : {"5X", "M", "-1"}) {
        RunResult bad = m_sandbox.sc({"telemetry", "prune", "--max-size", size});
        EXPECT_EQ(bad.exit_code, 2) << size;
        EXPECT_NE(bad.err.find("--max-size"), std::string::npos) << bad.err;
    }
    RunResult no_rule = m_sandbox.sc({"telemetry", "prune"});
    EXPECT_EQ(no_rule.exit_code, 2);
    EXPECT_NE(no_rule.err.find("no retention rule given"), std::string::npos) << no_rule.err;
}

TEST_F(StoreCommands, CheckWithFormatJsonPrintsItsReportAlsoWhenItFails) {
    std::string segment = event_segments().front();
    m_sandbox.write(segment, m_sandbox.read(segment) + "{not json at all}\n");
    RunResult checked = m_sandbox.sc({"telemetry", "check", "--format", "json"});
    EXPECT_EQ(checked.exit_code, 5);
    auto report = checked.json();
    EXPECT_EQ(report["corrupt_lines"], 1) << checked.out;
    EXPECT_NE(checked.err.find("sc: error: the telemetry store has problems"), std::string::npos) << checked.err;
    RunResult text = m_sandbox.sc({"telemetry", "check"});
    EXPECT_EQ(text.exit_code, 5);
    EXPECT_NE(text.out.find("1 corrupt lines"), std::string::npos) << text.out;
}

TEST_F(StoreCommands, StatusCountsEachSignalAndDay) {
    RunResult status = ok({"telemetry", "status"});
    EXPECT_EQ(status.out.rfind("Store: " + store() + "\n", 0), 0U) << status.out;
    EXPECT_NE(status.out.find("  traces/" + day_before(40) + "  1 lines"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("Problems: none\n"), std::string::npos) << status.out;
    auto json = ok({"telemetry", "status", "--format", "json"}).json();
    EXPECT_EQ(json["events"], 2);
}

TEST_F(StoreCommands, SignalViewsTakeTheirFiltersOnWhatCommandsRecorded) {
    // Viewing commands record their own traces: these run without, so the store holds still.
    m_sandbox.set_env("OTEL_SDK_DISABLED", "true");
    auto all = ok({"traces", "list", "--format", "json"}).json();
    ASSERT_EQ(all.size(), 4U) << all.dump();  // the old one (three days), init, create, get
    auto named = ok({"traces", "list", "--name", "task.create", "--format", "json"}).json();
    ASSERT_EQ(named.size(), 1U) << named.dump();
    EXPECT_EQ(named[0]["root"], "sc task create");
    auto last = ok({"traces", "list", "--last", "1", "--format", "json"}).json();
    ASSERT_EQ(last.size(), 1U);
    EXPECT_EQ(last[0]["trace_id"], all.back()["trace_id"]);
    // Until an hour ago: none of the commands just run. The window starts yesterday so that it
    // is not empty (an error) when the test runs in the first hour of a UTC day.
    auto recent = ok({"traces", "list", "--since", day_before(1), "--until", "1h", "--format", "json"}).json();
    EXPECT_TRUE(recent.empty()) << recent.dump();
    auto today = ok({"traces", "list", "--since", m_today, "--format", "json"}).json();
    EXPECT_EQ(today.size(), 3U);  // the hand-written old trace left out

    auto logs = ok({"logs", "--since", m_today, "--format", "json"}).json();
    EXPECT_NE(logs.dump().find("task.get failed"), std::string::npos) << logs.dump();
    EXPECT_TRUE(ok({"logs", "--until", day_before(1), "--format", "json"}).json().empty());

    auto metrics = ok({"metrics", "--until", day_before(1), "--format", "json"}).json();
    EXPECT_TRUE(metrics.empty()) << metrics.dump();
    auto counted = ok({"metrics", "scopecraft.operations", "--since", m_today, "--format", "json"}).json();
    ASSERT_EQ(counted.size(), 1U) << counted.dump();
}

}  // namespace
}  // namespace sc::e2e
