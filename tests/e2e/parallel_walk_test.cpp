// End-to-end: `sc task list` walks a large tree on two threads (tasks/tree_walk.hpp) and prints,
// byte for byte, what the serial walk prints: every corpus tree and a generated one, every
// output format and location, telemetry on (the outside-edit check's walk) and off (the
// listing's own), from the files and from the listing cache.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "../bench/task_tree_generator.hpp"
#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

std::string corpus(const std::string& relative) {
    return std::string(SC_SOURCE_DIR) + "/tests/corpus/" + relative;
}

class ParallelWalk : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0) << "init"; }

    std::string cache_file() const { return m_sandbox.tasks_root() + "/.sc-listing-cache"; }

    /// Walks on one thread (1), or on two from the first entry on (2).
    void use_threads(int threads) {
        m_sandbox.set_env("SCOPECRAFT_WALK_THREADS", std::to_string(threads));
        m_sandbox.set_env("SCOPECRAFT_WALK_THRESHOLD", "0");
    }

    /// Every format and location of `sc task list`, stdout, stderr and exit code, one run each;
    /// with `without_cache` the cache is deleted before each run, so each reads every file.
    std::string every_listing(bool telemetry, bool without_cache) const {
        std::string out;
        for (const char* format : {"json", "table", "tree", "minimal"})
            for (const std::vector<std::string>& extra :
                 {std::vector<std::string> {}, std::vector<std::string> {"--all"},
                  std::vector<std::string> {"--location", "archive"},
                  std::vector<std::string> {"--include-parents", "--all"}}) {
                std::vector<std::string> arguments {"task", "list", "--format", format};
                if (!telemetry)
                    arguments.insert(arguments.begin(), "--no-telemetry");
                arguments.insert(arguments.end(), extra.begin(), extra.end());
                if (without_cache)
                    fs::remove(cache_file());
                RunResult result = m_sandbox.sc(arguments);
                out += "$ " + std::string(format) + " " + std::to_string(extra.size()) + " -> " +
                       std::to_string(result.exit_code) + "\n" + result.out + result.err;
            }
        return out;
    }

    /// The listings of the tree in place on one thread and on two, compared.
    void expect_alike_on_one_thread_and_two() {
        ::usleep(30'000);  // older than any listing's reference time: entries are stored
        // The first instrumented command records the copied tree as outside edits: not compared.
        ASSERT_EQ(m_sandbox.sc({"task", "list"}).exit_code, 0);
        for (bool telemetry : {false, true})
            for (bool without_cache : {true, false}) {
                SCOPED_TRACE(std::string(telemetry ? "telemetry on" : "telemetry off") +
                             (without_cache ? ", from the files" : ", from the cache"));
                use_threads(1);
                std::string serial = every_listing(telemetry, without_cache);
                use_threads(2);
                std::string parallel = every_listing(telemetry, without_cache);
                EXPECT_EQ(parallel, serial);
                EXPECT_NE(serial.find("\"metadata\""), std::string::npos);
            }
    }

    Sandbox m_sandbox;
};

TEST_F(ParallelWalk, EveryCorpusTreeListsByteForByteAlikeOnTwoThreadsAndOnOne) {
    for (const char* scenario :
         {"01-basic", "02-parents-subtasks", "03-workflow-archive", "04-updates-sections-log", "05-odd-values"}) {
        SCOPED_TRACE(scenario);
        fs::remove_all(m_sandbox.tasks_root());
        fs::copy(corpus(std::string(scenario) + "/tree"), m_sandbox.tasks_root(), fs::copy_options::recursive);
        fs::create_directories(m_sandbox.tasks_root() + "/archive");
        expect_alike_on_one_thread_and_two();
    }
}

TEST_F(ParallelWalk, AGeneratedTreeListsByteForByteAlikeOnTwoThreadsAndOnOne) {
    fs::remove_all(m_sandbox.tasks_root());
    ASSERT_TRUE(bench::generate_task_tree(m_sandbox.tasks_root(), 700));
    // What a walk must leave as the serial one does: a link (warned about), a hidden file, a
    // file that is not a task, a backlog, a plain folder in the archive.
    fs::create_symlink(m_sandbox.tasks_root() + "/current/generated-task-number-0-11A.task.md",
                       m_sandbox.tasks_root() + "/current/linked-11Z.task.md");
    m_sandbox.write(m_sandbox.tasks_root() + "/current/.hidden.task.md", "# Hidden\n");
    m_sandbox.write(m_sandbox.tasks_root() + "/current/notes.txt", "not a task\n");
    fs::create_directories(m_sandbox.tasks_root() + "/backlog");
    m_sandbox.write(m_sandbox.tasks_root() + "/backlog/waiting-11Y.task.md", "# Waiting\n\n---\nstatus: todo\n---\n");
    fs::create_directories(m_sandbox.tasks_root() + "/archive/loose");
    m_sandbox.write(m_sandbox.tasks_root() + "/archive/loose/loose-11X.task.md", "# Loose\n");
    expect_alike_on_one_thread_and_two();
}

TEST_F(ParallelWalk, AboveTheThresholdThreadsStartAndWithOneThreadOrBelowItNone) {
    fs::remove_all(m_sandbox.tasks_root());
    ASSERT_TRUE(bench::generate_task_tree(m_sandbox.tasks_root(), 300));
    auto threads_started = [&](bool telemetry) {
        std::string trace = m_sandbox.root() + "/clones";
        std::vector<std::string> argv = strace_command();
        argv.insert(argv.end(), {"-f", "-e", "trace=clone,clone3,openat", "-o", trace, SC_BINARY, "task", "list"});
        if (!telemetry)
            argv.insert(argv.end() - 2, "--no-telemetry");
        RunResult result = m_sandbox.run(argv);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        std::string calls = m_sandbox.read(trace);
        // The machine's CPU count (glibc reads it from /sys) is asked only by a walk that starts threads.
        bool asked_cpus = calls.find("/sys/devices/system/cpu") != std::string::npos;
        size_t count = 0;
        for (size_t at = calls.find("clone"); at != std::string::npos; at = calls.find("clone", at + 1))
            count += calls.compare(at, 6, "clone(") == 0 || calls.compare(at, 7, "clone3(") == 0 ? 1 : 0;
        if (count == 0) {
            EXPECT_FALSE(asked_cpus) << calls;
        }
        return count;
    };
    // The first instrumented command records the generated tree, walking it twice (the digest
    // differs, so the state is loaded and compared): later ones walk it once.
    ASSERT_EQ(m_sandbox.sc({"task", "list"}).exit_code, 0);
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        use_threads(2);
        // The walk's helper, and the thread that loads the listing cache while the tree is walked.
        EXPECT_EQ(threads_started(telemetry), 2u);
        use_threads(1);
        EXPECT_EQ(threads_started(telemetry), 0u);
        // The default (as many threads as CPUs) on a tree below the threshold: one thread, and
        // the CPUs not even asked for.
        m_sandbox.unset_env("SCOPECRAFT_WALK_THREADS");
        m_sandbox.set_env("SCOPECRAFT_WALK_THRESHOLD", "100000");
        EXPECT_EQ(threads_started(telemetry), 0u) << "a tree below the threshold is walked on one thread";
    }
}

}  // namespace
}  // namespace sc::e2e
