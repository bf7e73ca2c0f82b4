#include <gtest/gtest.h>

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
    fs::create_directories(root() + "/current/big-job-11A");
    Result<Changed<TaskRecord>> back = m_service.move("big-job-11A", {WorkflowState::current, {}});
    ASSERT_FALSE(back.ok());
    EXPECT_EQ(back.error().code, ErrorCode::already_exists);
}

}  // namespace
}  // namespace sc::tasks
