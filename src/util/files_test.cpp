// Crash behaviour of files::write_atomic and files::create_exclusive: a child process is killed
// (SIGKILL) at each step the write goes through (files::set_write_step_hook), and the folder is
// then checked: the target holds the old bytes or the new ones, never a cut file, and a
// temporary left by the dead child is removed by remove_if_stale_temporary.

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "util/files.hpp"

namespace sc {
namespace {

files::WriteStep g_kill_at = files::WriteStep::temporary_written;

void kill_at_step(files::WriteStep reached, const std::string& /*path*/) {
    if (reached == g_kill_at)
        ::kill(::getpid(), SIGKILL);
}

enum class ChildEnd { killed, finished_ok, finished_with_error };

/// Runs `write` in a child that kills itself when the write reaches `step`.
ChildEnd run_killed_at(files::WriteStep step, const std::function<Status()>& write) {
    pid_t child = ::fork();
    if (child == 0) {
        g_kill_at = step;
        files::set_write_step_hook(&kill_at_step);
        _exit(write().ok() ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        return ChildEnd::killed;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ChildEnd::finished_ok : ChildEnd::finished_with_error;
}

class FileCrashes : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/sc-files-test-XXXXXX";
        m_root = ::mkdtemp(pattern);
    }
    void TearDown() override { std::system(("rm -rf '" + m_root + "'").c_str()); }

    [[nodiscard]] std::set<std::string> names() const {
        std::set<std::string> found;
        DIR* folder = ::opendir(m_root.c_str());
        while (dirent* entry = ::readdir(folder))
            if (std::string(entry->d_name) != "." && std::string(entry->d_name) != "..")
                found.insert(entry->d_name);
        ::closedir(folder);
        return found;
    }
    /// What a later writer does: every stale temporary of the folder removed.
    int sweep() const {
        int removed = 0;
        for (const std::string& name : names())
            removed += files::remove_if_stale_temporary(m_root, name) ? 1 : 0;
        return removed;
    }
    [[nodiscard]] std::string path(const std::string& name) const { return m_root + "/" + name; }

    std::string m_root;
};

const std::string k_content(10000, 'x');  // more than one page, as the cut files of the issue

TEST_F(FileCrashes, ANewFileKilledBeforeItsLinkIsNotThereAtAll) {
    ASSERT_EQ(run_killed_at(files::WriteStep::temporary_written,
                            [&] { return files::create_exclusive(path("task.md"), k_content); }),
              ChildEnd::killed);
    EXPECT_FALSE(files::exists(path("task.md")));
    if (files::unnamed_temporaries_built()) {
        EXPECT_EQ(names(), std::set<std::string>()) << "an unnamed temporary leaves no name behind";
    } else {
        ASSERT_EQ(names().size(), 1U);
        EXPECT_EQ(names().begin()->rfind("task.md.tmp-", 0), 0U);
        EXPECT_EQ(sweep(), 1);
        EXPECT_EQ(names(), std::set<std::string>());
    }
    ASSERT_TRUE(files::create_exclusive(path("task.md"), k_content).ok()) << "the name is still free";
    EXPECT_EQ(files::read(path("task.md")).value(), k_content);
}

TEST_F(FileCrashes, ANewFileKilledAfterItsLinkIsCompleteAndItsTemporaryGoesAtTheNextSweep) {
    // Only the named scheme has a step between the link and the end.
    ChildEnd end = run_killed_at(files::WriteStep::target_linked,
                                 [&] { return files::create_exclusive(path("task.md"), k_content); });
    EXPECT_EQ(files::read(path("task.md")).value(), k_content);
    if (files::unnamed_temporaries_built()) {
        EXPECT_EQ(end, ChildEnd::finished_ok);
        EXPECT_EQ(names(), std::set<std::string>({"task.md"}));
    } else {
        EXPECT_EQ(end, ChildEnd::killed);
        EXPECT_EQ(names().size(), 2U);
        EXPECT_EQ(sweep(), 1);
        EXPECT_EQ(names(), std::set<std::string>({"task.md"}));
    }
}

TEST_F(FileCrashes, AReplacementKilledBeforeItsRenameKeepsTheOldBytes) {
    ASSERT_TRUE(files::write_atomic(path("state"), "old\n").ok());
    ASSERT_EQ(run_killed_at(files::WriteStep::temporary_written,
                            [&] { return files::write_atomic(path("state"), k_content); }),
              ChildEnd::killed);
    EXPECT_EQ(files::read(path("state")).value(), "old\n");
    if (files::unnamed_temporaries_built()) {
        EXPECT_EQ(names(), std::set<std::string>({"state"}));
    }
    sweep();
    EXPECT_EQ(names(), std::set<std::string>({"state"}));
}

TEST_F(FileCrashes, AReplacementKilledWithANamedTemporaryLeavesOneTheNextSweepRemoves) {
    ASSERT_TRUE(files::write_atomic(path("state"), "old\n").ok());
    ASSERT_EQ(
        run_killed_at(files::WriteStep::temporary_named, [&] { return files::write_atomic(path("state"), k_content); }),
        ChildEnd::killed);
    EXPECT_EQ(files::read(path("state")).value(), "old\n");
    std::set<std::string> left = names();
    ASSERT_EQ(left.size(), 2U);
    left.erase("state");
    EXPECT_EQ(left.begin()->rfind("state.tmp-", 0), 0U);
    EXPECT_GT(files::temporary_owner(*left.begin()), 0);
    EXPECT_EQ(sweep(), 1);
    EXPECT_EQ(names(), std::set<std::string>({"state"}));
    ASSERT_TRUE(files::write_atomic(path("state"), "new\n").ok());
    EXPECT_EQ(files::read(path("state")).value(), "new\n");
}

TEST_F(FileCrashes, ANewFileNeverReplacesAnExistingOneAndSaysSo) {
    ASSERT_TRUE(files::create_exclusive(path("b.txt"), "first").ok());
    Status second = files::create_exclusive(path("b.txt"), "second");
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::already_exists);
    EXPECT_EQ(second.error().describe(), "creating failed: File exists (" + path("b.txt") + ")");
    EXPECT_EQ(files::read(path("b.txt")).value(), "first");
    EXPECT_EQ(names(), std::set<std::string>({"b.txt"})) << "the refused bytes leave nothing behind";
}

TEST_F(FileCrashes, DurableWritesReachTheirNamesWithTheirBytes) {
    ASSERT_TRUE(files::create_exclusive(path("new"), k_content, 0600, files::Durability::sync).ok());
    ASSERT_TRUE(files::write_atomic(path("new"), "replaced", files::Durability::sync).ok());
    EXPECT_EQ(files::read(path("new")).value(), "replaced");
    struct stat info {};
    ASSERT_EQ(::stat(path("new").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U) << "a replacement keeps the file's permissions";
    EXPECT_EQ(names(), std::set<std::string>({"new"}));
}

TEST_F(FileCrashes, AWriteIntoAMissingFolderFailsNamingTheFile) {
    Status created = files::create_exclusive(path("gone/task.md"), "x");
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code, ErrorCode::not_found);
    EXPECT_EQ(created.error().where.file, path("gone/task.md"));
    Status replaced = files::write_atomic(path("gone/state"), "x");
    ASSERT_FALSE(replaced.ok());
    EXPECT_EQ(replaced.error().where.file, path("gone/state"));
}

TEST_F(FileCrashes, AMoveNeverReplacesAFileOrAFolder) {
    ASSERT_TRUE(files::create_exclusive(path("a"), "a").ok());
    ASSERT_TRUE(files::create_exclusive(path("b"), "b").ok());
    errno = 0;
    EXPECT_EQ(files::rename_no_replace(path("a"), path("b")), -1);
    EXPECT_EQ(errno, EEXIST);
    EXPECT_EQ(files::read(path("b")).value(), "b");
    ASSERT_EQ(::mkdir(path("folder").c_str(), 0755), 0);
    EXPECT_EQ(files::rename_no_replace(path("a"), path("folder")), -1);
    EXPECT_EQ(files::rename_no_replace(path("a"), path("c")), 0);
    EXPECT_EQ(names(), std::set<std::string>({"b", "c", "folder"}));
}

TEST(TemporaryNames, OnlyOurPatternNamesAnOwner) {
    EXPECT_EQ(files::temporary_owner("a-11A.task.md.tmp-4242-7"), 4242);
    EXPECT_EQ(files::temporary_owner("state.tmp-1-3735928559"), 1);  // older versions: a random number
    EXPECT_EQ(files::temporary_owner("a-11A.task.md"), 0);
    EXPECT_EQ(files::temporary_owner(".tmp-12-3"), 0) << "a temporary always has its target's name first";
    EXPECT_EQ(files::temporary_owner("notes.tmp-draft"), 0);
    EXPECT_EQ(files::temporary_owner("notes.tmp-12"), 0);
    EXPECT_EQ(files::temporary_owner("notes.tmp--3"), 0);
    EXPECT_EQ(files::temporary_owner("notes-12-3"), 0);
    EXPECT_EQ(files::temporary_owner("release-2026-11"), 0);
}

TEST_F(FileCrashes, OnlyTemporariesOfEndedProcessesAreRemoved) {
    pid_t dead = ::fork();
    if (dead == 0)
        _exit(0);
    ::waitpid(dead, nullptr, 0);
    std::string mine = "a.tmp-" + std::to_string(::getpid()) + "-1";
    std::string live = "b.tmp-" + std::to_string(::getppid()) + "-1";
    std::string stale = "c.tmp-" + std::to_string(dead) + "-1";
    std::string folder_named_so = "d.tmp-" + std::to_string(dead) + "-2";
    for (const std::string& name : {mine, live, stale, std::string("notes.tmp-draft")})
        ASSERT_TRUE(files::create_exclusive(path(name), "x").ok());
    ASSERT_EQ(::mkdir(path(folder_named_so).c_str(), 0755), 0);
    EXPECT_EQ(sweep(), 1);
    EXPECT_EQ(names(), std::set<std::string>({mine, live, "notes.tmp-draft", folder_named_so}));
}

}  // namespace
}  // namespace sc
