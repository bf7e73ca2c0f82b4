// End-to-end: the task commands, run as a user runs them, in a fresh HOME and git repository.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

std::string corpus(const std::string& relative) {
    return std::string(SC_SOURCE_DIR) + "/tests/corpus/" + relative;
}

// The id `sc` gives a title this month (the letter A when nothing else claims the name).
std::string month_id(const Sandbox& sandbox, const std::string& name) {
    RunResult month = sandbox.run({"date", "+%m"});
    return name + "-" + month.out.substr(0, 2) + "A";
}

class TaskCommands : public ::testing::Test {
protected:
    void SetUp() override {
        m_sandbox.set_env("OTEL_SDK_DISABLED", "true");  // the task core alone; telemetry_test covers the rest
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    }
    Sandbox m_sandbox;
};

TEST_F(TaskCommands, InitMakesTheTreeInTheHomeStoreOfTheRepository) {
    EXPECT_TRUE(fs::is_directory(m_sandbox.tasks_root() + "/current"));
    EXPECT_TRUE(fs::is_directory(m_sandbox.tasks_root() + "/archive"));
}

TEST_F(TaskCommands, CreateWritesTheFileScopecraftWrites) {
    RunResult created =
        m_sandbox.sc({"task", "create", "--title", "Add login page", "--type", "feature", "--priority", "high",
                      "--assignee", "alice", "--tags", "ui", "auth", "--phase", "active", "--area", "frontend",
                      "--content", "Build the login form with email and password."});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    std::string id = month_id(m_sandbox, "add-login-page");
    std::string written = m_sandbox.read(m_sandbox.tasks_root() + "/current/" + id + ".task.md");
    EXPECT_EQ(written, m_sandbox.read(corpus("01-basic/tree/current/add-login-page-11A.task.md")));
}

TEST_F(TaskCommands, ListOfACopiedScopecraftTreeReportsTheSameTasks) {
    fs::copy(corpus("02-parents-subtasks/tree/current"), m_sandbox.tasks_root() + "/current",
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    RunResult listed = m_sandbox.sc({"task", "list", "--format", "json"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    auto ours = listed.json();
    auto theirs = nlohmann::ordered_json::parse(m_sandbox.read(corpus("02-parents-subtasks/list.json")));
    std::set<std::string> our_ids, their_ids;
    for (const auto& task : ours)
        our_ids.insert(task["metadata"]["id"].get<std::string>());
    for (const auto& task : theirs)
        their_ids.insert(task["metadata"]["id"].get<std::string>());
    EXPECT_EQ(our_ids, their_ids);
    for (const auto& theirs_task : theirs) {
        for (const auto& our_task : ours) {
            if (our_task["metadata"]["id"] == theirs_task["metadata"]["id"]) {
                EXPECT_EQ(our_task["document"], theirs_task["document"]) << our_task["metadata"]["id"];
            }
        }
    }
}

TEST_F(TaskCommands, UpdateOfOneFieldLeavesEveryOtherByteAlone) {
    std::string path = m_sandbox.tasks_root() + "/current/legacy-style-01A.task.md";
    m_sandbox.write(path, m_sandbox.read(corpus("05-odd-values/input/legacy-style-01A.task.md")));
    std::string before = m_sandbox.read(path);
    RunResult updated = m_sandbox.sc({"task", "update", "legacy-style-01A", "--priority", "low"});
    ASSERT_EQ(updated.exit_code, 0) << updated.err;
    std::string after = m_sandbox.read(path);
    std::string expected = before;
    // Only that line: `type: Feature` and `status: 🟡 To Do` stay as written (docs/layout.md).
    expected.replace(expected.find("priority: High"), 14, "priority: low");
    EXPECT_EQ(after, expected);
}

TEST_F(TaskCommands, AnUnknownStatusIsRefusedWithTheValidValues) {
    RunResult created = m_sandbox.sc({"task", "create", "--title", "Bad status", "--status", "zzz"});
    EXPECT_EQ(created.exit_code, 2);
    EXPECT_NE(created.err.find("sc: error: "), std::string::npos) << created.err;
    EXPECT_NE(created.err.find("in_progress"), std::string::npos) << created.err;
    EXPECT_TRUE(m_sandbox.snapshot(m_sandbox.tasks_root() + "/current").empty());
}

TEST_F(TaskCommands, IdsThatWouldLeaveTheTreeAreRefused) {
    // `a/b-11A` is a parent-qualified id, not a path (IdsAndLayout covers it); a second `/` is.
    for (std::string id : {"../../etc/passwd", "/etc/passwd", "a/b/c-11A", "a/.."}) {
        RunResult got = m_sandbox.sc({"task", "get", id});
        EXPECT_EQ(got.exit_code, 7) << id << ": " << got.err;
        EXPECT_NE(got.err.find("sc: error:"), std::string::npos);
    }
}

TEST_F(TaskCommands, AMissingTreeSaysToRunInit) {
    Sandbox fresh;
    fresh.set_env("OTEL_SDK_DISABLED", "true");
    RunResult listed = fresh.sc({"task", "list"});
    EXPECT_EQ(listed.exit_code, 3);
    EXPECT_NE(listed.err.find("sc init"), std::string::npos) << listed.err;
}

TEST_F(TaskCommands, AFileThatIsNotUtf8IsReportedAndTheRestStillListed) {
    m_sandbox.write(m_sandbox.tasks_root() + "/current/broken-11A.task.md",
                    "# Broken \xff\xfe\n\n---\ntype: bug\n---\n");
    ASSERT_EQ(m_sandbox.sc({"task", "create", "--title", "Fine task"}).exit_code, 0);
    RunResult listed = m_sandbox.sc({"task", "list", "--format", "minimal"});
    EXPECT_EQ(listed.exit_code, 0);
    EXPECT_NE(listed.out.find("fine-task-"), std::string::npos);
    EXPECT_NE(listed.err.find("broken-11A.task.md"), std::string::npos) << listed.err;
    EXPECT_EQ(m_sandbox.read(m_sandbox.tasks_root() + "/current/broken-11A.task.md"),
              "# Broken \xff\xfe\n\n---\ntype: bug\n---\n");
}

TEST_F(TaskCommands, CompleteMarksDoneAndArchivesIntoTheMonthFolder) {
    ASSERT_EQ(m_sandbox.sc({"task", "create", "--title", "Ship it"}).exit_code, 0);
    std::string id = month_id(m_sandbox, "ship-it");
    RunResult completed = m_sandbox.sc({"task", "complete", id, "--archive-date", "2025-01"});
    ASSERT_EQ(completed.exit_code, 0) << completed.err;
    std::string archived = m_sandbox.read(m_sandbox.tasks_root() + "/archive/2025-01/" + id + ".task.md");
    EXPECT_NE(archived.find("status: done"), std::string::npos);
    EXPECT_FALSE(fs::exists(m_sandbox.tasks_root() + "/current/" + id + ".task.md"));
}

TEST_F(TaskCommands, ParallelizeGivesTheChosenSubtasksOneNumberAndRenumbersTheRest) {
    RunResult created = m_sandbox.sc({"parent", "create", "--title", "Auth overhaul", "--subtask", "Design tokens",
                                      "Token service", "Migration guide"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    std::string parent = month_id(m_sandbox, "auth-overhaul");
    RunResult listed = m_sandbox.sc({"task", "list", "--parent", parent, "--format", "minimal"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    std::vector<std::string> ids;
    for (size_t start = 0; start < listed.out.size();) {
        size_t end = listed.out.find('\n', start);
        std::string line = listed.out.substr(start, end - start);
        ids.push_back(line.substr(0, line.find('\t')));
        start = end + 1;
    }
    ASSERT_EQ(ids.size(), 3U) << listed.out;
    RunResult parallel = m_sandbox.sc({"parent", "parallelize", parent, "--subtasks", ids[1], ids[2]});
    ASSERT_EQ(parallel.exit_code, 0) << parallel.err;
    RunResult shown = m_sandbox.sc({"parent", "show", parent, "--format", "json"});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    auto tree = shown.json();
    ASSERT_EQ(tree.size(), 4U);
    // Scopecraft's rule (format.md): the chosen ones share the lowest of their numbers and every
    // other subtask is renumbered after them, in old order, earlier ones included.
    EXPECT_EQ(tree[1]["metadata"]["sequenceNumber"], "02");
    EXPECT_EQ(tree[2]["metadata"]["sequenceNumber"], "02");
    EXPECT_EQ(tree[3]["metadata"]["sequenceNumber"], "03");
    EXPECT_NE(tree[3]["metadata"]["id"].get<std::string>().find("design-tokens"), std::string::npos);
}

TEST_F(TaskCommands, TwoProcessesCreatingAtOnceLoseNoTaskAndShareNoId) {
    std::string script;
    for (int writer = 0; writer < 2; ++writer) {
        script += "(for i in $(seq 1 15); do " + std::string(SC_BINARY) +
                  " task create --title \"Same title\" >/dev/null || exit 1; done) & pids=\"$pids $!\"; ";
    }
    // A bare `wait` returns 0 whatever its children did: wait on each writer for its status.
    script += "status=0; for pid in $pids; do wait $pid || status=1; done; exit $status";
    RunResult raced = m_sandbox.run({"bash", "-c", script});
    ASSERT_EQ(raced.exit_code, 0) << raced.err;
    RunResult listed = m_sandbox.sc({"task", "list", "--format", "minimal"});
    std::set<std::string> ids;
    size_t lines = 0;
    for (size_t start = 0; start < listed.out.size(); ++lines) {
        size_t end = listed.out.find('\n', start);
        ids.insert(listed.out.substr(start, listed.out.find('\t', start) - start));
        start = end + 1;
    }
    EXPECT_EQ(lines, 30U);
    EXPECT_EQ(ids.size(), 30U);
}

TEST_F(TaskCommands, SectionsAndLogAreWrittenInPlace) {
    ASSERT_EQ(m_sandbox.sc({"task", "create", "--title", "Write docs"}).exit_code, 0);
    std::string id = month_id(m_sandbox, "write-docs");
    ASSERT_EQ(m_sandbox.sc({"task", "section", id, "tasks", "--set", "- [ ] outline\n- [x] draft"}).exit_code, 0);
    ASSERT_EQ(m_sandbox.sc({"task", "log", id, "Drafted the outline"}).exit_code, 0);
    RunResult tasks = m_sandbox.sc({"task", "section", id, "tasks"});
    EXPECT_EQ(tasks.out, "- [ ] outline\n- [x] draft\n");
    RunResult log = m_sandbox.sc({"task", "section", id, "log"});
    EXPECT_NE(log.out.find(": Drafted the outline"), std::string::npos) << log.out;
    EXPECT_EQ(log.out.rfind("- 20", 0), 0U) << log.out;
}

}  // namespace
}  // namespace sc::e2e
