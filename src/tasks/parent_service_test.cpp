#include <gtest/gtest.h>

#include <set>

#include "tasks/task_service.hpp"
#include "tasks/tree_test_support.hpp"

namespace sc::tasks {
namespace {

using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;

class ParentTest : public ::testing::Test {
protected:
    ParentTest() : m_clock(testing::k_corpus_time), m_service(TaskTree({TreeKind::store, root()}), m_clock) {
        EXPECT_TRUE(m_service.init().ok());
        CreateRequest parent;
        parent.title = "Big job";
        Result<Changed<ParentView>> created = m_service.create_parent(parent, {"One", "Two", "Three", "Four"});
        EXPECT_TRUE(created.ok()) << created.error().describe();
    }
    [[nodiscard]] std::string root() const { return m_temp.path() + "/tasks"; }

    /// "NN name" of each subtask in sequence order, e.g. {"01 one", "02 two"}.
    std::vector<std::string> order() {
        std::vector<std::string> out;
        Result<ParentView> view = m_service.show_parent("big-job-11A");
        EXPECT_TRUE(view.ok());
        for (const ParentView::Group& group : view->groups)
            for (const TaskRecord& subtask : group.subtasks)
                out.push_back(subtask.sequence + " " + parse_task_id(subtask.id.substr(3))->name);
        return out;
    }

    testing::UtcTimeZone m_utc;
    TempDir m_temp;
    FixedClock m_clock;
    TaskService m_service;
};

TEST_F(ParentTest, CreateParentWritesTheCliDefaultsAndNumbersSubtasks) {
    Result<TaskRecord> parent = m_service.get("big-job-11A");
    ASSERT_TRUE(parent.ok());
    EXPECT_TRUE(parent->is_parent);
    EXPECT_EQ(parent->filename, "_overview.md");
    EXPECT_EQ(parent->document.field("phase"), "backlog");
    EXPECT_EQ(parent->document.section("instruction"), "This is a parent task that will be broken down into subtasks.");
    EXPECT_EQ(order(), (std::vector<std::string> {"01 one", "02 two", "03 three", "04 four"}));
}

TEST_F(ParentTest, ParallelizeTakesTheLowestNumberAndRenumbersEveryOtherAfterIt) {
    Result<Changed<ParentView>> result = m_service.parallelize("big-job-11A", {"three", "two"});
    ASSERT_TRUE(result.ok()) << result.error().describe();
    // Chosen: 02 and 03 -> 02; the others follow in old order, the earlier one included.
    EXPECT_EQ(order(), (std::vector<std::string> {"02 three", "02 two", "03 one", "04 four"}));
    EXPECT_EQ(result->change.operation, "parent.parallelize");
    EXPECT_EQ(result->change.renamed_ids.size(), 2u);  // one and three; two and four keep theirs
}

TEST_F(ParentTest, ParallelizeWithATargetUsesIt) {
    ASSERT_TRUE(m_service.parallelize("big-job-11A", {"one", "four"}, "5").ok());
    EXPECT_EQ(order(), (std::vector<std::string> {"05 four", "05 one", "06 two", "07 three"}));
}

TEST_F(ParentTest, ParallelizeNeedsTwoDistinctSubtasks) {
    EXPECT_EQ(m_service.parallelize("big-job-11A", {"one"}).error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(m_service.parallelize("big-job-11A", {"one", "one"}).error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(m_service.parallelize("big-job-11A", {"one", "missing"}).error().code, ErrorCode::not_found);
}

TEST_F(ParentTest, ShowLeavesOutASubtaskFileWithNoTitleAndNoFrontmatterAndSaysWhich) {
    std::string cut = root() + "/current/big-job-11A/05_cut-11Q.task.md";
    write_file(cut, "");
    Result<ParentView> view = m_service.show_parent("big-job-11A");
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(order(), (std::vector<std::string> {"01 one", "02 two", "03 three", "04 four"}));
    ASSERT_EQ(view->diagnostics.size(), 1u);
    EXPECT_EQ(view->diagnostics[0].message, "skipped: the file is empty");
    EXPECT_EQ(view->diagnostics[0].where.file, cut);
}

TEST_F(ParentTest, ResequenceRenamesOnlyTheListedOnes) {
    ASSERT_TRUE(m_service.resequence("big-job-11A", {{"four", "01"}, {"one", "4"}}).ok());
    EXPECT_EQ(order(), (std::vector<std::string> {"01 four", "02 two", "03 three", "04 one"}));
    EXPECT_EQ(m_service.resequence("big-job-11A", {{"two", "100"}}).error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(m_service.resequence("big-job-11A", {{"two", "x"}}).error().code, ErrorCode::invalid_argument);
}

TEST_F(ParentTest, AddSubtaskTakesTheNextNumberAfterTheHighest) {
    ASSERT_TRUE(m_service.resequence("big-job-11A", {{"four", "07"}}).ok());
    CreateRequest request;
    request.title = "Five";
    Result<Changed<TaskRecord>> added = m_service.add_subtask("big-job-11A", request);
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(added->value.sequence, "08");
    EXPECT_EQ(added->value.parent_id, "big-job-11A");
    EXPECT_FALSE(added->value.document.frontmatter().contains("parent"));
}

TEST_F(ParentTest, SubtasksAreFoundByTheirIdWithoutPrefix) {
    std::string full = m_service.show_parent("big-job-11A")->groups[0].subtasks[0].id;
    Result<TaskRecord> found = m_service.get(full.substr(3));
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->id, full);
}

TEST_F(ParentTest, AddSubtaskToAPlainTaskIsRefused) {
    ASSERT_TRUE(m_service.create({"Plain", {}, {}, {}, {}, {}}).ok());
    Result<Changed<TaskRecord>> added = m_service.add_subtask("plain-11A", {"Child", {}, {}, {}, {}, {}});
    ASSERT_FALSE(added.ok());
    EXPECT_NE(added.error().hint.find("promote"), std::string::npos);
}

TEST_F(ParentTest, PromoteKeepsTheTaskBytesAsTheOverview) {
    CreateRequest request;
    request.title = "Export reports";
    request.instruction = "Users want CSV.";
    request.sections = {{"Tasks", "- [ ] keep me"}};
    std::string original = m_service.create(request)->value.document.text();
    Result<Changed<ParentView>> promoted = m_service.promote("export-reports-11A", {"CSV export"});
    ASSERT_TRUE(promoted.ok()) << promoted.error().describe();
    EXPECT_EQ(promoted->value.parent.id, "export-reports-11B");
    EXPECT_EQ(files::read(root() + "/current/export-reports-11B/_overview.md").value(), original);
    EXPECT_FALSE(fs::exists(root() + "/current/export-reports-11A.task.md"));
    ASSERT_EQ(promoted->change.renamed_ids.size(), 1u);
    EXPECT_EQ(promoted->change.renamed_ids[0].old_id, "export-reports-11A");
    EXPECT_EQ(promoted->value.groups.size(), 1u);
}

TEST_F(ParentTest, PromoteRefusesATaskInsideAnotherFolderAndChangesNothing) {
    // A subtask archived alone sits in archive/<month>/<parent-id>/ with no _overview.md: a
    // parent made there would not be found. Promote used to create it, fail to read it back,
    // and return an error with the tree changed and no change record.
    write_file(root() + "/archive/2026-11/big-job-11A/01_loose-11A.task.md",
               "# Loose\n\n---\ntype: chore\nstatus: done\narea: x\n---\n");
    std::map<std::string, std::string> before = testing::read_tree(root());
    Result<Changed<ParentView>> promoted = m_service.promote("01_loose-11A", {"Sub one"});
    ASSERT_FALSE(promoted.ok());
    EXPECT_EQ(promoted.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(promoted.error().message,
              "01_loose-11A is inside archive/2026-11/big-job-11A, not at the top of current/ or of an archive "
              "month, and cannot become a parent there");
    EXPECT_EQ(testing::read_tree(root()), before);
}

TEST_F(ParentTest, DeletingAParentNeedsCascadeWhichRemovesEverythingInItsFolder) {
    write_file(root() + "/current/big-job-11A/notes.md", "supporting material\n");
    Result<ChangeRecord> refused = m_service.remove("big-job-11A");
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(fs::exists(root() + "/current/big-job-11A/_overview.md"));
    Result<ChangeRecord> removed = m_service.remove("big-job-11A", DeleteMode::cascade);
    ASSERT_TRUE(removed.ok());
    EXPECT_FALSE(fs::exists(root() + "/current/big-job-11A"));
    EXPECT_EQ(removed->removed.size(), 5u);
    EXPECT_EQ(removed->files.back().kind, FileChangeKind::folder_removed);
    EXPECT_EQ(removed->files.back().path, "current/big-job-11A");
}

TEST_F(ParentTest, AParentMovesAsOneFolderAndRefusesToOverwrite) {
    Result<Changed<TaskRecord>> moved = m_service.move("big-job-11A", {WorkflowState::archive, "2026-10"});
    ASSERT_TRUE(moved.ok());
    EXPECT_EQ(moved->value.relative_path, "archive/2026-10/big-job-11A/_overview.md");
    EXPECT_EQ(m_service.show_parent("big-job-11A")->groups.size(), 4u);
    // A file of that name is in the way (a folder without `_overview.md` would be merged).
    write_file(root() + "/current/big-job-11A", "in the way\n");
    Result<Changed<TaskRecord>> back = m_service.move("big-job-11A", {WorkflowState::current, {}});
    ASSERT_FALSE(back.ok());
    EXPECT_EQ(back.error().code, ErrorCode::already_exists);
}

TEST_F(ParentTest, ACompletedSubtaskStaysInItsParentsFolder) {
    std::string one = m_service.show_parent("big-job-11A")->groups[0].subtasks[0].id;
    Result<Changed<TaskRecord>> done = m_service.complete(one);
    ASSERT_TRUE(done.ok()) << done.error().describe();
    EXPECT_EQ(done->value.relative_path, "current/big-job-11A/" + one + ".task.md");
    EXPECT_EQ(done->value.parent_id, "big-job-11A");
    EXPECT_EQ(done->value.document.field("status"), "done");
    ASSERT_EQ(done->change.files.size(), 1u);
    EXPECT_EQ(done->change.files[0].kind, FileChangeKind::file_modified);
    EXPECT_EQ(m_service.show_parent("big-job-11A")->groups.size(), 4u);
}

TEST_F(ParentTest, CompletingAParentMergesThePartialFolderAnOlderVersionLeft) {
    std::string one = m_service.show_parent("big-job-11A")->groups[0].subtasks[0].id;
    // What completing a subtask did before: the file alone, in a folder without `_overview.md`.
    fs::create_directories(root() + "/archive/2026-11/big-job-11A");
    fs::rename(root() + "/current/big-job-11A/" + one + ".task.md",
               root() + "/archive/2026-11/big-job-11A/" + one + ".task.md");
    Result<Changed<TaskRecord>> done = m_service.complete("big-job-11A");
    ASSERT_TRUE(done.ok()) << done.error().describe();
    EXPECT_EQ(done->value.relative_path, "archive/2026-11/big-job-11A/_overview.md");
    EXPECT_FALSE(fs::exists(root() + "/current/big-job-11A"));
    EXPECT_EQ(m_service.show_parent("big-job-11A")->groups.size(), 4u);
    EXPECT_EQ(done->change.files.back().kind, FileChangeKind::folder_removed);
    EXPECT_EQ(done->change.files.back().path, "current/big-job-11A");
}

TEST_F(ParentTest, MergingRefusesAnEntryPresentInBothFolders) {
    write_file(root() + "/archive/2026-11/big-job-11A/notes.md", "left behind\n");
    write_file(root() + "/current/big-job-11A/notes.md", "mine\n");
    Result<Changed<TaskRecord>> done = m_service.complete("big-job-11A");
    ASSERT_FALSE(done.ok());
    EXPECT_EQ(done.error().code, ErrorCode::already_exists);
    EXPECT_EQ(done.error().message,
              "cannot merge current/big-job-11A into archive/2026-11/big-job-11A: "
              "archive/2026-11/big-job-11A/notes.md already exists");
    EXPECT_TRUE(fs::exists(root() + "/current/big-job-11A/_overview.md"));
}

// Every draw gives 0, the letter A, as if Scopecraft's random letter had hit it every time,
// until a test asks for draws that differ (past Z a constant draw would repeat one id).
class SubtaskIdTest : public ::testing::Test {
protected:
    SubtaskIdTest()
        : m_clock(testing::k_corpus_time),
          m_service(TaskTree({TreeKind::store, root()}), m_clock, [this] { return m_counting ? m_draws++ : 0u; }) {
        EXPECT_TRUE(m_service.init().ok());
    }
    [[nodiscard]] std::string root() const { return m_temp.path() + "/tasks"; }
    std::string parent_with_subtask(const std::string& title) {
        CreateRequest parent;
        parent.title = title;
        Result<Changed<ParentView>> created = m_service.create_parent(parent, {"Write tests"});
        EXPECT_TRUE(created.ok()) << created.error().describe();
        return created->value.groups.at(0).subtasks.at(0).id;
    }

    bool m_counting = false;
    uint32_t m_draws = 0;
    testing::UtcTimeZone m_utc;
    TempDir m_temp;
    FixedClock m_clock;
    TaskService m_service;
};

TEST_F(SubtaskIdTest, ASubtasksLetterIsFreeAcrossEveryParent) {
    EXPECT_EQ(parent_with_subtask("Alpha"), "01_write-tests-11A");
    EXPECT_EQ(parent_with_subtask("Beta"), "01_write-tests-11B");
    CreateRequest plain;
    plain.title = "Write tests";
    EXPECT_EQ(m_service.create(plain)->value.id, "write-tests-11C");  // subtask ids count as taken
    for (const char* id : {"01_write-tests-11A", "write-tests-11A", "write-tests-11B", "write-tests-11C"})
        EXPECT_TRUE(m_service.tree().find_unique(id).ok()) << id;
}

TEST_F(SubtaskIdTest, PastTheLastLetterASubtaskTakesANumberAsScopecraftDoes) {
    m_counting = true;
    std::set<std::string> ids;
    for (int i = 0; i < 28; ++i)
        ids.insert(parent_with_subtask("Parent " + std::to_string(i)).substr(3));
    EXPECT_EQ(ids.size(), 28u);
    for (const std::string& id : ids)
        EXPECT_TRUE(m_service.tree().find_unique(id).ok()) << id;
}

TEST_F(SubtaskIdTest, TwinsAreRefusedByTheirBareIdAndFoundWithTheirParent) {
    parent_with_subtask("Alpha");
    parent_with_subtask("Beta");
    // Scopecraft does not check subtask letters: give Beta's subtask Alpha's subtask's id.
    fs::rename(root() + "/current/beta-11A/01_write-tests-11B.task.md",
               root() + "/current/beta-11A/01_write-tests-11A.task.md");
    for (const char* bare : {"01_write-tests-11A", "write-tests-11A"}) {
        Result<TaskLocation> refused = m_service.tree().find_unique(bare);
        ASSERT_FALSE(refused.ok());
        EXPECT_EQ(refused.error().code, ErrorCode::conflict);
        EXPECT_EQ(refused.error().hint,
                  "name a subtask with its parent, e.g. alpha-11A/01_write-tests-11A or beta-11A/01_write-tests-11A; "
                  "or rename or remove all but one");
    }
    for (const char* qualified : {"beta-11A/01_write-tests-11A", "beta-11A/write-tests-11A"}) {
        Result<TaskLocation> found = m_service.tree().find_unique(qualified);
        ASSERT_TRUE(found.ok()) << qualified;
        EXPECT_EQ(found->parent_id, "beta-11A");
        EXPECT_EQ(found->id, "01_write-tests-11A");
    }
    UpdateRequest done;
    done.fields.status = "done";
    ASSERT_TRUE(m_service.update("alpha-11A/write-tests-11A", done).ok());
    EXPECT_EQ(m_service.get("alpha-11A/01_write-tests-11A")->document.field("status"), "done");
    EXPECT_EQ(m_service.get("beta-11A/01_write-tests-11A")->document.field("status"), "todo");
    EXPECT_EQ(m_service.tree().find_unique("gamma-11A/write-tests-11A").error().code, ErrorCode::not_found);
    EXPECT_EQ(m_service.tree().find_unique("alpha-11A/other-11A").error().code, ErrorCode::not_found);
    EXPECT_EQ(m_service.tree().find_unique("alpha-11A/../x").error().code, ErrorCode::unsafe_path);
    // Sequencing commands take the qualified form of their own subtasks.
    EXPECT_TRUE(m_service.resequence("beta-11A", {{"beta-11A/write-tests-11A", "02"}}).ok());
    EXPECT_EQ(m_service.resequence("beta-11A", {{"alpha-11A/write-tests-11A", "03"}}).error().code,
              ErrorCode::not_found);
}

}  // namespace
}  // namespace sc::tasks
