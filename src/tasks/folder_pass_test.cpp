// The folder pass (tasks/folder_pass.hpp): the stats one reader takes are the ones the id index
// uses, only while the pass holds the tree's writers' lock, and none survives a change.

#include "tasks/folder_pass.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <set>

#include "tasks/change.hpp"
#include "tasks/id_allocator.hpp"
#include "tasks/id_index.hpp"
#include "tasks/layout.hpp"
#include "tasks/tree_test_support.hpp"

namespace sc::tasks {
namespace {

using testing::task_text;
using testing::TempDir;
using testing::write_file;

class FolderPassTest : public ::testing::Test {
protected:
    std::string root() const { return m_dir.path() + "/tasks"; }
    TaskTree tree() const { return TaskTree({TreeKind::store, root()}, {}); }
    void SetUp() override {
        write_file(root() + "/current/a-11A.task.md", task_text("A"));
        write_file(root() + "/current/p-11A/_overview.md", task_text("P"));
        write_file(root() + "/current/p-11A/01_s-11B.task.md", task_text("S"));
        write_file(root() + "/archive/2026-01/old-01A.task.md", task_text("Old"));
    }
    /// Whether another open file description can take the tree's lock now.
    bool lock_is_free() const {
        int fd = ::open((root() + "/" + std::string(k_lock_filename)).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        EXPECT_GE(fd, 0);
        bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
        ::close(fd);
        return free;
    }
    /// Keeps the stat of every folder the id index visits, as the outside-edit check's scope does.
    void keep_every_folder(FolderPass& pass) const {
        for (const char* folder : {"current", "current/p-11A", "archive", "archive/2026-01"}) {
            struct stat info {};
            std::string path = root() + "/" + folder;
            ASSERT_EQ(::lstat(path.c_str(), &info), 0) << path;
            pass.keep(path, info);
        }
    }
    std::set<std::string> ids_of(const IdIndex& index) const {
        std::set<std::string> ids;
        index.visit({}, [&ids](std::string_view id) { ids.emplace(id); });
        return ids;
    }
    /// An index stored with every folder, old enough to be trusted.
    void store_index() const {
        ::usleep(30'000);  // past the file system's clock tick: the folders are stored
        IdIndex index = IdIndex::open(tree());
        ASSERT_TRUE(index.save().ok());
        ASSERT_EQ(IdIndex::open(tree()).listed(), 0U);
    }

    TempDir m_dir;
};

TEST_F(FolderPassTest, HoldsTheTreesLockSoLockTreeOnTheSameThreadReturnsAtOnceAndReleasesItWhenItGoes) {
    {
        FolderPass pass(root());
        ASSERT_EQ(FolderPass::current(), &pass);
        EXPECT_FALSE(lock_is_free()) << "the pass holds the tree's writers' lock";
        Result<files::FileLock> inner = lock_tree(root());  // would wait for ever on a second flock
        EXPECT_TRUE(inner.ok());
        EXPECT_FALSE(lock_is_free()) << "the lock lock_tree gave holds nothing; the pass still holds it";
    }
    EXPECT_EQ(FolderPass::current(), nullptr);
    EXPECT_TRUE(lock_is_free());
    Result<files::FileLock> own = lock_tree(root());
    ASSERT_TRUE(own.ok());
    EXPECT_FALSE(lock_is_free()) << "without a pass lock_tree takes the lock itself";
}

TEST_F(FolderPassTest, APassThatCannotTakeTheLockIsNotInstalledAndKeepsNothingForAnyone) {
    FolderPass pass(m_dir.path() + "/no-such-tree");
    EXPECT_EQ(FolderPass::current(), nullptr);
    EXPECT_FALSE(FolderPass::holds_lock(m_dir.path() + "/no-such-tree"));
    EXPECT_FALSE(lock_tree(m_dir.path() + "/no-such-tree").ok());
}

TEST_F(FolderPassTest, TheIdIndexTakesEveryFolderStatFromThePassAndGivesTheIdsOfAFullListing) {
    store_index();
    FolderPass pass(root());
    keep_every_folder(pass);
    IdIndex index = IdIndex::open(tree());
    EXPECT_EQ(index.folders(), 4U);
    EXPECT_EQ(index.stats_passed(), 4U);
    EXPECT_EQ(index.listed(), 0U);
    EXPECT_EQ(ids_of(index), ids_in_use(tree()));
}

TEST_F(FolderPassTest, AKeptStatIsFoundWhateverOrderItIsAskedFor) {
    // find() tries the one after the last found first (the index's walk order): asked in that
    // order, out of it, twice or for a folder it does not hold, it gives each folder's own stat.
    FolderPass pass(root());
    std::vector<std::string> kept {"archive", "archive/2026-01", "current", "current/p-11A"};
    std::map<std::string, ino_t> inodes;
    for (const std::string& relative : kept) {
        struct stat info {};
        ASSERT_EQ(::lstat((root() + "/" + relative).c_str(), &info), 0);
        pass.keep(root() + "/" + relative, info);
        inodes[relative] = info.st_ino;
    }
    std::vector<std::string> asked {"current", "current/p-11A", "archive",       "archive/2026-01",
                                    "current", "current",       "current/p-11A", "archive/2026-01",
                                    "archive", "backlog",       "current/p-11A", "current/q-11A"};
    for (const std::string& relative : asked) {
        struct stat found {};
        if (inodes.count(relative) == 0) {
            EXPECT_FALSE(pass.find(root(), relative, found)) << relative;
            continue;
        }
        ASSERT_TRUE(pass.find(root(), relative, found)) << relative;
        EXPECT_EQ(found.st_ino, inodes[relative]) << relative;
        EXPECT_TRUE(S_ISDIR(found.st_mode));
    }
    pass.forget();
    struct stat none {};
    EXPECT_FALSE(pass.find(root(), "current", none));
}

TEST_F(FolderPassTest, FoldersThePassDoesNotHoldAreStatedByTheIndexItself) {
    store_index();
    FolderPass pass(root());
    struct stat info {};
    ASSERT_EQ(::lstat((root() + "/current").c_str(), &info), 0);
    pass.keep(root() + "/current", info);
    ASSERT_EQ(::lstat((root() + "/archive/2026-01/old-01A.task.md").c_str(), &info), 0);
    pass.keep(root() + "/archive/2026-01", info);  // a file's stat is never kept, whatever the path
    EXPECT_EQ(pass.size(), 1U);
    IdIndex index = IdIndex::open(tree());
    EXPECT_EQ(index.folders(), 4U);
    EXPECT_EQ(index.stats_passed(), 1U);
    EXPECT_EQ(ids_of(index), ids_in_use(tree()));
}

TEST_F(FolderPassTest, AChangeAppliedUnderThePassDropsItsStatsSoTheIndexSeesTheNewName) {
    store_index();
    FolderPass pass(root());
    keep_every_folder(pass);
    ASSERT_EQ(pass.size(), 4U);
    std::vector<FileChange> create {
        {FileChangeKind::file_created, "current/b-11A.task.md", {}, task_text("B"), TreeKind::store}};
    ASSERT_TRUE(apply_file_changes(TreeRoots {root(), {}}, create).ok());
    EXPECT_EQ(pass.size(), 0U);
    IdIndex index = IdIndex::open(tree());
    EXPECT_EQ(index.stats_passed(), 0U);
    EXPECT_TRUE(ids_of(index).count("b-11A") == 1) << "a stat from before the create would hide it";
    EXPECT_EQ(ids_of(index), ids_in_use(tree()));
}

}  // namespace
}  // namespace sc::tasks
