// End-to-end: `sc task list` served from the listing cache prints what it prints from the
// files, in every output format, with telemetry on and off; the cache lives with the task tree
// (docs/layout.md, "The listing cache") and a branch switch gets past none of it.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

std::string corpus(const std::string& relative) {
    return std::string(SC_SOURCE_DIR) + "/tests/corpus/" + relative;
}

/// Files changed so far become older than the reference time of any later listing (the file
/// system's clock moves in ticks of at most 10 ms): their entries are stored, not left out as
/// racily clean.
void settle() {
    ::usleep(30'000);
}

class ListingCache : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0) << "init"; }

    std::string cache_file() const { return m_sandbox.tasks_root() + "/.sc-listing-cache"; }
    std::string store_folder() const { return fs::path(m_sandbox.tasks_root()).parent_path().string(); }

    /// Every format and location of `sc task list`, stdout and stderr, one run each; with
    /// `without_cache` the cache is deleted before each run, so each reads every file.
    std::string every_listing(bool telemetry, bool without_cache = false) const {
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

    Sandbox m_sandbox;
};

TEST_F(ListingCache, EveryCorpusTreeAndFormatPrintsTheSameFromTheCacheAsFromTheFiles) {
    for (const char* scenario :
         {"01-basic", "02-parents-subtasks", "03-workflow-archive", "04-updates-sections-log", "05-odd-values"}) {
        SCOPED_TRACE(scenario);
        fs::remove_all(m_sandbox.tasks_root());
        fs::copy(corpus(std::string(scenario) + "/tree"), m_sandbox.tasks_root(), fs::copy_options::recursive);
        fs::create_directories(m_sandbox.tasks_root() + "/archive");
        settle();
        for (bool telemetry : {false, true}) {
            std::string from_files = every_listing(telemetry, true);
            ASSERT_TRUE(fs::exists(cache_file()));
            std::string from_cache = every_listing(telemetry);
            EXPECT_EQ(from_cache, from_files);
            EXPECT_NE(from_cache.find("\"metadata\""), std::string::npos);
        }
    }
}

TEST_F(ListingCache, TelemetryOffUsesTheCacheKeptWithTheTreeAndWritesNoTelemetryFile) {
    m_sandbox.set_env("OTEL_SDK_DISABLED", "true");
    fs::remove_all(store_folder() + "/telemetry");
    ASSERT_EQ(m_sandbox.sc({"task", "create", "--title", "Quiet task"}).exit_code, 0);
    settle();
    RunResult first = m_sandbox.sc({"task", "list", "--format", "json"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    ASSERT_TRUE(fs::exists(cache_file()));
    EXPECT_NE(m_sandbox.read(cache_file()).find("s:current/quiet-task-"), std::string::npos);
    EXPECT_EQ(m_sandbox.sc({"task", "list", "--format", "json"}).out, first.out);
    EXPECT_FALSE(fs::exists(store_folder() + "/telemetry"));
    for (const auto& entry : fs::recursive_directory_iterator(m_sandbox.root()))
        EXPECT_EQ(entry.path().string().find("telemetry"), std::string::npos) << entry.path();
}

TEST_F(ListingCache, AGitCheckoutOfAnotherBranchIsListedAsCheckedOut) {
    std::string tasks = m_sandbox.tasks_root();
    auto git = [&](std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(),
                         {"git", "-C", tasks, "-c", "user.name=t", "-c", "user.email=t@example.com"});
        RunResult result = m_sandbox.run(arguments);
        ASSERT_EQ(result.exit_code, 0) << result.err;
    };
    // Two tasks whose files keep their size on the other branch: only the stat tells.
    for (const char* title : {"First task", "Second task"})
        ASSERT_EQ(m_sandbox.sc({"--no-telemetry", "task", "create", "--title", title, "--status", "todo"}).exit_code,
                  0);
    git({"init", "-q", "-b", "main"});
    git({"add", "current"});
    git({"commit", "-q", "-m", "main"});
    git({"checkout", "-q", "-b", "other"});
    for (const auto& entry : fs::directory_iterator(tasks + "/current")) {
        std::string content = m_sandbox.read(entry.path().string());
        size_t status = content.find("status: todo");
        ASSERT_NE(status, std::string::npos);
        content.replace(status, 12, "status: done");
        m_sandbox.write(entry.path().string(), content);
    }
    git({"commit", "-q", "-am", "done"});
    git({"checkout", "-q", "main"});
    settle();
    RunResult on_main = m_sandbox.sc({"--no-telemetry", "task", "list", "--format", "json"});
    EXPECT_EQ(on_main.out.find("\"done\""), std::string::npos) << on_main.out;
    git({"checkout", "-q", "other"});
    for (bool telemetry : {false, true}) {
        std::vector<std::string> arguments {"task", "list", "--format", "json"};
        if (!telemetry)
            arguments.insert(arguments.begin(), "--no-telemetry");
        RunResult on_other = m_sandbox.sc(arguments);
        EXPECT_EQ(on_other.out.find("\"todo\""), std::string::npos) << on_other.out;
        fs::remove(cache_file());
        EXPECT_EQ(m_sandbox.sc(arguments).out, on_other.out);
    }
}

}  // namespace
}  // namespace sc::e2e
