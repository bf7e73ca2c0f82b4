// The watch a long-lived server uses to check only the task files that changed, and the
// tree state's check of those files alone.
#include "observe/tree_watch.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "observe/tree_model.hpp"
#include "observe/tree_state.hpp"
#include "util/files.hpp"

namespace sc::observe {
namespace {

namespace fs = std::filesystem;

class TreeWatchTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = fs::path(::testing::TempDir()) / ("tree-watch-" + std::to_string(::getpid()) + "-" +
                                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_root);
        fs::create_directories(m_root / "current");
        fs::create_directories(m_root / "archive");
        m_roots.store = m_root.string();
        write("current/a-11A.task.md", "# A\n");
        write("current/b-11B.task.md", "# B\n");
    }
    void TearDown() override { fs::remove_all(m_root); }

    void write(const std::string& relative, const std::string& content) {
        std::ofstream(m_root / relative, std::ios::binary | std::ios::trunc) << content;
    }
    static std::string key(const std::string& relative) { return model_key(tasks::TreeKind::store, relative); }

    fs::path m_root;
    tasks::TreeRoots m_roots;
};

#ifdef __linux__

TEST_F(TreeWatchTest, InotifyReportsExactlyTheFilesWrittenCreatedOrRemoved) {
    std::unique_ptr<TreeWatch> watch = TreeWatch::start_inotify(m_roots);
    ASSERT_NE(watch, nullptr);
    TreeChanges quiet = watch->drain();
    EXPECT_FALSE(quiet.anything);
    EXPECT_TRUE(quiet.files.empty());

    write("current/a-11A.task.md", "# A, edited\n");
    write("current/c-11C.task.md", "# C\n");
    fs::remove(m_root / "current/b-11B.task.md");
    // Hidden files and the temporaries of atomic writes are not the tree's.
    write("current/.sc-tasks.lock", "");
    TreeChanges changed = watch->drain();
    EXPECT_FALSE(changed.anything);
    std::set<std::string> expected = {key("current/a-11A.task.md"), key("current/b-11B.task.md"),
                                      key("current/c-11C.task.md")};
    EXPECT_EQ(changed.files, expected);
    EXPECT_TRUE(watch->drain().files.empty()) << "a change is reported once";
}

TEST_F(TreeWatchTest, InotifyAnswersAnythingForAFolderAndThenWatchesTheNewFolderToo) {
    std::unique_ptr<TreeWatch> watch = TreeWatch::start_inotify(m_roots);
    ASSERT_NE(watch, nullptr);
    fs::create_directories(m_root / "archive/2026-12");
    TreeChanges folder = watch->drain();
    EXPECT_TRUE(folder.anything);
    write("archive/2026-12/d-12D.task.md", "# D\n");
    TreeChanges inside = watch->drain();
    EXPECT_FALSE(inside.anything);
    EXPECT_EQ(inside.files, std::set<std::string> {key("archive/2026-12/d-12D.task.md")});
}

TEST_F(TreeWatchTest, InotifyIgnoresHiddenFoldersMadeRenamedOrRemovedAnywhereInTheTree) {
    std::unique_ptr<TreeWatch> watch = TreeWatch::start_inotify(m_roots);
    ASSERT_NE(watch, nullptr);
    ASSERT_FALSE(watch->drain().anything);
    // A hidden folder is no part of the tree (tree_model.cpp lists nothing under it): an
    // editor's or a tool's cache at the root or in a month folder is not a change to walk for.
    fs::create_directories(m_root / ".cache/deep");
    write(".cache/deep/entry", "cached");
    fs::create_directories(m_root / "current/.obsidian");
    fs::rename(m_root / "current/.obsidian", m_root / "current/.obsidian-old");
    fs::remove_all(m_root / ".cache");
    write("current/a-11A.task.md", "# A, edited\n");
    TreeChanges changed = watch->drain();
    EXPECT_FALSE(changed.anything);
    EXPECT_EQ(changed.files, std::set<std::string> {key("current/a-11A.task.md")});
    // A hidden folder renamed to a visible name is a folder that came: anything.
    fs::rename(m_root / "current/.obsidian-old", m_root / "current/visible-11V");
    EXPECT_TRUE(watch->drain().anything);
}

TEST_F(TreeWatchTest, InotifyWithoutATreeYetAnswersAnythingUntilTheTreeExists) {
    tasks::TreeRoots missing;
    missing.store = (m_root / "not-yet").string();
    std::unique_ptr<TreeWatch> watch = TreeWatch::start_inotify(missing);
    ASSERT_NE(watch, nullptr);
    EXPECT_TRUE(watch->drain().anything);
    fs::create_directories(m_root / "not-yet/current");
    EXPECT_TRUE(watch->drain().anything);  // re-armed on the tree that now exists
    std::ofstream(m_root / "not-yet/current/e-12E.task.md") << "# E\n";
    EXPECT_EQ(watch->drain().files, std::set<std::string> {key("current/e-12E.task.md")});
}

#endif

TEST_F(TreeWatchTest, PollingAnswersAnythingEveryTime) {
    std::unique_ptr<TreeWatch> watch = TreeWatch::start_polling(m_roots);
    EXPECT_TRUE(watch->drain().anything);
    EXPECT_TRUE(watch->drain().anything);
}

TEST_F(TreeWatchTest, DetectFilesFindsWhatTheWholeCheckFindsInTheFilesItIsGiven) {
    TreeState state;
    ASSERT_TRUE(state.detect(m_roots).ok());
    write("current/a-11A.task.md", "# A, edited\n");
    write("current/c-11C.task.md", "# C\n");
    fs::remove(m_root / "current/b-11B.task.md");
    write("current/z-11Z.task.md", "# Z, not asked about\n");
    Result<std::vector<tasks::FileChange>> changes = state.detect_files(
        m_roots, {key("current/a-11A.task.md"), key("current/b-11B.task.md"), key("current/c-11C.task.md")});
    ASSERT_TRUE(changes.ok()) << changes.error().describe();
    ASSERT_EQ(changes->size(), 3u);
    EXPECT_EQ((*changes)[0].kind, tasks::FileChangeKind::file_removed);
    EXPECT_EQ((*changes)[0].path, "current/b-11B.task.md");
    EXPECT_EQ((*changes)[1].kind, tasks::FileChangeKind::file_modified);
    EXPECT_EQ((*changes)[1].content, "# A, edited\n");
    EXPECT_EQ((*changes)[2].kind, tasks::FileChangeKind::file_created);
    EXPECT_EQ((*changes)[2].path, "current/c-11C.task.md");
    // Asked again, nothing: the state holds what it found, with the stat it read it with.
    EXPECT_TRUE(state.detect_files(m_roots, {key("current/a-11A.task.md")})->empty());
    // The whole check then finds only the file it was not asked about.
    Result<std::vector<tasks::FileChange>> rest = state.detect(m_roots);
    ASSERT_EQ(rest->size(), 1u);
    EXPECT_EQ((*rest)[0].path, "current/z-11Z.task.md");
}

}  // namespace
}  // namespace sc::observe
