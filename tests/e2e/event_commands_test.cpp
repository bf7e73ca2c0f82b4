// End-to-end: the options of `sc events list|follow|export|stats` that the other tests leave
// out: filters, named cursors, export to a file.

#include <sys/stat.h>

#include "e2e/project_fixture.hpp"

namespace sc::e2e {
namespace {

class EventCommands : public ProjectTest {
protected:
    void SetUp() override { start(true); }

    // The `type` of each JSON line of a follow or export.
    static std::vector<std::string> types_of_lines(const std::string& out) {
        std::vector<std::string> types;
        for (size_t at = 0; at < out.size();) {
            size_t end = out.find('\n', at);
            EXPECT_NE(end, std::string::npos) << out;
            if (end == std::string::npos)
                break;
            auto event = nlohmann::json::parse(out.substr(at, end - at), nullptr, false);
            EXPECT_FALSE(event.is_discarded()) << out;
            types.push_back(event.value("type", "") + " " + event.value("stream", ""));
            at = end + 1;
        }
        return types;
    }
};

TEST_F(EventCommands, FollowWithACursorResumesJustAfterTheLastEventItPrinted) {
    std::string a = create("Alpha");
    // No saved cursor yet: from the first event, and the cursor is saved where it stopped.
    RunResult first = ok({"events", "follow", "--cursor", "c1", "--count", "2", "--timeout", "10", "--format", "json"});
    EXPECT_EQ(types_of_lines(first.out),
              (std::vector<std::string> {"TaskTreeInitialized task:tree", "TaskCreated task:" + a}));
    EXPECT_TRUE(std::filesystem::exists(store() + "/cursors/c1.json"));

    std::string b = create("Beta");
    ok({"task", "start", b});
    // Several events past the cursor, one asked for: exactly the next one. (A cursor that
    // counted each line's offset twice skipped Beta's creation here. --timeout ends a run
    // that finds nothing, should the cursor ever point past the events again.)
    RunResult next = ok({"events", "follow", "--cursor", "c1", "--count", "1", "--timeout", "10", "--format", "json"});
    EXPECT_EQ(types_of_lines(next.out), std::vector<std::string> {"TaskCreated task:" + b});
    RunResult then = ok({"events", "follow", "--cursor", "c1", "--count", "1", "--timeout", "10", "--format", "json"});
    EXPECT_EQ(types_of_lines(then.out), std::vector<std::string> {"TaskStarted task:" + b});

    // Live: the follower waits for the next event. It needs no head start (no sleep): the
    // cursor makes it deliver the event whether it starts before or after the create.
    std::string followed = m_sandbox.root() + "/followed";
    std::string script = std::string(SC_BINARY) + " events follow --cursor c1 --count 1 --timeout 20 --format json > " +
                         followed + " & follower=$!; " + SC_BINARY +
                         " task create --title Gamma >/dev/null || exit 90; wait $follower";
    RunResult live = m_sandbox.run({"bash", "-c", script});
    ASSERT_EQ(live.exit_code, 0) << live.err;
    std::vector<std::string> got = types_of_lines(m_sandbox.read(followed));
    ASSERT_EQ(got.size(), 1U);
    EXPECT_EQ(got[0].rfind("TaskCreated task:gamma-", 0), 0U) << got[0];

    // A second cursor with a filter sees only its type, and keeps its own position.
    RunResult started =
        ok({"events", "follow", "--cursor", "starts", "--type", "TaskStarted", "--count", "1", "--timeout", "10"});
    EXPECT_NE(started.out.find("  TaskStarted  task:" + b), std::string::npos) << started.out;
    RunResult none = ok({"events", "follow", "--cursor", "c1", "--timeout", "1", "--format", "json"});
    EXPECT_EQ(none.out, "");

    RunResult bad = m_sandbox.sc({"events", "follow", "--cursor", "../escape", "--count", "1"});
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.err.find("sc: error: "), std::string::npos) << bad.err;
    EXPECT_FALSE(std::filesystem::exists(store() + "/escape.json"));
}

TEST_F(EventCommands, ListFiltersByTypeStreamTimeTraceAndLast) {
    std::string a = create("Alpha");
    std::string b = create("Beta");
    ok({"task", "start", a});
    auto all = ok({"events", "list", "--format", "json"}).json();
    ASSERT_EQ(all.size(), 4U);

    auto created = ok({"events", "list", "--type", "TaskCreated", "TaskStarted", "--format", "json"}).json();
    ASSERT_EQ(created.size(), 3U);
    EXPECT_EQ(created[2]["type"], "TaskStarted");

    auto stream = ok({"events", "list", "--stream", "task:" + a, "--format", "json"}).json();
    ASSERT_EQ(stream.size(), 2U);
    EXPECT_EQ(stream[0]["type"], "TaskCreated");
    EXPECT_EQ(stream[1]["type"], "TaskStarted");

    // --since includes its moment, --until excludes it.
    std::string second_time = all[1]["time"];
    std::string last_time = all[3]["time"];
    auto window = ok({"events", "list", "--since", second_time, "--until", last_time, "--format", "json"}).json();
    ASSERT_EQ(window.size(), 2U);
    EXPECT_EQ(window[0]["seq"], 2);
    EXPECT_EQ(window[1]["seq"], 3);

    std::string trace = all[2]["meta"]["trace_id"];
    auto traced = ok({"events", "list", "--trace", trace, "--format", "json"}).json();
    ASSERT_EQ(traced.size(), 1U);
    EXPECT_EQ(traced[0]["stream"], "task:" + b);

    auto last = ok({"events", "list", "--last", "2", "--format", "json"}).json();
    ASSERT_EQ(last.size(), 2U);
    EXPECT_EQ(last[0]["seq"], 3);
    EXPECT_EQ(last[1]["seq"], 4);

    RunResult table = ok({"events", "list", "--last", "1"});
    EXPECT_NE(table.out.find("TaskStarted"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("status=in_progress"), std::string::npos) << table.out;

    RunResult bad = m_sandbox.sc({"events", "list", "--last", "two"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--last needs a whole number"), std::string::npos) << bad.err;
}

TEST_F(EventCommands, ExportToAFileWritesTheSameLinesAsStdoutPrivately) {
    std::string a = create("Alpha");
    ok({"task", "complete", a});
    std::string on_stdout = ok({"events", "export"}).out;
    std::string file = m_sandbox.root() + "/events.jsonl";
    RunResult exported = ok({"events", "export", "--output", file});
    EXPECT_EQ(exported.out, "Exported 3 events to " + file + "\n");
    EXPECT_EQ(m_sandbox.read(file), on_stdout);
    EXPECT_EQ(types_of_lines(on_stdout).size(), 3U);
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);  // events hold task contents: not for other users

    std::string completed = m_sandbox.root() + "/completed.jsonl";
    auto report = ok({"events", "export", "--type", "TaskCompleted", "--output", completed, "--format", "json"}).json();
    EXPECT_EQ(report["exported"], 1);
    EXPECT_EQ(report["file"], completed);
    EXPECT_EQ(types_of_lines(m_sandbox.read(completed)), std::vector<std::string> {"TaskCompleted task:" + a});
}

TEST_F(EventCommands, StatsCountOnlyTheFilteredEvents) {
    std::string a = create("Alpha");
    create("Beta");
    ok({"task", "complete", a});
    auto one = ok({"events", "stats", "--stream", "task:" + a, "--format", "json"}).json();
    EXPECT_EQ(one["events"], 2) << one.dump();
    EXPECT_EQ(one["tasksByStatus"]["done"], 1) << one.dump();
    EXPECT_FALSE(one["tasksByStatus"].contains("todo")) << one.dump();
    RunResult text = ok({"events", "stats", "--type", "TaskCreated"});
    EXPECT_NE(text.out.find("Events: 2\n"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("  TaskCreated"), std::string::npos) << text.out;
}

// An edit outside `sc` is recorded with the file's new content and no `fields` or `sections`
// (docs/events.md, "The `data` of every task event": the old content is not kept to diff against), so
// the stats read a hand-set status from that content.
TEST_F(EventCommands, AStatusSetByHandIsRecordedWithTheFilesContentAndCountedByTheStats) {
    std::string a = create("Alpha");
    create("Beta");
    std::string file = tree() + "/current/" + a + ".task.md";
    std::string content = m_sandbox.read(file);
    size_t status = content.find("status: todo");
    ASSERT_NE(status, std::string::npos) << content;
    content.replace(status, 12, "status: done");
    m_sandbox.write(file, content);
    ok({"task", "list"});

    auto external = ok({"events", "list", "--type", "TaskChangedExternally", "--format", "json"}).json();
    ASSERT_EQ(external.size(), 1U) << external.dump();
    const auto& data = external[0]["data"];
    EXPECT_EQ(data["operation"], "external");
    EXPECT_EQ(data["taskId"], a);
    EXPECT_EQ(data["fields"], nlohmann::json::array());
    EXPECT_EQ(data["sections"], nlohmann::json::array());
    ASSERT_EQ(data["files"].size(), 1U);
    EXPECT_EQ(data["files"][0]["kind"], "file_modified");
    EXPECT_EQ(data["files"][0]["content"], content);

    auto stats = ok({"events", "stats", "--format", "json"}).json();
    EXPECT_EQ(stats["tasksByStatus"]["done"], 1) << stats.dump();
    EXPECT_EQ(stats["tasksByStatus"]["todo"], 1) << stats.dump();
    EXPECT_EQ(stats["cycleTimeSeconds"]["count"], 1) << stats.dump();
}

}  // namespace
}  // namespace sc::e2e
