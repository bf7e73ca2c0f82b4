// Folder listings shared between the outside-edit check and the operation that follows it.
#include "tasks/folder_listing.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tasks/change.hpp"

namespace sc::tasks {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> names(const std::vector<DirectoryEntry>& entries) {
    std::vector<std::string> out;
    for (const DirectoryEntry& entry : entries)
        out.push_back(entry.name);
    return out;
}

class FolderListingTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = fs::path(::testing::TempDir()) / ("folder-listing-" + std::to_string(::getpid()));
        fs::remove_all(m_root);
        fs::create_directories(m_root / "current");
        std::ofstream((m_root / "current/b.task.md").string()) << "b";
        std::ofstream((m_root / "current/a.task.md").string()) << "a";
        std::ofstream((m_root / "current/.hidden").string()) << "h";
        m_folder = (m_root / "current").string();
    }
    void TearDown() override { fs::remove_all(m_root); }
    fs::path m_root;
    std::string m_folder;
};

TEST_F(FolderListingTest, ReadsNamesSortedWithoutHiddenOnes) {
    std::vector<DirectoryEntry> entries = read_folder(m_folder);
    EXPECT_EQ(names(entries), (std::vector<std::string> {"a.task.md", "b.task.md"}));
    EXPECT_EQ(entries[0].type, EntryType::file);
}

TEST_F(FolderListingTest, AListingKeptIsTakenOnceThenTheFolderIsReadAgain) {
    FolderListings listings;
    listings.keep(m_folder, {{"kept.task.md", EntryType::file}});
    EXPECT_EQ(names(read_folder(m_folder)), (std::vector<std::string> {"kept.task.md"}));
    EXPECT_EQ(names(read_folder(m_folder)), (std::vector<std::string> {"a.task.md", "b.task.md"}));
}

TEST_F(FolderListingTest, ApplyingAChangeDropsEveryListing) {
    FolderListings listings;
    listings.keep(m_folder, {{"kept.task.md", EntryType::file}});
    TreeRoots roots;
    roots.store = m_root.string();
    ASSERT_TRUE(
        apply_file_changes(roots, {{FileChangeKind::file_created, "current/c.task.md", {}, "c", TreeKind::store}})
            .ok());
    EXPECT_EQ(names(read_folder(m_folder)), (std::vector<std::string> {"a.task.md", "b.task.md", "c.task.md"}));
}

TEST_F(FolderListingTest, NothingIsKeptOnceTheCacheIsGone) {
    {
        FolderListings listings;
        listings.keep(m_folder, {{"kept.task.md", EntryType::file}});
    }
    EXPECT_EQ(FolderListings::current(), nullptr);
    EXPECT_EQ(names(read_folder(m_folder)), (std::vector<std::string> {"a.task.md", "b.task.md"}));
}

/// The pid of a process that has ended.
pid_t ended_process() {
    pid_t child = ::fork();
    if (child == 0)
        _exit(0);
    ::waitpid(child, nullptr, 0);
    return child;
}

// A command killed between writing a temporary and renaming it leaves `<name>.tmp-<pid>-<n>`.
TEST_F(FolderListingTest, AChangeRemovesTheTemporariesOfEndedProcessesInTheFolderItWritesTo) {
    std::string stale = "a.task.md.tmp-" + std::to_string(ended_process()) + "-0";
    std::string live = "b.task.md.tmp-" + std::to_string(::getppid()) + "-0";
    std::ofstream((m_root / "current" / stale).string()) << "half";
    std::ofstream((m_root / "current" / live).string()) << "being written";
    TreeRoots roots;
    roots.store = m_root.string();
    ASSERT_TRUE(
        apply_file_changes(roots, {{FileChangeKind::file_modified, "current/a.task.md", {}, "A", TreeKind::store}})
            .ok());
    EXPECT_FALSE(fs::exists(m_root / "current" / stale));
    EXPECT_TRUE(fs::exists(m_root / "current" / live)) << "its owner may still rename it";
    EXPECT_EQ(names(read_folder(m_folder)), (std::vector<std::string> {"a.task.md", "b.task.md", live}));
}

TEST_F(FolderListingTest, AChangeRemovesStaleTemporariesAnyListingOfTheOperationSaw) {
    fs::create_directories(m_root / "archive");
    std::string stale = "old.task.md.tmp-" + std::to_string(ended_process()) + "-3";
    std::ofstream((m_root / "archive" / stale).string()) << "half";
    FolderListings listings;
    read_folder((m_root / "archive").string());  // the operation's scan (or the outside-edit check)
    TreeRoots roots;
    roots.store = m_root.string();
    ASSERT_TRUE(
        apply_file_changes(roots, {{FileChangeKind::file_created, "current/c.task.md", {}, "c", TreeKind::store}})
            .ok());
    EXPECT_FALSE(fs::exists(m_root / "archive" / stale));
}

}  // namespace
}  // namespace sc::tasks
