// End-to-end: the `sc parent` commands task_test.cpp leaves out: add-subtask, list, move,
// resequence, parallelize --sequence, and the options of parent create.

#include <filesystem>

#include "e2e/project_fixture.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

class ParentCommands : public ProjectTest {
protected:
    void SetUp() override {
        start(false);
        if (IsSkipped())
            return;
        m_ids = create_parent("Search revamp", {"Pick a library", "Build the indexer", "Build the API"});
        ASSERT_EQ(m_ids.size(), 4U);
        m_parent = m_ids[0];
        m_folder = tree() + "/current/" + m_parent;
    }

    // The files of the parent's folder, sorted (the sequence prefix orders them).
    std::vector<std::string> files_of(const std::string& folder) const {
        std::vector<std::string> names;
        for (const auto& [name, content] : m_sandbox.snapshot(folder))
            names.push_back(name);
        return names;
    }

    std::vector<std::string> m_ids;
    std::string m_parent;
    std::string m_folder;
};

TEST_F(ParentCommands, CreateWritesTheOverviewWithItsOptionsAndNumberedSubtasks) {
    std::string overview = m_sandbox.read(m_folder + "/_overview.md");
    EXPECT_EQ(overview.rfind("# Search revamp\n", 0), 0U) << overview;
    EXPECT_NE(overview.find("\nphase: backlog\n"), std::string::npos) << overview;
    EXPECT_EQ(files_of(m_folder), (std::vector<std::string> {m_ids[1] + ".task.md", m_ids[2] + ".task.md",
                                                             m_ids[3] + ".task.md", "_overview.md"}));
    EXPECT_EQ(m_ids[1].substr(0, 3), "01_");
    EXPECT_EQ(m_ids[3].substr(0, 3), "03_");

    auto made = ok({"parent", "create",  "--title",    "Billing", "--description", "Charge monthly.",
                    "--type", "chore",   "--priority", "high",    "--assignee",    "erin",
                    "--tags", "money",   "--phase",    "active",  "--status",      "wip",
                    "--area", "backend", "--format",   "json"})
                    .json();
    ASSERT_EQ(made.size(), 1U);
    EXPECT_EQ(made[0]["document"]["sections"]["instruction"], "Charge monthly.");
    auto& fields = made[0]["document"]["frontmatter"];
    EXPECT_EQ(fields["type"], "chore");
    EXPECT_EQ(fields["priority"], "high");
    EXPECT_EQ(fields["status"], "in_progress");
    EXPECT_EQ(fields["phase"], "active");
    EXPECT_EQ(fields["area"], "backend");
}

TEST_F(ParentCommands, AddSubtaskTakesTheNextNumberAndItsFields) {
    RunResult added = ok({"parent", "add-subtask", m_parent, "--title", "Write docs", "--content", "For users.",
                          "--priority", "high", "--assignee", "bob", "--type", "documentation", "--tags", "docs"});
    std::vector<std::string> files = files_of(m_folder);
    ASSERT_EQ(files.size(), 5U);
    std::string name = files[3];
    EXPECT_EQ(name.substr(0, 14), "04_write-docs-") << name;
    std::string id = name.substr(0, name.size() - std::string(".task.md").size());
    EXPECT_EQ(added.out, "Added subtask " + id + " (current/" + m_parent + "/" + name + ")\n");
    std::string file = m_sandbox.read(m_folder + "/" + name);
    EXPECT_EQ(file.rfind("# Write docs\n", 0), 0U) << file;
    for (const char* line :
         {"\ntype: documentation\n", "\npriority: high\n", "\nassignee: bob\n", "\n## Instruction\nFor users.\n"})
        EXPECT_NE(file.find(line), std::string::npos) << line << " in\n" << file;
    auto shown = ok({"parent", "show", m_parent, "--format", "json"}).json();
    ASSERT_EQ(shown.size(), 5U);
    EXPECT_EQ(shown[4]["metadata"]["sequenceNumber"], "04");

    RunResult missing = m_sandbox.sc({"parent", "add-subtask", "no-such-parent-12A", "--title", "Lost"});
    EXPECT_EQ(missing.exit_code, 3);
    RunResult untitled = m_sandbox.sc({"parent", "add-subtask", m_parent});
    EXPECT_EQ(untitled.exit_code, 2);
    EXPECT_EQ(files_of(m_folder).size(), 5U);
}

TEST_F(ParentCommands, ListShowsParentsAndAllAddsTheArchived) {
    std::vector<std::string> old = create_parent("Old launch", {});
    ok({"parent", "move", old[0], "--to-archive", "--archive-date", "2025-01"});
    create("A plain task");
    auto current = ok({"parent", "list", "--format", "json"}).json();
    ASSERT_EQ(current.size(), 1U);
    EXPECT_EQ(current[0]["metadata"]["id"], m_parent);
    auto all = ok({"parent", "list", "--all", "--format", "json"}).json();
    ASSERT_EQ(all.size(), 2U);
    RunResult table = ok({"parent", "list", "--all"});
    EXPECT_NE(table.out.find("archive/2025-01"), std::string::npos) << table.out;
}

TEST_F(ParentCommands, MoveTakesTheWholeFolderToTheArchiveAndBack) {
    auto before = m_sandbox.snapshot(m_folder);
    RunResult nowhere = m_sandbox.sc({"parent", "move", m_parent});
    EXPECT_EQ(nowhere.exit_code, 2);
    EXPECT_NE(nowhere.err.find("say where to move the parent"), std::string::npos) << nowhere.err;

    RunResult archived = ok({"parent", "move", m_parent, "--to-archive", "--archive-date", "2025-03"});
    EXPECT_EQ(archived.out, "Moved parent " + m_parent + " to archive/2025-03/" + m_parent + "\n");
    EXPECT_FALSE(fs::exists(m_folder));
    EXPECT_EQ(m_sandbox.snapshot(tree() + "/archive/2025-03/" + m_parent), before);

    ok({"parent", "move", m_parent, "--to-current"});
    EXPECT_EQ(m_sandbox.snapshot(m_folder), before);
    EXPECT_FALSE(fs::exists(tree() + "/archive/2025-03/" + m_parent));
}

TEST_F(ParentCommands, ResequenceRenamesTheSubtaskFiles) {
    std::string tail_1 = m_ids[1].substr(3);  // "pick-a-library-12X"
    std::string tail_3 = m_ids[3].substr(3);
    ok({"parent", "resequence", m_parent, "--set", m_ids[3] + "=01", m_ids[1] + "=03"});
    std::vector<std::string> files = files_of(m_folder);
    EXPECT_EQ(files, (std::vector<std::string> {"01_" + tail_3 + ".task.md", m_ids[2] + ".task.md",
                                                "03_" + tail_1 + ".task.md", "_overview.md"}));
    auto shown = ok({"parent", "show", m_parent, "--format", "json"}).json();
    ASSERT_EQ(shown.size(), 4U);
    EXPECT_EQ(shown[1]["document"]["title"], "Build the API");
    EXPECT_EQ(shown[3]["document"]["title"], "Pick a library");

    RunResult malformed = m_sandbox.sc({"parent", "resequence", m_parent, "--set", "no-equals-sign"});
    EXPECT_EQ(malformed.exit_code, 2);
    EXPECT_NE(malformed.err.find("\"no-equals-sign\" is not SUBTASK=NN"), std::string::npos) << malformed.err;
    EXPECT_EQ(files_of(m_folder), files);
}

TEST_F(ParentCommands, ParallelizeWithASequenceGivesTheChosenThatNumber) {
    ok({"parent", "parallelize", m_parent, "--subtasks", m_ids[2], m_ids[3], "--sequence", "05"});
    std::vector<std::string> files = files_of(m_folder);
    EXPECT_EQ(files, (std::vector<std::string> {"05_" + m_ids[3].substr(3) + ".task.md",
                                                "05_" + m_ids[2].substr(3) + ".task.md",
                                                "06_" + m_ids[1].substr(3) + ".task.md", "_overview.md"}));
    RunResult one = m_sandbox.sc({"parent", "parallelize", m_parent, "--subtasks", "05_" + m_ids[2].substr(3)});
    EXPECT_EQ(one.exit_code, 2) << one.err;
    EXPECT_EQ(files_of(m_folder), files);
}

}  // namespace
}  // namespace sc::e2e
