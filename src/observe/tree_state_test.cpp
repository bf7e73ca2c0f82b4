// The task-tree state that finds edits made outside sc: what it learns from sc's own writes.
#include "observe/tree_state.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "util/files.hpp"

namespace sc::observe {
namespace {

namespace fs = std::filesystem;

class TreeStateTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = fs::path(::testing::TempDir()) / ("tree-state-" + std::to_string(::getpid()) + "-" +
                                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_root);
        fs::create_directories(m_root / "current");
        m_roots.store = m_root.string();
    }
    void TearDown() override { fs::remove_all(m_root); }

    /// What sc does for a change: write the file, apply the change, note what it wrote.
    std::vector<tasks::FileChange> write_task(TreeState& state, const std::string& content) {
        std::vector<tasks::FileChange> changes = {
            {tasks::FileChangeKind::file_created, "current/a-11A.task.md", {}, content, tasks::TreeKind::store}};
        EXPECT_TRUE(files::write_atomic((m_root / "current/a-11A.task.md").string(), content).ok());
        EXPECT_TRUE(state.apply(changes).ok());
        return changes;
    }

    fs::path m_root;
    tasks::TreeRoots m_roots;
};

TEST_F(TreeStateTest, AFileScWroteAndNotedIsNotReadOrSavedAgainByTheNextCheck) {
    TreeState state;
    ASSERT_TRUE(state.detect(m_roots).ok());  // learns the folder
    auto changes = write_task(state, "# A\n");
    state.note_written(m_roots, changes);
    Result<std::vector<tasks::FileChange>> found = state.detect(m_roots);
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(found->empty());
    EXPECT_FALSE(state.modified()) << "nothing new was learnt, so nothing needs saving";
}

TEST_F(TreeStateTest, WithoutNoteTheNextCheckReadsTheFileToLearnItsStat) {
    TreeState state;
    ASSERT_TRUE(state.detect(m_roots).ok());
    write_task(state, "# A\n");
    Result<std::vector<tasks::FileChange>> found = state.detect(m_roots);
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(found->empty());
    EXPECT_TRUE(state.modified());
}

TEST_F(TreeStateTest, AnEditMadeBetweenTheWriteAndTheNoteIsStillFound) {
    TreeState state;
    ASSERT_TRUE(state.detect(m_roots).ok());
    auto changes = write_task(state, "# A\n");
    std::ofstream((m_root / "current/a-11A.task.md").string(), std::ios::app) << "edited by hand\n";
    state.note_written(m_roots, changes);
    Result<std::vector<tasks::FileChange>> found = state.detect(m_roots);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front().kind, tasks::FileChangeKind::file_modified);
    EXPECT_EQ(found->front().content, "# A\nedited by hand\n");
}

}  // namespace
}  // namespace sc::observe
