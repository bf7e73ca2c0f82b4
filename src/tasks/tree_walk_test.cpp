// The walk of a task tree on several threads gives what the serial walk gives, folder for
// folder, entry for entry, in the same order (tasks/tree_walk.hpp).
#include "tasks/tree_walk.hpp"

#include <gtest/gtest.h>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "../../bench/task_tree_generator.hpp"
#include "tasks/task_tree.hpp"
#include "tasks/tree_test_support.hpp"

namespace sc::tasks {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

class EveryFolder final : public WalkRules {
public:
    [[nodiscard]] bool stat_file(const std::string& name) const override { return name != "skip-my-stat.txt"; }
    [[nodiscard]] bool enter(const std::string& /*folder*/, const std::string& name) const override {
        return name != "not-entered";
    }
};

/// The serial walk: each folder listed by list_folder, then the subfolders it enters, depth first.
void walk_serially(const std::string& path, const WalkRules& rules, std::map<std::string, WalkedFolder>& out) {
    WalkedFolder folder = list_folder(path, rules);
    std::vector<std::string> subfolders;
    for (const DirectoryEntry& entry : folder.entries)
        if (entry.type == EntryType::folder && rules.enter(path, entry.name))
            subfolders.push_back(path + "/" + entry.name);
    out[path] = std::move(folder);
    for (const std::string& subfolder : subfolders)
        walk_serially(subfolder, rules, out);
}

std::string describe(const WalkedFolder& folder) {
    std::string out = "error " + std::to_string(folder.error) + "\n";
    for (const DirectoryEntry& entry : folder.entries) {
        out += entry.name + " type " + std::to_string(static_cast<int>(entry.type)) +
               (entry.stat.known ? " stated" : " not stated");
        if (entry.stat.known)
            out += " size " + std::to_string(entry.stat.size) + " inode " + std::to_string(entry.stat.inode) +
                   " mtime " + std::to_string(entry.stat.mtime_nanos) + " ctime " +
                   std::to_string(entry.stat.ctime_nanos);
        out += "\n";
    }
    return out;
}

/// Every folder of a parallel walk of `root`, described, against the serial walk's.
void expect_same_as_serial(const std::string& root, unsigned threads, unsigned expected_threads) {
    EveryFolder rules;
    std::map<std::string, WalkedFolder> serial;
    walk_serially(root, rules, serial);
    ParallelWalk walk({root}, rules, WalkSettings {threads, 0});
    EXPECT_EQ(walk.threads_used(), expected_threads);
    std::vector<std::string> paths = walk.paths();
    EXPECT_EQ(std::set<std::string>(paths.begin(), paths.end()).size(), paths.size()) << "each folder listed once";
    ASSERT_EQ(paths.size(), serial.size());
    for (const std::string& path : paths) {
        SCOPED_TRACE(path);
        ASSERT_EQ(serial.count(path), 1u);
        WalkedFolder folder;
        ASSERT_TRUE(walk.take(path, folder));
        EXPECT_EQ(describe(folder), describe(serial[path]));
        EXPECT_FALSE(walk.take(path, folder)) << "taken once";
    }
}

TEST(TreeWalk, AGeneratedTreeWalkedOnTwoThreadsGivesEachFolderAsTheSerialWalkInTheSameOrder) {
    TempDir dir;
    std::string root = dir.path() + "/tasks";
    ASSERT_TRUE(bench::generate_task_tree(root, 3000));
    // What the rules leave alone: a file not stat-ed, a folder not entered, a link not followed.
    testing::write_file(root + "/current/skip-my-stat.txt", "x");
    testing::write_file(root + "/current/not-entered/inside.task.md", "x");
    fs::create_symlink(root + "/archive", root + "/current/link-to-archive");
    expect_same_as_serial(root, 2, 2);
    expect_same_as_serial(root, 4, 4);
    expect_same_as_serial(root, 1, 1);
}

TEST(TreeWalk, EveryCorpusTreeWalkedOnTwoThreadsGivesEachFolderAsTheSerialWalk) {
    for (const auto& scenario : fs::directory_iterator(testing::corpus_dir())) {
        if (!fs::is_directory(scenario.path() / "tree"))
            continue;
        SCOPED_TRACE(scenario.path().filename().string());
        expect_same_as_serial((scenario.path() / "tree").string(), 2, 2);
    }
}

TEST(TreeWalk, AFolderIsListedInByteOrderEachEntryWithItsOwnKindAndStat) {
    // The walk sorts a folder's names and then moves each entry into place: every entry must
    // arrive with its own kind and stat, short names (kept inside the string) and long alike.
    TempDir dir;
    std::map<std::string, size_t> files;  // name -> size
    std::set<std::string> folders;
    for (int i = 0; i < 300; ++i) {
        std::string name = i % 3 == 0   ? "f" + std::to_string(i * 7919 % 1000)
                           : i % 3 == 1 ? "generated-task-number-" + std::to_string(i * 7919 % 1000) + "-11A.task.md"
                                        : "Z" + std::string(static_cast<size_t>(i % 40), 'x') + std::to_string(i);
        if (i % 17 == 0) {
            fs::create_directories(dir.path() + "/" + name);
            folders.insert(name);
            continue;
        }
        files[name] = static_cast<size_t>(i) + 1;
        testing::write_file(dir.path() + "/" + name, std::string(static_cast<size_t>(i) + 1, 'a'));
    }
    WalkedFolder folder = list_folder(dir.path(), EveryFolder());
    std::vector<std::string> names;
    for (const DirectoryEntry& entry : folder.entries) {
        names.push_back(entry.name);
        if (folders.count(entry.name) > 0) {
            EXPECT_EQ(entry.type, EntryType::folder) << entry.name;
            continue;
        }
        ASSERT_EQ(files.count(entry.name), 1U) << entry.name;
        EXPECT_EQ(entry.type, EntryType::file) << entry.name;
        EXPECT_TRUE(entry.stat.known) << entry.name;
        EXPECT_EQ(entry.stat.size, files[entry.name]) << entry.name;
    }
    std::set<std::string> all(folders);
    for (const auto& [name, size] : files)
        all.insert(name);
    EXPECT_EQ(names, std::vector<std::string>(all.begin(), all.end()));
}

TEST(TreeWalk, NamesThatArePrefixesOfEachOtherAtEveryEightByteBoundarySortInByteOrder) {
    // The sort compares eight bytes at a time as integers, zero past a name's end: a name that
    // ends where another goes on, at a word's boundary or inside one, sorts first; bytes of
    // 0x80 and above sort after ASCII, as memcmp sorts them.
    TempDir dir;
    std::set<std::string> all;
    for (std::string stem : {"", "abcdefgh", "abcdefghabcdefgh", "abcdefghabcdefghabcdefgh"})
        for (std::string tail :
             {"", "a", "abcdefg", "abcdefgh", "abcdefghi", "\xc3\xa9", "~", "b", "\x7f", "\xff", "0"}) {
            std::string name = stem + tail;
            if (name.empty())
                continue;
            all.insert(name);
            testing::write_file(dir.path() + "/" + name, "x");
        }
    WalkedFolder folder = list_folder(dir.path(), EveryFolder());
    std::vector<std::string> names;
    for (const DirectoryEntry& entry : folder.entries)
        names.push_back(entry.name);
    EXPECT_EQ(names, std::vector<std::string>(all.begin(), all.end()));
}

TEST(TreeWalk, BelowTheThresholdNoThreadIsStarted) {
    TempDir dir;
    std::string root = dir.path() + "/tasks";
    ASSERT_TRUE(bench::generate_task_tree(root, 200));
    EveryFolder rules;
    ParallelWalk small({root}, rules, WalkSettings {2, 1000});
    EXPECT_EQ(small.threads_used(), 1u) << "about 230 entries";
    ParallelWalk large({root}, rules, WalkSettings {2, 100});
    EXPECT_EQ(large.threads_used(), 2u);
}

TEST(TreeWalk, AFolderThatCannotBeOpenedGivesItsErrorAsTheSerialWalk) {
    TempDir dir;
    EveryFolder rules;
    std::string missing = dir.path() + "/missing";
    ParallelWalk walk({missing}, rules, WalkSettings {2, 0});
    WalkedFolder folder;
    ASSERT_TRUE(walk.take(missing, folder));
    EXPECT_EQ(folder.error, ENOENT);
    EXPECT_TRUE(folder.entries.empty());
    EXPECT_EQ(list_folder(missing, rules).error, ENOENT);
}

/// Records whether any call of the rules on a thread other than the test's saw SIGINT deliverable.
class SignalWatchingRules final : public WalkRules {
public:
    explicit SignalWatchingRules(std::thread::id main) : m_main(main) {}
    [[nodiscard]] bool stat_file(const std::string& /*name*/) const override {
        if (std::this_thread::get_id() != m_main) {
            m_helper_calls.fetch_add(1);
            sigset_t mask;
            ::pthread_sigmask(SIG_BLOCK, nullptr, &mask);
            if (sigismember(&mask, SIGINT) != 1 || sigismember(&mask, SIGTERM) != 1)
                m_unblocked.fetch_add(1);
        }
        return true;
    }
    [[nodiscard]] bool enter(const std::string& /*folder*/, const std::string& /*name*/) const override { return true; }
    mutable std::atomic<int> m_helper_calls {0};
    mutable std::atomic<int> m_unblocked {0};

private:
    std::thread::id m_main;
};

TEST(TreeWalk, HelperThreadsTakeNoSignalSoSignalsHeldBackByTheCommandStayHeld) {
    TempDir dir;
    std::string root = dir.path() + "/tasks";
    ASSERT_TRUE(bench::generate_task_tree(root, 3000));
    SignalWatchingRules rules(std::this_thread::get_id());
    sigset_t before;
    ::pthread_sigmask(SIG_BLOCK, nullptr, &before);
    {
        ParallelWalk walk({root}, rules, WalkSettings {2, 0});
        EXPECT_EQ(walk.threads_used(), 2u);
    }
    EXPECT_GT(rules.m_helper_calls.load(), 0) << "the helper did part of the walk";
    EXPECT_EQ(rules.m_unblocked.load(), 0);
    sigset_t after;
    ::pthread_sigmask(SIG_BLOCK, nullptr, &after);
    EXPECT_EQ(sigismember(&after, SIGINT), sigismember(&before, SIGINT)) << "the caller's mask is given back";
}

TEST(TreeWalk, TheSettingsComeFromTheEnvironmentAndUnreadableValuesKeepTheDefaults) {
    WalkSettings set =
        walk_settings_from(MapEnvironment({{"SCOPECRAFT_WALK_THREADS", "1"}, {"SCOPECRAFT_WALK_THRESHOLD", "250"}}));
    EXPECT_EQ(set.threads, 1u);
    EXPECT_EQ(set.threshold, 250u);
    WalkSettings unreadable =
        walk_settings_from(MapEnvironment({{"SCOPECRAFT_WALK_THREADS", "two"}, {"SCOPECRAFT_WALK_THRESHOLD", "-5"}}));
    EXPECT_EQ(unreadable.threads, 0u);
    EXPECT_EQ(unreadable.threshold, k_default_walk_threshold);
    WalkSettings unset = walk_settings_from(MapEnvironment());
    EXPECT_EQ(unset.threads, 0u);
    EXPECT_EQ(unset.threshold, k_default_walk_threshold);
}

/// Every location a scan gives, with its stat.
std::string describe(const TreeScan& scan) {
    std::string out;
    for (const TaskLocation& location : scan.tasks)
        out += location.path + " " + location.id + " parent " + location.parent_id + " seq " + location.sequence +
               " month " + location.archive_month + (location.stat.known ? " stat " : " no stat ") +
               std::to_string(location.stat.inode) + " " + std::to_string(location.stat.mtime_nanos) + "\n";
    for (const Diagnostic& diagnostic : scan.diagnostics)
        out += "diagnostic " + diagnostic.where.file + ": " + diagnostic.message + "\n";
    return out;
}

TEST(TreeWalk, AScanThatStatsEveryFileGivesTheSameLocationsAndStatsOnTwoThreadsAsOnOne) {
    TempDir dir;
    std::string root = dir.path() + "/tasks";
    ASSERT_TRUE(bench::generate_task_tree(root, 2000));
    testing::write_file(root + "/backlog/waiting-11A.task.md", "# Waiting\n");
    testing::write_file(root + "/archive/2026-09/parent-old-11A/_overview.md", "# Old\n");
    testing::write_file(root + "/archive/2026-09/parent-old-11A/10_step-11B.task.md", "# Step\n");
    testing::write_file(root + "/archive/loose/loose-11C.task.md", "# Loose\n");
    fs::create_symlink(root + "/current/generated-task-number-0-11A.task.md", root + "/current/linked-11D.task.md");
    WalkSettings before = walk_settings();
    for (LocationScope scope : {LocationScope::current, LocationScope::archive, LocationScope::all}) {
        set_walk_settings(WalkSettings {1, 0});
        std::string serial = describe(scan_tree({TreeKind::store, root}, scope, true));
        set_walk_settings(WalkSettings {2, 0});
        std::string parallel = describe(scan_tree({TreeKind::store, root}, scope, true));
        EXPECT_EQ(parallel, serial);
        EXPECT_NE(serial.find(" stat "), std::string::npos);
        EXPECT_EQ(serial.find(" no stat "), std::string::npos);
    }
    set_walk_settings(before);
}

}  // namespace
}  // namespace sc::tasks
