// End-to-end: the `sc task` commands and options that task_test.cpp leaves out: get, delete
// (its --force guard and --cascade), block, review, move, section --stdin, log --utc-date,
// promote, the create/update/list options.

#include <filesystem>

#include "e2e/project_fixture.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

class TaskOptions : public ProjectTest {
protected:
    void SetUp() override { start(false); }

    std::string current(const std::string& id) const { return tree() + "/current/" + id + ".task.md"; }

    // The ids of `sc task list ARGS --format minimal`, in order.
    std::vector<std::string> listed(std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), {"task", "list"});
        arguments.insert(arguments.end(), {"--format", "minimal"});
        std::string out = ok(arguments).out;
        std::vector<std::string> ids;
        for (size_t at = 0; at < out.size();) {
            size_t end = out.find('\n', at);
            ids.push_back(out.substr(at, out.find('\t', at) - at));
            at = end == std::string::npos ? out.size() : end + 1;
        }
        return ids;
    }
};

TEST_F(TaskOptions, GetShowsTheTaskAsTextAndJson) {
    std::string id = create("Add login page", {"--priority", "high", "--content", "Build the form."});
    RunResult text = ok({"task", "get", id});
    EXPECT_EQ(text.out.rfind("Add login page\n", 0), 0U) << text.out;
    EXPECT_NE(text.out.find("id: " + id + "\n"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("priority: high\n"), std::string::npos) << text.out;
    auto json = ok({"task", "get", id, "--format", "json"}).json();
    EXPECT_EQ(json["metadata"]["id"], id);
    EXPECT_EQ(json["document"]["sections"]["instruction"], "Build the form.");
    RunResult missing = m_sandbox.sc({"task", "get", "no-such-12A"});
    EXPECT_EQ(missing.exit_code, 3);
    EXPECT_EQ(missing.out, "");
}

TEST_F(TaskOptions, DeleteRefusesWithoutForceThenRemovesTheFile) {
    std::string id = create("Old experiment");
    std::string before = m_sandbox.read(current(id));
    RunResult refused = m_sandbox.sc({"task", "delete", id});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_EQ(refused.err, "sc: error: not deleting " + id +
                               " without --force\nsc: hint: deleting removes the file for good: add --force (and "
                               "--cascade for a parent)\n");
    EXPECT_EQ(m_sandbox.read(current(id)), before);

    RunResult deleted = ok({"task", "delete", id, "--force"});
    EXPECT_EQ(deleted.out, "Deleted " + id + "\n");
    EXPECT_FALSE(fs::exists(current(id)));
    EXPECT_EQ(m_sandbox.sc({"task", "delete", id, "--force"}).exit_code, 3);
}

TEST_F(TaskOptions, DeleteOfAParentNeedsCascadeAndThenTakesTheWholeFolder) {
    std::vector<std::string> ids = create_parent("Release", {"Tag", "Announce"});
    ASSERT_EQ(ids.size(), 3U);
    std::string folder = tree() + "/current/" + ids[0];
    auto before = m_sandbox.snapshot(folder);
    RunResult refused = m_sandbox.sc({"task", "delete", ids[0], "--force"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("cannot delete the parent task " + ids[0] + " without its subtasks"), std::string::npos)
        << refused.err;
    EXPECT_EQ(m_sandbox.snapshot(folder), before);

    auto deleted = ok({"task", "delete", ids[0], "--force", "--cascade", "--format", "json"}).json();
    EXPECT_EQ(deleted["deleted"], nlohmann::json(ids));
    EXPECT_FALSE(fs::exists(folder));
    EXPECT_TRUE(fs::is_directory(tree() + "/current"));
}

TEST_F(TaskOptions, BlockReviewAndStartSetTheStatusLine) {
    std::string id = create("Ship it");
    for (auto [command, status] :
         {std::pair {"block", "blocked"}, std::pair {"review", "reviewing"}, std::pair {"start", "in_progress"}}) {
        RunResult result = ok({"task", command, id});
        EXPECT_EQ(result.out, command == std::string("start") ? "Started task " + id + "\n"
                                                              : "Task " + id + " is now " + status + "\n");
        std::string file = m_sandbox.read(current(id));
        EXPECT_NE(file.find("\nstatus: " + std::string(status) + "\n"), std::string::npos) << file;
        EXPECT_EQ(listed({"--status", status}), std::vector<std::string> {id});
    }
    EXPECT_EQ(m_sandbox.sc({"task", "block", "nope-12A"}).exit_code, 3);
}

TEST_F(TaskOptions, MoveGoesToTheArchiveMonthAndBack) {
    std::string id = create("Archive me");
    std::string content = m_sandbox.read(current(id));
    RunResult nowhere = m_sandbox.sc({"task", "move", id});
    EXPECT_EQ(nowhere.exit_code, 2);
    EXPECT_NE(nowhere.err.find("say where to move the task"), std::string::npos) << nowhere.err;

    RunResult archived = ok({"task", "move", id, "--to-archive", "--archive-date", "2025-01"});
    EXPECT_EQ(archived.out, "Moved task " + id + " to archive/2025-01/" + id + ".task.md\n");
    EXPECT_EQ(m_sandbox.read(tree() + "/archive/2025-01/" + id + ".task.md"), content);  // moved, not rewritten
    EXPECT_FALSE(fs::exists(current(id)));
    EXPECT_EQ(listed({"--location", "archive"}), std::vector<std::string> {id});

    ok({"task", "move", id, "--to-current"});
    EXPECT_EQ(m_sandbox.read(current(id)), content);
    ok({"task", "move", id, "--location", "archive", "--date", "2025-02"});
    EXPECT_TRUE(fs::exists(tree() + "/archive/2025-02/" + id + ".task.md"));
    ok({"task", "move", id, "--location", "current"});
    EXPECT_TRUE(fs::exists(current(id)));

    RunResult bad_month = m_sandbox.sc({"task", "move", id, "--to-current", "--archive-date", "2025-01"});
    EXPECT_EQ(bad_month.exit_code, 2);
    EXPECT_NE(bad_month.err.find("--archive-date only applies when moving to the archive"), std::string::npos)
        << bad_month.err;
    EXPECT_TRUE(fs::exists(current(id)));
}

TEST_F(TaskOptions, SectionFromStdinWritesWhatSetWouldWrite) {
    std::string piped = create("Piped");
    std::string set = create("Set");
    ok({"task", "section", piped, "deliverable", "--stdin"}, "A login form\nwith tests.\n");
    ok({"task", "section", set, "deliverable", "--set", "A login form\nwith tests."});
    EXPECT_EQ(ok({"task", "section", piped, "deliverable"}).out, "A login form\nwith tests.\n");
    std::string piped_file = m_sandbox.read(current(piped));
    std::string set_file = m_sandbox.read(current(set));
    EXPECT_EQ(piped_file.substr(piped_file.find("---")), set_file.substr(set_file.find("---")));
    EXPECT_NE(piped_file.find("## Deliverable\nA login form\nwith tests.\n"), std::string::npos) << piped_file;

    RunResult both = m_sandbox.sc({"task", "section", piped, "deliverable", "--stdin", "--set", "x"}, "y");
    EXPECT_EQ(both.exit_code, 2);
    EXPECT_NE(both.err.find("--set and --stdin both give the new text"), std::string::npos) << both.err;
    EXPECT_EQ(m_sandbox.read(current(piped)), piped_file);
}

TEST_F(TaskOptions, LogWithUtcDateWritesADateOnlyEntry) {
    std::string id = create("Logged");
    ok({"task", "log", id, "Started the work", "--utc-date"});
    std::string today = m_sandbox.run({"date", "-u", "+%Y-%m-%d"}).out.substr(0, 10);
    EXPECT_EQ(ok({"task", "section", id, "log"}).out, "- " + today + ": Started the work\n");
}

TEST_F(TaskOptions, PromoteTurnsATaskIntoAParentWithSubtasks) {
    std::string id = create("Export reports", {"--priority", "high"});
    RunResult promoted = ok({"task", "promote", id, "--subtask", "CSV export", "PDF export", "--format", "json"});
    auto view = promoted.json();
    ASSERT_EQ(view.size(), 3U) << promoted.out;
    EXPECT_EQ(view[0]["metadata"]["isParentTask"], true);
    EXPECT_EQ(view[1]["document"]["title"], "CSV export");
    EXPECT_EQ(view[1]["metadata"]["sequenceNumber"], "01");
    EXPECT_EQ(view[2]["metadata"]["sequenceNumber"], "02");
    std::string parent = view[0]["metadata"]["id"];
    EXPECT_FALSE(fs::exists(current(id)));
    std::string overview = m_sandbox.read(tree() + "/current/" + parent + "/_overview.md");
    EXPECT_EQ(overview.rfind("# Export reports\n", 0), 0U) << overview;
    EXPECT_NE(overview.find("priority: high"), std::string::npos) << overview;
    EXPECT_EQ(m_sandbox.snapshot(tree() + "/current/" + parent).size(), 3U);
}

TEST_F(TaskOptions, ExtractAndAdoptMoveATaskOutOfAndIntoAParentWithItsBytesUnchanged) {
    std::string id = create("Export reports");
    auto view = ok({"task", "promote", id, "--subtask", "CSV export", "PDF export", "--format", "json"}).json();
    std::string parent = view[0]["metadata"]["id"];
    std::string subtask = view[1]["metadata"]["id"];  // 01_csv-export-MML
    std::string bytes = m_sandbox.read(tree() + "/current/" + parent + "/" + subtask + ".task.md");

    auto extracted = ok({"task", "extract", subtask, "--format", "json"}).json();
    std::string plain = extracted["metadata"]["id"];
    EXPECT_EQ(plain, subtask.substr(3)) << "the id keeps its name and letter, without NN_";
    EXPECT_EQ(extracted["metadata"]["isParentTask"], false);
    EXPECT_FALSE(extracted["metadata"].contains("parentTask"));
    EXPECT_EQ(m_sandbox.read(current(plain)), bytes);
    EXPECT_FALSE(fs::exists(tree() + "/current/" + parent + "/" + subtask + ".task.md"));

    auto adopted = ok({"task", "adopt", plain, "--parent", parent, "--sequence", "05", "--format", "json"}).json();
    EXPECT_EQ(adopted["metadata"]["id"], "05_" + plain);
    EXPECT_EQ(adopted["metadata"]["parentTask"], parent);
    EXPECT_EQ(adopted["metadata"]["sequenceNumber"], "05");
    EXPECT_EQ(m_sandbox.read(tree() + "/current/" + parent + "/05_" + plain + ".task.md"), bytes);
    EXPECT_FALSE(fs::exists(current(plain)));
    // The old id still finds it.
    EXPECT_EQ(ok({"task", "get", plain, "--format", "json"}).json()["metadata"]["id"], "05_" + plain);

    RunResult not_a_subtask = m_sandbox.sc({"task", "extract", parent});
    EXPECT_NE(not_a_subtask.exit_code, 0);
    EXPECT_NE(not_a_subtask.err.find(parent + " is not a subtask"), std::string::npos) << not_a_subtask.err;
    RunResult no_parent = m_sandbox.sc({"task", "adopt", create("Loose")});
    EXPECT_NE(no_parent.exit_code, 0);
    EXPECT_NE(no_parent.err.find("adopt needs the parent to put the task in"), std::string::npos) << no_parent.err;
}

TEST_F(TaskOptions, CreateAndUpdateWriteEveryFieldOption) {
    std::string before = create("Before");
    std::string after = create("After");
    std::string id = create("Middle", {"--status", "in progress", "--depends", before, "--previous", before, "--next",
                                       after, "--tags", "a", "b", "--assignee", "carol"});
    std::string file = m_sandbox.read(current(id));
    EXPECT_NE(file.find("\nstatus: in_progress\n"), std::string::npos) << file;
    EXPECT_NE(file.find("depends:\n  - " + before + "\n"), std::string::npos) << file;
    EXPECT_NE(file.find("\nprevious: " + before + "\n"), std::string::npos) << file;
    EXPECT_NE(file.find("\nnext: " + after + "\n"), std::string::npos) << file;

    ok({"task", "update", id, "--title", "Middle step", "--content", "New instruction", "--type", "bug", "--area",
        "backend", "--phase", "active", "--priority", "low", "--assignee", "dave", "--tags", "c"});
    auto json = ok({"task", "get", id, "--format", "json"}).json();
    EXPECT_EQ(json["document"]["title"], "Middle step");
    EXPECT_EQ(json["metadata"]["id"], id);  // the id never follows the title
    EXPECT_EQ(json["document"]["sections"]["instruction"], "New instruction");
    auto& fields = json["document"]["frontmatter"];
    EXPECT_EQ(fields["type"], "bug");
    EXPECT_EQ(fields["area"], "backend");
    EXPECT_EQ(fields["phase"], "active");
    EXPECT_EQ(fields["priority"], "low");
    EXPECT_EQ(fields["assignee"], "dave");
    EXPECT_EQ(fields["tags"], nlohmann::json::array({"c"}));

    ok({"task", "update", id, "--location", "archive", "--archive-date", "2025-05"});
    EXPECT_TRUE(fs::exists(tree() + "/archive/2025-05/" + id + ".task.md"));

    std::string archived = create("Born archived", {"--location", "archive", "--archive-date", "2025-04"});
    EXPECT_TRUE(fs::exists(tree() + "/archive/2025-04/" + archived + ".task.md"));
}

TEST_F(TaskOptions, CreateWithParentAddsASubtask) {
    std::vector<std::string> parent = create_parent("Search revamp", {"Pick a library"});
    std::string id = create("Build the indexer", {"--parent", parent[0]});
    EXPECT_TRUE(fs::exists(tree() + "/current/" + parent[0] + "/" + id + ".task.md"));
    EXPECT_EQ(listed({"--parent", parent[0]}), (std::vector<std::string> {parent[1], id}));
}

TEST_F(TaskOptions, ListFiltersByEveryField) {
    std::string bug = create("Crash on save", {"--type", "bug", "--area", "backend", "--assignee", "alice", "--tags",
                                               "urgent", "--phase", "active"});
    std::string idea = create("Dark mode", {"--type", "idea", "--area", "frontend", "--tags", "ui"});
    std::vector<std::string> parent = create_parent("Launch", {"Write notes"});
    std::string done = create("Finished");
    ok({"task", "complete", done, "--archive-date", "2025-01"});

    EXPECT_EQ(listed({"--type", "bug"}), std::vector<std::string> {bug});
    EXPECT_EQ(listed({"--area", "frontend"}), std::vector<std::string> {idea});
    EXPECT_EQ(listed({"--subdirectory", "frontend"}), std::vector<std::string> {idea});
    EXPECT_EQ(listed({"--assignee", "alice"}), std::vector<std::string> {bug});
    EXPECT_EQ(listed({"--tags", "ui", "urgent"}).size(), 2U);
    EXPECT_EQ(listed({"--phase", "active"}), std::vector<std::string> {bug});
    EXPECT_EQ(listed({"--location", "archive"}), std::vector<std::string> {done});
    std::vector<std::string> current = listed({});
    EXPECT_EQ(std::count(current.begin(), current.end(), done), 0);
    EXPECT_EQ(std::count(current.begin(), current.end(), parent[0]), 0);  // parents only on request
    std::vector<std::string> all = listed({"--all"});
    EXPECT_EQ(std::count(all.begin(), all.end(), done), 1);
    EXPECT_EQ(listed({"--location", "all"}), all);
    std::vector<std::string> with_parents = listed({"--include-parents"});
    EXPECT_EQ(std::count(with_parents.begin(), with_parents.end(), parent[0]), 1);
    EXPECT_EQ(m_sandbox.sc({"task", "list", "--location", "attic"}).exit_code, 2);
}

}  // namespace
}  // namespace sc::e2e
