// End-to-end: ids that sc makes are ids sc accepts (subtask twins across parents, and the
// parent-qualified id that tells twins apart), a completed subtask stays with its parent, a
// broken layout is named as such, and a command that fails creates nothing. Telemetry stays on
// in its default place beside the tasks, so every scenario ends with `events replay --verify`.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

class IdsAndLayout : public ::testing::Test {
protected:
    void SetUp() override {
        m_telemetry = m_sandbox.sc({"--version"}).out.find("telemetry compiled out") == std::string::npos;
        m_month = m_sandbox.run({"date", "+%m"}).out.substr(0, 2);
        m_year_month = m_sandbox.run({"date", "+%Y-%m"}).out.substr(0, 7);
    }
    RunResult ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << "sc " << arguments.front() << ": " << result.err;
        return result;
    }
    // The events rebuild the live tree (skipped when telemetry is compiled out).
    void expect_replay_holds() {
        if (!m_telemetry)
            return;
        RunResult verified = m_sandbox.sc({"events", "replay", "--verify"});
        EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    }
    std::string store_dir() const { return fs::path(m_sandbox.tasks_root()).parent_path().string(); }

    Sandbox m_sandbox;
    bool m_telemetry = true;
    std::string m_month;
    std::string m_year_month;
};

// Every subtask of the listing: (parent id, subtask id).
std::vector<std::pair<std::string, std::string>> subtasks_of(const RunResult& listed) {
    std::vector<std::pair<std::string, std::string>> found;
    for (const auto& task : listed.json())
        if (task["metadata"].contains("parentTask"))
            found.emplace_back(task["metadata"]["parentTask"].get<std::string>(),
                               task["metadata"]["id"].get<std::string>());
    return found;
}

TEST_F(IdsAndLayout, SubtasksOfThirtyParentsWithOneTitleGetIdsThatEachFindOneTask) {
    ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    for (int i = 1; i <= 30; ++i)
        ok({"parent", "create", "--title", "p" + std::to_string(i), "--subtask", "Write tests"});
    auto subtasks = subtasks_of(ok({"task", "list", "--format", "json"}));
    ASSERT_EQ(subtasks.size(), 30U);
    std::set<std::string> bare_ids;
    for (const auto& [parent, id] : subtasks) {
        bare_ids.insert(id.substr(3));
        // The full id and the id without `NN_` both name this one task, for reads and writes.
        EXPECT_EQ(m_sandbox.sc({"task", "get", id}).exit_code, 0) << id;
        RunResult updated = m_sandbox.sc({"task", "update", id.substr(3), "--priority", "high"});
        EXPECT_EQ(updated.exit_code, 0) << id << ": " << updated.err;
    }
    // 26 letters for one name in one month: the rest take a number, as Scopecraft does after Z.
    EXPECT_EQ(bare_ids.size(), 30U);
    expect_replay_holds();
}

TEST_F(IdsAndLayout, TwinSubtasksAreRefusedByBareIdAndFoundWithTheirParent) {
    ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    ok({"parent", "create", "--title", "Alpha", "--subtask", "Write tests"});
    ok({"parent", "create", "--title", "Beta", "--subtask", "Write tests"});
    std::string alpha = "alpha-" + m_month + "A";
    std::string beta = "beta-" + m_month + "A";
    auto subtasks = subtasks_of(ok({"task", "list", "--format", "json"}));
    ASSERT_EQ(subtasks.size(), 2U);
    std::string twin = subtasks[0].first == alpha ? subtasks[0].second : subtasks[1].second;
    std::string other = subtasks[0].first == alpha ? subtasks[1].second : subtasks[0].second;
    // Scopecraft checks no subtask letter: give Beta's subtask the id of Alpha's, as it may.
    fs::rename(m_sandbox.tasks_root() + "/current/" + beta + "/" + other + ".task.md",
               m_sandbox.tasks_root() + "/current/" + beta + "/" + twin + ".task.md");

    RunResult refused = m_sandbox.sc({"task", "update", twin, "--status", "done"});
    EXPECT_EQ(refused.exit_code, 4);
    std::string alpha_file = m_sandbox.tasks_root() + "/current/" + alpha + "/" + twin + ".task.md";
    std::string beta_file = m_sandbox.tasks_root() + "/current/" + beta + "/" + twin + ".task.md";
    EXPECT_EQ(refused.err, "sc: error: the id " + twin + " is claimed by more than one file: " + alpha_file + " and " +
                               beta_file + " (" + alpha_file + ": id)\nsc: hint: name a subtask " +
                               "with its parent, e.g. " + alpha + "/" + twin + " or " + beta + "/" + twin +
                               "; or rename or remove all but one\n");
    // The listing's warning says the same.
    RunResult listed = ok({"task", "list"});
    EXPECT_NE(
        listed.err.find("name a subtask with its parent, e.g. " + alpha + "/" + twin + " or " + beta + "/" + twin),
        std::string::npos)
        << listed.err;

    // Named with its parent, by either form of its id, each twin is one task.
    ok({"task", "update", beta + "/" + twin, "--status", "done"});
    ok({"task", "log", alpha + "/" + twin.substr(3), "Alpha's own"});
    EXPECT_NE(m_sandbox.read(beta_file).find("status: done"), std::string::npos);
    EXPECT_EQ(m_sandbox.read(alpha_file).find("status: done"), std::string::npos);
    EXPECT_NE(m_sandbox.read(alpha_file).find("Alpha's own"), std::string::npos);
    RunResult got = ok({"task", "get", beta + "/" + twin, "--format", "json"});
    EXPECT_EQ(got.json()["metadata"]["parentTask"], beta);
    RunResult missing = m_sandbox.sc({"task", "get", "gamma-" + m_month + "A/" + twin});
    EXPECT_EQ(missing.exit_code, 3) << missing.err;

    if (m_telemetry) {
        // Twins never share a stream: each subtask's is keyed by its parent.
        auto events = ok({"events", "list", "--format", "json"}).json();
        std::set<std::string> streams;
        for (const auto& event : events)
            streams.insert(event["stream"].get<std::string>());
        EXPECT_EQ(streams.count("task:" + alpha + "/" + twin.substr(3)), 1U);
        EXPECT_EQ(streams.count("task:" + beta + "/" + twin.substr(3)), 1U);
        EXPECT_EQ(streams.count("task:" + twin.substr(3)), 0U);
        auto alpha_history = ok({"task", "history", alpha + "/" + twin, "--format", "json"}).json();
        auto beta_history = ok({"task", "history", beta + "/" + twin, "--format", "json"}).json();
        ASSERT_FALSE(alpha_history.empty());
        ASSERT_FALSE(beta_history.empty());
        EXPECT_EQ(alpha_history.back()["type"], "TaskLogAppended");
        EXPECT_EQ(beta_history.back()["type"], "TaskUpdated");
        for (const auto& event : alpha_history)
            EXPECT_EQ(event["stream"], "task:" + alpha + "/" + twin.substr(3));
    }
    expect_replay_holds();
}

TEST_F(IdsAndLayout, ACompletedSubtaskStaysInItsParentsFolderAndTheParentTakesItsFolderAlong) {
    ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    ok({"parent", "create", "--title", "Release", "--subtask", "Build", "--subtask", "Ship"});
    std::string parent = "release-" + m_month + "A";
    auto subtasks = subtasks_of(ok({"task", "list", "--format", "json"}));
    ASSERT_EQ(subtasks.size(), 2U);
    const std::string& build = subtasks[0].second;

    ok({"task", "complete", build});
    std::string folder = m_sandbox.tasks_root() + "/current/" + parent;
    EXPECT_NE(m_sandbox.read(folder + "/" + build + ".task.md").find("status: done"), std::string::npos);
    EXPECT_FALSE(fs::exists(m_sandbox.tasks_root() + "/archive/" + m_year_month + "/" + parent));
    auto shown = ok({"parent", "show", parent, "--format", "json"}).json();
    EXPECT_EQ(shown.dump().find(build) != std::string::npos, true) << shown.dump();

    ok({"task", "complete", parent});
    std::string archived = m_sandbox.tasks_root() + "/archive/" + m_year_month + "/" + parent;
    EXPECT_TRUE(fs::exists(archived + "/_overview.md"));
    EXPECT_TRUE(fs::exists(archived + "/" + build + ".task.md"));
    EXPECT_TRUE(fs::exists(archived + "/" + subtasks[1].second + ".task.md"));
    EXPECT_FALSE(fs::exists(folder));
    expect_replay_holds();
}

TEST_F(IdsAndLayout, CompletingAParentMergesThePartialFolderAnOlderVersionLeftInTheArchive) {
    ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    ok({"parent", "create", "--title", "Cleanup", "--subtask", "Delete dead code", "--subtask", "Prune branches"});
    std::string parent = "cleanup-" + m_month + "A";
    auto subtasks = subtasks_of(ok({"task", "list", "--format", "json"}));
    ASSERT_EQ(subtasks.size(), 2U);
    // What `sc task complete <subtask>` did before: the file alone, into a folder without
    // `_overview.md`.
    std::string partial = m_sandbox.tasks_root() + "/archive/" + m_year_month + "/" + parent;
    fs::create_directories(partial);
    std::string moved = subtasks[0].second + ".task.md";
    fs::rename(m_sandbox.tasks_root() + "/current/" + parent + "/" + moved, partial + "/" + moved);

    RunResult completed = m_sandbox.sc({"task", "complete", parent});
    ASSERT_EQ(completed.exit_code, 0) << completed.err;
    EXPECT_TRUE(fs::exists(partial + "/_overview.md"));
    EXPECT_TRUE(fs::exists(partial + "/" + moved));
    EXPECT_TRUE(fs::exists(partial + "/" + subtasks[1].second + ".task.md"));
    EXPECT_FALSE(fs::exists(m_sandbox.tasks_root() + "/current/" + parent));
    // Both subtasks are the parent's again.
    auto shown = ok({"parent", "show", parent, "--format", "json"}).json().dump();
    EXPECT_NE(shown.find(subtasks[0].second), std::string::npos) << shown;
    EXPECT_NE(shown.find(subtasks[1].second), std::string::npos) << shown;
    expect_replay_holds();
}

TEST_F(IdsAndLayout, ArchivingAParentWithParentMoveMergesThePartialFolderOfThatMonth) {
    ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    ok({"parent", "create", "--title", "Migrate", "--subtask", "Copy data"});
    std::string parent = "migrate-" + m_month + "A";
    auto subtasks = subtasks_of(ok({"task", "list", "--format", "json"}));
    ASSERT_EQ(subtasks.size(), 1U);
    std::string moved = subtasks[0].second + ".task.md";
    std::string partial = m_sandbox.tasks_root() + "/archive/2025-03/" + parent;
    fs::create_directories(partial);
    fs::rename(m_sandbox.tasks_root() + "/current/" + parent + "/" + moved, partial + "/" + moved);

    ok({"parent", "move", parent, "--to-archive", "--archive-date", "2025-03"});
    EXPECT_TRUE(fs::exists(partial + "/_overview.md"));
    EXPECT_TRUE(fs::exists(partial + "/" + moved));
    EXPECT_EQ(ok({"task", "get", subtasks[0].second, "--format", "json"}).json()["metadata"]["parentTask"], parent);
    expect_replay_holds();
}

TEST_F(IdsAndLayout, ACurrentFolderThatIsAFileIsNamedAsSuchByListAndInit) {
    fs::create_directories(m_sandbox.tasks_root());
    m_sandbox.write(m_sandbox.tasks_root() + "/current", "not a folder\n");
    std::string expected = "sc: error: " + m_sandbox.tasks_root() + "/current is not a folder (" +
                           m_sandbox.tasks_root() + "/current)\nsc: hint: the task tree needs a folder there: " +
                           "remove or rename the file in the way, then run `sc init`\n";
    RunResult listed = m_sandbox.sc({"task", "list"});
    EXPECT_EQ(listed.exit_code, 6);
    EXPECT_EQ(listed.err, expected);
    RunResult init = m_sandbox.sc({"init"});
    EXPECT_EQ(init.exit_code, 6);
    EXPECT_EQ(init.err, expected);
}

TEST_F(IdsAndLayout, ATasksFolderThatIsAFileIsNamedAsSuchByListAndInit) {
    fs::create_directories(store_dir());
    m_sandbox.write(m_sandbox.tasks_root(), "not a folder\n");
    std::string expected = "sc: error: " + m_sandbox.tasks_root() + " is not a folder (" + m_sandbox.tasks_root() +
                           ")\nsc: hint: the task tree needs a folder there: remove or rename the file in the way, " +
                           "then run `sc init`\n";
    RunResult listed = m_sandbox.sc({"task", "list"});
    EXPECT_EQ(listed.exit_code, 6);
    EXPECT_EQ(listed.err, expected);
    RunResult init = m_sandbox.sc({"init"});
    EXPECT_EQ(init.exit_code, 6);
    EXPECT_EQ(init.err, expected);
}

TEST_F(IdsAndLayout, AProjectAtTheFileSystemRootIsRefusedWithItsReason) {
    RunResult listed = m_sandbox.sc({"--root-dir", "/", "task", "list"});
    EXPECT_EQ(listed.exit_code, 2);
    EXPECT_EQ(listed.err, "sc: error: the project root is /, the file system root: its task store would be " +
                              m_sandbox.home() + "/.scopecraft/projects itself, among the other projects' stores\n" +
                              "sc: hint: run sc inside a project folder, or name one with --root-dir or " +
                              "SCOPECRAFT_ROOT\n");
    EXPECT_FALSE(fs::exists(m_sandbox.home() + "/.scopecraft"));
}

TEST_F(IdsAndLayout, AListingWithHomePointingNowhereFailsAndCreatesNothing) {
    std::string home = m_sandbox.root() + "/no-such-home";
    m_sandbox.set_env("HOME", home);
    RunResult listed = m_sandbox.sc({"task", "list"});
    EXPECT_EQ(listed.exit_code, 3);
    EXPECT_NE(listed.err.find("there is no task tree at " + home + "/.scopecraft/projects/"), std::string::npos)
        << listed.err;
    EXPECT_FALSE(fs::exists(home));
}

TEST_F(IdsAndLayout, CommandsInAProjectNeverInitialisedCreateNothing) {
    for (const std::vector<std::string>& command : {std::vector<std::string> {"task", "list"},
                                                    {"task", "get", "x-01A"},
                                                    {"parent", "show", "x-01A"},
                                                    {"task", "create", "--title", "Too early"},
                                                    {"events", "list"}}) {
        RunResult result = m_sandbox.sc(command);
        EXPECT_NE(result.exit_code, 0) << command.front() << " " << command[1];
        EXPECT_FALSE(fs::exists(m_sandbox.home() + "/.scopecraft")) << command.front() << " " << command[1];
    }
    // Once initialised, telemetry is kept beside the tasks, init's own event first.
    ok({"init"});
    if (m_telemetry) {
        EXPECT_TRUE(fs::is_directory(store_dir() + "/telemetry/events"));
        auto events = ok({"events", "list", "--format", "json"}).json();
        ASSERT_FALSE(events.empty());
        EXPECT_EQ(events[0]["type"], "TaskTreeInitialized");
    }
    expect_replay_holds();
}

TEST_F(IdsAndLayout, TaskCreateWithTelemetryOffKeepsTheIdIndexWithTheTreeAndWritesNoTelemetryFile) {
    m_sandbox.set_env("OTEL_SDK_DISABLED", "true");
    ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    fs::remove_all(store_dir() + "/telemetry");
    std::string index = m_sandbox.tasks_root() + "/.sc-id-index";
    EXPECT_NE(ok({"task", "create", "--title", "Quiet task"}).out.find("quiet-task-" + m_month + "A"),
              std::string::npos);
    ASSERT_TRUE(fs::exists(index));
    EXPECT_NE(ok({"task", "create", "--title", "Quiet task"}).out.find("quiet-task-" + m_month + "B"),
              std::string::npos);
    // Names made outside sc, in the tree's folders, are seen by the next create: a file in
    // current/, a parent's folder, an archive month.
    std::ofstream(m_sandbox.tasks_root() + "/current/quiet-task-" + m_month + "C.task.md") << "# Outside\n";
    fs::create_directories(m_sandbox.tasks_root() + "/current/quiet-task-" + m_month + "D");
    std::ofstream(m_sandbox.tasks_root() + "/current/quiet-task-" + m_month + "D/_overview.md") << "# Parent\n";
    fs::create_directories(m_sandbox.tasks_root() + "/archive/2025-01");
    std::ofstream(m_sandbox.tasks_root() + "/archive/2025-01/quiet-task-" + m_month + "E.task.md") << "# Old\n";
    EXPECT_NE(ok({"task", "create", "--title", "Quiet task"}).out.find("quiet-task-" + m_month + "F"),
              std::string::npos);
    fs::remove(index);  // deleted: rebuilt from the folders
    EXPECT_NE(ok({"task", "create", "--title", "Quiet task"}).out.find("quiet-task-" + m_month + "G"),
              std::string::npos);
    EXPECT_TRUE(fs::exists(index));
    EXPECT_FALSE(fs::exists(store_dir() + "/telemetry"));
    for (const auto& entry : fs::recursive_directory_iterator(m_sandbox.root()))
        EXPECT_EQ(entry.path().string().find("telemetry"), std::string::npos) << entry.path();
}

}  // namespace
}  // namespace sc::e2e
