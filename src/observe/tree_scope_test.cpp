// The scope of the own-files check: what the folders' stamps and the reference time of the
// last full check tell, and what they must not claim.
#include "observe/tree_scope.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "observe/tree_model.hpp"
#include "tasks/folder_pass.hpp"
#include "tasks/id_index.hpp"
#include "util/files.hpp"

namespace sc::observe {
namespace {

namespace fs = std::filesystem;

class TreeScopeTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = fs::path(::testing::TempDir()) / ("tree-scope-" + std::to_string(::getpid()) + "-" +
                                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_root);
        fs::create_directories(m_root / "tasks/current/p-11A");
        fs::create_directories(m_root / "tasks/archive");
        write("current/a.task.md", "a");
        write("current/p-11A/_overview.md", "p");
        m_roots.store = (m_root / "tasks").string();
    }
    void TearDown() override { fs::remove_all(m_root); }

    void write(const std::string& path, const std::string& content, std::ios::openmode mode = std::ios::trunc) {
        std::ofstream((m_root / "tasks" / path).string(), mode | std::ios::binary) << content;
    }
    tasks::FileStat stat_of(const std::string& path) {
        struct stat info {};
        EXPECT_EQ(::lstat((m_root / "tasks" / path).c_str(), &info), 0);
        return tasks::FileStat::of(info);
    }
    /// The scope a full check made now leaves (the reference taken before it, as the check does).
    TreeScope full_check() {
        int64_t reference = file_system_now(m_roots.store);
        EXPECT_GT(reference, 0);
        return TreeScope::after_full_check(m_roots, {"store:current", "store:current/p-11A", "store:archive"},
                                           reference);
    }
    /// Past the timestamp granularity of the moment a stamp was taken: on a file system with
    /// coarse timestamps a change within the same tick could keep every stamp.
    void let_the_clock_move() {
        int64_t start = file_system_now(m_roots.store);
        while (file_system_now(m_roots.store) <= start)
            ::usleep(1000);
    }

    fs::path m_root;
    tasks::TreeRoots m_roots;
};

TEST_F(TreeScopeTest, FoldersAsTheCheckLeftThemAreUnchangedAndAnyNameAddedRemovedOrReplacedIsSeen) {
    let_the_clock_move();
    TreeScope scope = full_check();
    EXPECT_TRUE(scope.folders_unchanged(m_roots));
    // An edit in place is no folder's business (the file's own stat tells it).
    write("current/a.task.md", "more", std::ios::app);
    EXPECT_TRUE(scope.folders_unchanged(m_roots));

    write("current/b.task.md", "b");  // added
    EXPECT_FALSE(scope.folders_unchanged(m_roots));
    let_the_clock_move();
    scope = full_check();
    ASSERT_TRUE(scope.folders_unchanged(m_roots));
    fs::remove(m_root / "tasks/current/p-11A/_overview.md");  // removed, one level down
    EXPECT_FALSE(scope.folders_unchanged(m_roots));
    let_the_clock_move();
    scope = full_check();
    ASSERT_TRUE(scope.folders_unchanged(m_roots));
    fs::rename(m_root / "tasks/current/b.task.md", m_root / "tasks/current/a.task.md");  // renamed over a file
    EXPECT_FALSE(scope.folders_unchanged(m_roots));
    let_the_clock_move();
    scope = full_check();
    ASSERT_TRUE(scope.folders_unchanged(m_roots));
    fs::remove(m_root / "tasks/current/a.task.md");  // a file replaced by a folder
    fs::create_directory(m_root / "tasks/current/a.task.md");
    EXPECT_FALSE(scope.folders_unchanged(m_roots));
    let_the_clock_move();
    scope = full_check();
    ASSERT_TRUE(scope.folders_unchanged(m_roots));
    fs::create_directory(m_root / "tasks/backlog");  // a new folder at the tree's root
    EXPECT_FALSE(scope.folders_unchanged(m_roots));
    tasks::TreeRoots elsewhere = m_roots;
    elsewhere.project_local = (m_root / "local").string();
    EXPECT_FALSE(full_check().folders_unchanged(elsewhere)) << "a scope describes the roots it was made for";
}

TEST_F(TreeScopeTest, ATreesRootIsKnownByItsNamesSoTheDerivedFilesBesideTheTreeDoNotCount) {
    let_the_clock_move();
    TreeScope scope = full_check();
    // The listing cache and the lock file live at the root, hidden: rewriting them changes the
    // root's stamps, not what the check counts.
    write(".sc-listing-cache", "cache");
    fs::rename(m_root / "tasks/.sc-listing-cache", m_root / "tasks/.sc-listing-cache.moved");
    EXPECT_TRUE(scope.folders_unchanged(m_roots));
    write("loose.task.md", "a task file at the root");  // a name the check counts
    EXPECT_FALSE(scope.folders_unchanged(m_roots));
    scope.note_root(m_roots, "store:");  // what sc does after a change of its own there
    EXPECT_TRUE(scope.folders_unchanged(m_roots));
}

TEST_F(TreeScopeTest, AFolderChangedAtOrAfterTheReferenceTimeIsNotTrusted) {
    // The check's reference is taken before it lists the folders: a folder changed after that
    // (while the check ran) may have changed again within the same timestamp, unseen.
    int64_t reference = file_system_now(m_roots.store);
    write("current/late.task.md", "late");
    TreeScope scope = TreeScope::after_full_check(m_roots, {"store:current", "store:archive"}, reference);
    ASSERT_NE(scope.folder("store:current"), nullptr);
    EXPECT_FALSE(scope.folder("store:current")->confirmed);
    EXPECT_TRUE(scope.folder("store:archive")->confirmed);
    EXPECT_FALSE(scope.folders_unchanged(m_roots)) << "an unconfirmed stamp counts as changed";
}

TEST_F(TreeScopeTest, AFileIsUnchangedWhenOlderThanTheFullCheckOrAsScLeftIt) {
    let_the_clock_move();
    TreeScope scope = full_check();
    EXPECT_TRUE(scope.file_unchanged("store:current/a.task.md", stat_of("current/a.task.md")));
    // Edited in place after the check: same inode, same folder stamps, newer ctime.
    write("current/a.task.md", "b");
    EXPECT_FALSE(scope.file_unchanged("store:current/a.task.md", stat_of("current/a.task.md")));
    // Written by sc and noted with the stat it left: unchanged while that stat holds.
    let_the_clock_move();
    scope.note_file("store:current/a.task.md", stat_of("current/a.task.md"), file_system_now(m_roots.store));
    EXPECT_TRUE(scope.file_unchanged("store:current/a.task.md", stat_of("current/a.task.md")));
    write("current/a.task.md", "c");  // same size, in place
    EXPECT_FALSE(scope.file_unchanged("store:current/a.task.md", stat_of("current/a.task.md")));
    // Noted with a reference that does not postdate its stamps (racily clean): not kept.
    scope.note_file("store:current/a.task.md", stat_of("current/a.task.md"), stat_of("current/a.task.md").ctime_nanos);
    EXPECT_EQ(scope.files().count("store:current/a.task.md"), 0U);
    EXPECT_FALSE(scope.file_unchanged("store:current/a.task.md", {})) << "a file that could not be stat-ed";
}

TEST_F(TreeScopeTest, ASavedScopeLoadsBackAndATornOrForeignOneDoesNot) {
    let_the_clock_move();
    TreeScope scope = full_check();
    scope.note_file("store:current/a.task.md", stat_of("current/a.task.md"), file_system_now(m_roots.store));
    scope.rename("store:current/p-11A", "store:archive/p-11A");
    std::string path = (m_root / "task-tree.scope").string();
    StateIdentity state {12, 345, 6};
    ASSERT_TRUE(scope.save(path, state).ok());
    std::optional<TreeScope> loaded = TreeScope::load(path);
    ASSERT_TRUE(loaded.has_value());
    EXPECT_EQ(loaded->state(), state);
    EXPECT_EQ(loaded->reference(), scope.reference());
    EXPECT_EQ(loaded->files().size(), 1U);
    EXPECT_EQ(loaded->folder_count(), scope.folder_count());
    EXPECT_NE(loaded->folder("store:archive/p-11A"), nullptr);
    EXPECT_EQ(loaded->folder("store:current/p-11A"), nullptr);

    std::string whole = files::read(path).value();
    ASSERT_TRUE(files::write_atomic(path, whole.substr(0, whole.size() - 4)).ok());  // cut short
    EXPECT_FALSE(TreeScope::load(path).has_value());
    std::string dropped = whole;
    dropped.erase(dropped.find("\nD ") + 1, dropped.find('\n', dropped.find("\nD ") + 1) - dropped.find("\nD "));
    ASSERT_TRUE(files::write_atomic(path, dropped).ok());  // a line lost: the count says so
    EXPECT_FALSE(TreeScope::load(path).has_value());
    ASSERT_TRUE(files::write_atomic(path, "# scopecraft task-tree scope v0\n").ok());
    EXPECT_FALSE(TreeScope::load(path).has_value());
    EXPECT_FALSE(TreeScope::load(path + ".missing").has_value());
}

TEST_F(TreeScopeTest, ALoadedScopeSavedAgainKeepsItsUnchangedFoldersAndWritesTheChangedOnes) {
    // save() copies a loaded folder's line instead of formatting it: the copies must say what
    // the folders say, and a folder changed, added, renamed or forgotten after the load must not
    // keep its old line.
    let_the_clock_move();
    fs::create_directories(m_root / "tasks/current/q-11A");
    TreeScope scope = TreeScope::after_full_check(
        m_roots, {"store:current", "store:current/p-11A", "store:current/q-11A", "store:archive"},
        file_system_now(m_roots.store));
    std::string path = (m_root / "task-tree.scope").string();
    StateIdentity state {12, 345, 6};
    ASSERT_TRUE(scope.save(path, state).ok());
    std::string first = files::read(path).value();
    {
        std::optional<TreeScope> loaded = TreeScope::load(path);
        ASSERT_TRUE(loaded.has_value());
        ASSERT_TRUE(loaded->save(path, state).ok());
    }
    EXPECT_EQ(files::read(path).value(), first) << "unchanged: the same bytes";

    std::optional<TreeScope> loaded = TreeScope::load(path);
    ASSERT_TRUE(loaded.has_value());
    FolderStamp archive = *loaded->folder("store:archive");
    FolderStamp changed = *loaded->folder("store:current");
    changed.mtime_nanos += 7;
    loaded->note_folder("store:current", changed, false);
    loaded->note_folder("store:backlog", archive, true);
    loaded->rename("store:current/p-11A", "store:archive/p-11A");
    loaded->forget("store:current/q-11A");
    std::optional<TreeScope> moved = std::move(loaded);  // the views move with it
    ASSERT_TRUE(moved->save(path, StateIdentity {12, 346, 7}).ok());
    std::optional<TreeScope> again = TreeScope::load(path);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->folder_count(), 4U);
    ASSERT_NE(again->folder("store:current"), nullptr);
    EXPECT_EQ(again->folder("store:current")->mtime_nanos, changed.mtime_nanos);
    EXPECT_FALSE(again->folder("store:current")->confirmed);
    ASSERT_NE(again->folder("store:backlog"), nullptr);
    EXPECT_TRUE(again->folder("store:backlog")->same_as(archive));
    EXPECT_TRUE(again->folder("store:backlog")->confirmed);
    ASSERT_NE(again->folder("store:archive/p-11A"), nullptr);
    EXPECT_EQ(again->folder("store:current/p-11A"), nullptr);
    EXPECT_EQ(again->folder("store:current/q-11A"), nullptr);
    ASSERT_NE(again->folder("store:archive"), nullptr);
    EXPECT_TRUE(again->folder("store:archive")->same_as(archive));
    EXPECT_TRUE(again->folder("store:archive")->confirmed);
}

TEST_F(TreeScopeTest, AFolderCheckThatFindsEveryFolderUnchangedHandsItsStatsToTheIdIndex) {
    let_the_clock_move();
    TreeScope scope = full_check();
    {
        tasks::IdIndex index = tasks::IdIndex::open(tasks::TaskTree({tasks::TreeKind::store, m_roots.store}, {}));
        ASSERT_TRUE(index.save().ok());  // every folder stored (older than its reference)
    }
    tasks::FolderPass pass(m_roots.store);
    ASSERT_TRUE(scope.folders_unchanged(m_roots));
    EXPECT_EQ(pass.size(), 3U) << "current, current/p-11A and archive, each stat-ed once";
    tasks::IdIndex index = tasks::IdIndex::open(tasks::TaskTree({tasks::TreeKind::store, m_roots.store}, {}));
    EXPECT_EQ(index.folders(), 3U);
    EXPECT_EQ(index.stats_passed(), 3U) << "the index stats no folder the check stat-ed";
    EXPECT_EQ(index.listed(), 0U);
}

TEST_F(TreeScopeTest, AFolderCheckThatFindsAChangeHandsNoStatOn) {
    let_the_clock_move();
    TreeScope scope = full_check();
    write("current/b.task.md", "b");
    tasks::FolderPass pass(m_roots.store);
    ASSERT_FALSE(scope.folders_unchanged(m_roots));
    EXPECT_EQ(pass.size(), 0U) << "a full check follows; its walk stats what it needs";
}

TEST_F(TreeScopeTest, ForgettingAFolderForgetsWhatIsUnderIt) {
    let_the_clock_move();
    TreeScope scope = full_check();
    scope.note_file("store:current/p-11A/_overview.md", stat_of("current/p-11A/_overview.md"),
                    file_system_now(m_roots.store));
    scope.forget("store:current/p-11A");
    EXPECT_EQ(scope.folder("store:current/p-11A"), nullptr);
    EXPECT_TRUE(scope.files().empty());
    EXPECT_NE(scope.folder("store:current"), nullptr) << "a name that merely starts the same stays";
}

}  // namespace
}  // namespace sc::observe
