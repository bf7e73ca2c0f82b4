// End-to-end: `sc events replay --verify` when the events do NOT rebuild the live tree. One
// stored event is altered by hand (its recorded file content), and every form of --verify must
// say so: exit 4, the error on stderr, and the list of differences on stdout (as JSON with
// --format json), with or without --into.

#include <algorithm>
#include <filesystem>

#include "e2e/project_fixture.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

class ReplayFailure : public ProjectTest {
protected:
    void SetUp() override {
        start(true);
        if (IsSkipped())
            return;
        m_first = create("First one");
        m_second = create("Second");
        m_difference = "content differs: store:current/" + m_second + ".task.md";
        m_error = "sc: error: the events do not rebuild the live tree: 1 difference (" + m_difference +
                  ")\nsc: hint: see them all with `sc events replay --verify --format json`\n";
    }

    // Replaces `from` by `to` (the same length, so every offset the index holds stays true) in
    // the stored line of event `seq`, behind sc's back.
    void alter_event(int seq, const std::string& from, const std::string& to) {
        ASSERT_EQ(from.size(), to.size());
        std::string marker = "\"seq\":" + std::to_string(seq) + ",";
        for (const std::string& segment : event_segments()) {
            std::string content = m_sandbox.read(segment);
            size_t line = content.find(marker);
            if (line == std::string::npos)
                continue;
            size_t end = content.find('\n', line);
            size_t at = content.find(from, line);
            ASSERT_LT(at, end) << "event " << seq << " does not contain " << from;
            content.replace(at, from.size(), to);
            m_sandbox.write(segment, content);
            return;
        }
        FAIL() << "no stored event with seq " << seq;
    }

    std::string m_first;
    std::string m_second;
    std::string m_difference;
    std::string m_error;
};

TEST_F(ReplayFailure, AnUntouchedStoreVerifiesIdentical) {
    // The control: the same project before any alteration passes, so the failures below come
    // from the altered event alone.
    RunResult verified = ok({"events", "replay", "--verify"});
    EXPECT_EQ(verified.out, "Replayed 3 events: the tree (2 files) is identical\n");
    EXPECT_EQ(verified.err, "");
}

TEST_F(ReplayFailure, VerifyOfAnAlteredEventExitsFourAndListsTheDifference) {
    alter_event(3, "\"content\":\"# Second\\n", "\"content\":\"# Secxnd\\n");
    RunResult verified = m_sandbox.sc({"events", "replay", "--verify"});
    EXPECT_EQ(verified.exit_code, 4);
    EXPECT_EQ(verified.err, m_error);
    EXPECT_EQ(verified.out, "1 difference:\n  " + m_difference + "\n");
}

TEST_F(ReplayFailure, VerifyAsJsonPrintsTheReportTheHintPromises) {
    alter_event(3, "\"content\":\"# Second\\n", "\"content\":\"# Secxnd\\n");
    RunResult verified = m_sandbox.sc({"events", "replay", "--verify", "--format", "json"});
    EXPECT_EQ(verified.exit_code, 4);
    EXPECT_EQ(verified.err, m_error);
    auto report = verified.json();
    EXPECT_EQ(report["identical"], false);
    EXPECT_EQ(report["events"], 3);
    ASSERT_EQ(report["differences"].size(), 1U) << verified.out;
    EXPECT_EQ(report["differences"][0], m_difference);
}

TEST_F(ReplayFailure, VerifyIntoAFolderWritesTheReplayedTreeAndStillExitsFour) {
    alter_event(3, "\"content\":\"# Second\\n", "\"content\":\"# Secxnd\\n");
    std::string into = m_sandbox.root() + "/rebuilt";
    RunResult verified = m_sandbox.sc({"events", "replay", "--verify", "--into", into});
    EXPECT_EQ(verified.exit_code, 4);
    EXPECT_EQ(verified.err, m_error);
    EXPECT_EQ(verified.out, "1 difference:\n  " + m_difference + "\nRebuilt 2 files from 3 events into " + into + "\n");
    // What was written is what the events say, the altered title included, for comparison.
    EXPECT_EQ(m_sandbox.read(into + "/current/" + m_second + ".task.md").rfind("# Secxnd\n", 0), 0U);
    EXPECT_EQ(m_sandbox.read(into + "/current/" + m_first + ".task.md"),
              m_sandbox.read(tree() + "/current/" + m_first + ".task.md"));

    std::string again = m_sandbox.root() + "/rebuilt-json";
    RunResult json = m_sandbox.sc({"events", "replay", "--verify", "--into", again, "--format", "json"});
    EXPECT_EQ(json.exit_code, 4);
    EXPECT_EQ(json.err, m_error);
    auto report = json.json();
    EXPECT_EQ(report["identical"], false);
    EXPECT_EQ(report["into"], again);
    ASSERT_EQ(report["differences"].size(), 1U) << json.out;
    EXPECT_EQ(report["differences"][0], m_difference);
    EXPECT_TRUE(fs::exists(again + "/current/" + m_second + ".task.md"));
}

TEST_F(ReplayFailure, IntoWithoutVerifyRebuildsTheAlteredHistoryWithoutJudgingIt) {
    // Without --verify nothing is compared: the tree the events describe is written, exit 0.
    alter_event(3, "\"content\":\"# Second\\n", "\"content\":\"# Secxnd\\n");
    std::string into = m_sandbox.root() + "/rebuilt";
    RunResult rebuilt = ok({"events", "replay", "--into", into});
    EXPECT_EQ(rebuilt.out, "Rebuilt 2 files from 3 events into " + into + "\n");
    EXPECT_EQ(m_sandbox.read(into + "/current/" + m_second + ".task.md").rfind("# Secxnd\n", 0), 0U);
}

TEST_F(ReplayFailure, VerifyWithAsOfIsRefusedAsUsage) {
    alter_event(3, "\"content\":\"# Second\\n", "\"content\":\"# Secxnd\\n");
    RunResult verified = m_sandbox.sc({"events", "replay", "--verify", "--as-of", "1h", "--format", "json"});
    EXPECT_EQ(verified.exit_code, 2);
    EXPECT_EQ(verified.out, "");
    EXPECT_EQ(verified.err,
              "sc: error: --verify compares with the tree as it is now\n"
              "sc: hint: drop --as-of, or use --into DIR to see the past state\n");
}

TEST_F(ReplayFailure, AnEventThatCannotApplyIsNamedBySeq) {
    // The creation of the second task turned into its removal: there is nothing to remove.
    alter_event(3, "\"kind\":\"file_created\"", "\"kind\":\"file_removed\"");
    for (const std::vector<std::string>& form :
         {std::vector<std::string> {"events", "replay", "--verify"},
          std::vector<std::string> {"events", "replay", "--verify", "--format", "json"},
          std::vector<std::string> {"events", "replay", "--into", m_sandbox.root() + "/never"}}) {
        RunResult replayed = m_sandbox.sc(form);
        EXPECT_EQ(replayed.exit_code, 4) << form.back();
        EXPECT_EQ(replayed.out, "") << form.back();
        EXPECT_EQ(replayed.err.rfind("sc: error: event 3 (TaskCreated) does not apply: ", 0), 0U) << replayed.err;
    }
    EXPECT_FALSE(fs::exists(m_sandbox.root() + "/never"));
}

}  // namespace
}  // namespace sc::e2e
