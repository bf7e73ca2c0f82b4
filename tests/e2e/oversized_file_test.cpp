// End-to-end: a task file larger than sc reads (8 MiB) dropped into the tree is recorded as an
// outside edit without its bytes (the event says "oversized" and the size), so a listing stays
// inside bounded memory, replay --verify still agrees with the tree, and the event log never
// holds the file; a write that would make such a file is refused before anything is written.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "e2e/sandbox.hpp"

namespace fs = std::filesystem;

namespace sc::e2e {
namespace {

// As in hostile_file_test.cpp: a listing runs in a few MiB, the issue allows ~64 MiB above it.
constexpr int k_address_space_kib = 96 * 1024;

class OversizedFiles : public ::testing::Test {
protected:
    void SetUp() override {
        m_telemetry = m_sandbox.sc({"--version"}).out.find("telemetry compiled out") == std::string::npos;
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    }

    /// `sc ARGS` under the address-space cap and a time limit, timed (Sandbox::sc_bounded).
    RunResult bounded_sc(const std::vector<std::string>& arguments, double* seconds) const {
        return m_sandbox.sc_bounded(arguments, k_address_space_kib, seconds);
    }

    /// The last line of the newest events segment of the project's store.
    std::string newest_event_line() const {
        fs::path project = fs::path(m_sandbox.tasks_root()).parent_path();
        std::string newest;
        for (const auto& entry : fs::recursive_directory_iterator(project)) {
            std::string name = entry.path().filename().string();
            if (entry.is_regular_file() && name.rfind("events-", 0) == 0 && entry.path().extension() == ".jsonl" &&
                entry.path().string() > newest)
                newest = entry.path().string();
        }
        std::ifstream in(newest);
        std::string line, last;
        while (std::getline(in, line))
            if (!line.empty())
                last = line;
        return last;
    }

    Sandbox m_sandbox;
    bool m_telemetry = true;  // false: built with -DSC_TELEMETRY=OFF, no event log to check
};

TEST_F(OversizedFiles, AFiftyMegabyteFileIsRecordedWithoutItsBytesAndVerifyStillAgrees) {
    ASSERT_EQ(m_sandbox.sc({"task", "create", "--title", "Fine task"}).exit_code, 0);
    const std::string path = m_sandbox.tasks_root() + "/current/huge-11A.task.md";
    {
        std::ofstream out(path, std::ios::binary);
        out << "# Huge\n\n---\ntype: bug\nstatus: todo\narea: core\n---\n\n## Instruction\n";
        std::string block(1 << 20, 'x');
        for (int i = 0; i < 50; ++i)
            out << block;
    }

    double seconds = 0;
    RunResult listed = bounded_sc({"task", "list", "--format", "minimal"}, &seconds);
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_LT(seconds, 20.0);
    EXPECT_NE(listed.out.find("fine-task-"), std::string::npos) << listed.out;
    EXPECT_EQ(listed.out.find("huge-11A"), std::string::npos) << listed.out;
    const std::string warning =
        "sc: warning: skipped: task file is larger than 8 MiB, the most sc reads of one (" + path;
    size_t first = listed.err.find(warning);
    EXPECT_NE(first, std::string::npos) << listed.err;
    EXPECT_EQ(listed.err.find(path, first + warning.size()), std::string::npos) << "named twice:\n" << listed.err;

    if (!m_telemetry)
        return;
    std::string event = newest_event_line();
    EXPECT_LT(event.size(), size_t {64} << 10);
    EXPECT_NE(event.find("\"oversizedBytes\":52428866"), std::string::npos) << event.substr(0, 2000);

    RunResult verified = bounded_sc({"events", "replay", "--verify"}, &seconds);
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    EXPECT_NE(verified.err.find("current/huge-11A.task.md was larger than 8 MiB when recorded"), std::string::npos)
        << verified.err;

    // Seen once: the next command records nothing more.
    std::string before = newest_event_line();
    RunResult again = bounded_sc({"task", "list", "--format", "minimal"}, &seconds);
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(newest_event_line(), before);
}

TEST_F(OversizedFiles, ASectionThatWouldPassTheLimitIsRefusedAndTheFileKept) {
    RunResult created = m_sandbox.sc({"task", "create", "--title", "Target task"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    const std::string id = created.out.substr(created.out.find("target-task-"), std::string("target-task-MMA").size());
    const std::string path = m_sandbox.tasks_root() + "/current/" + id + ".task.md";
    const std::string before = m_sandbox.read(path);

    // Fed from a file: sc stops reading at the limit, and a pipe written by this test would
    // then break (SIGPIPE) under it.
    const std::string input = m_sandbox.root() + "/ten-megabytes.txt";
    m_sandbox.write(input, std::string(size_t {10} << 20, 'y'));
    RunResult piped = m_sandbox.run(
        {"bash", "-c", "exec " + std::string(SC_BINARY) + " task section " + id + " instruction --stdin < " + input});
    EXPECT_EQ(piped.exit_code, 2) << piped.err;
    EXPECT_NE(piped.err.find("sc: error: the text on stdin is larger than 8 MiB, the most sc reads of a task file"),
              std::string::npos)
        << piped.err;
    EXPECT_TRUE(m_sandbox.read(path) == before) << "the task file changed";

    // Text just under the limit still makes the whole file pass it: refused before writing.
    RunResult refused =
        m_sandbox.sc({"task", "section", id, "instruction", "--stdin"}, std::string((size_t {8} << 20) - 10, 'y'));
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("sc: error: the change would make current/" + id +
                               ".task.md larger than 8 MiB, the most sc reads of a task file"),
              std::string::npos)
        << refused.err;
    EXPECT_TRUE(m_sandbox.read(path) == before) << "the task file changed";
    if (!m_telemetry)
        return;
    RunResult verified = m_sandbox.sc({"events", "replay", "--verify"});
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

TEST_F(OversizedFiles, DeletingAParentWithoutCascadeNamesTheOption) {
    RunResult parent = m_sandbox.sc({"parent", "create", "--title", "Release"});
    ASSERT_EQ(parent.exit_code, 0) << parent.err;
    const std::string id = parent.out.substr(parent.out.find("release-"), std::string("release-MMA").size());
    RunResult refused = m_sandbox.sc({"task", "delete", id, "--force"});
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("sc: hint: add --cascade (MCP: \"cascade\": true) to delete the whole folder"),
              std::string::npos)
        << refused.err;
}

}  // namespace
}  // namespace sc::e2e
