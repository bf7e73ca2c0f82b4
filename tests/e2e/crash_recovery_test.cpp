// End-to-end: a task command stopped at the worst moment (SIGKILL between recording its event
// and saving the task-tree state, SIGTERM in the middle of a write), a deleted or disagreeing
// state, and task files that are not UTF-8 never leave a log that fails to replay, and never
// record one change twice (docs/events.md, "After a crash").
//
// The kills are exact: strace's fault injection delivers the signal when the process makes the
// named system call. strace is a test dependency (scripts/install-deps.sh); without it these
// tests fail rather than pass unseen.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

class CrashRecovery : public ::testing::Test {
protected:
    void SetUp() override {
        if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
            GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF: no event log to keep consistent";
        ASSERT_EQ(m_sandbox.run({"strace", "-V"}).exit_code, 0)
            << "strace is needed to stop sc at an exact system call (scripts/install-deps.sh installs it)";
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/telemetry");
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
        m_month = m_sandbox.run({"date", "+%m"}).out.substr(0, 2);
    }
    std::string id(const std::string& name) const { return name + "-" + m_month + "A"; }
    std::string state_file() const { return m_sandbox.root() + "/telemetry/projections/task-tree.state"; }
    RunResult ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << "sc " << arguments.front() << ": " << result.err;
        return result;
    }
    /// `sc ARGS` under strace, with `inject` applied (e.g. "write:signal=KILL").
    RunResult traced(const std::vector<std::string>& strace_options, const std::vector<std::string>& arguments) {
        std::vector<std::string> argv = strace_command();
        argv.insert(argv.end(), {"-f", "-qq", "-o", "/dev/null"});
        argv.insert(argv.end(), strace_options.begin(), strace_options.end());
        argv.push_back(SC_BINARY);
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return m_sandbox.run(argv);
    }
    size_t count(const std::string& type) {
        return ok({"events", "list", "--type", type, "--format", "json"}).json().size();
    }
    void expect_replay_identical() {
        RunResult verified = m_sandbox.sc({"events", "replay", "--verify"});
        EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    }
    Sandbox m_sandbox;
    std::string m_month;
};

TEST_F(CrashRecovery, AKillBetweenRecordingTheEventAndSavingTheStateRecordsTheChangeOnce) {
    ok({"task", "create", "--title", "Doomed"});
    ok({"task", "create", "--title", "Kept"});
    // The reproduction of issue 22: killed at its first write to the state file, after the
    // TaskDeleted event is in the log.
    RunResult killed = traced({"-P", state_file(), "-e", "trace=write", "-e", "inject=write:signal=KILL"},
                              {"task", "delete", id("doomed"), "--force"});
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
    EXPECT_FALSE(fs::exists(m_sandbox.tasks_root() + "/current/" + id("doomed") + ".task.md"));
    ASSERT_EQ(count("TaskDeleted"), 1U);

    RunResult listed = ok({"task", "list"});
    EXPECT_EQ(listed.err, "");
    EXPECT_EQ(count("TaskChangedExternally"), 0U) << "the deletion was recorded a second time";
    expect_replay_identical();
    // And the next change replays too (the old failure was permanent).
    ok({"task", "update", id("kept"), "--status", "In Progress"});
    expect_replay_identical();
}

TEST_F(CrashRecovery, AnOutsideEditMadeAfterSuchAKillIsRecordedExactlyOnce) {
    ok({"task", "create", "--title", "Edited"});
    RunResult killed = traced({"-P", state_file(), "-e", "trace=write", "-e", "inject=write:signal=KILL"},
                              {"task", "log", id("edited"), "Did a thing"});
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
    std::string path = m_sandbox.tasks_root() + "/current/" + id("edited") + ".task.md";
    m_sandbox.write(path, m_sandbox.read(path) + "\nA line added by hand.\n");
    ok({"task", "list"});
    ok({"task", "list"});
    EXPECT_EQ(count("TaskLogAppended"), 1U);
    EXPECT_EQ(count("TaskChangedExternally"), 1U);
    expect_replay_identical();
}

TEST_F(CrashRecovery, ASaveOfTheStateCutShortIsNotTrustedAndNothingIsRecordedTwice) {
    ok({"task", "create", "--title", "Torn"});
    ok({"task", "create", "--title", "Other"});
    // The state's own write fails half done: strace makes it write nothing and the process dies.
    RunResult killed =
        traced({"-P", state_file(), "-e", "trace=write,rename", "-e", "inject=write,rename:signal=KILL:when=1"},
               {"task", "update", id("torn"), "--status", "Done"});
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
    // And a save whose last line was cut by a full disk.
    std::ofstream(state_file(), std::ios::app) << "F 00000000000000ff 2 7 9 store:current/" << id("other");
    ok({"task", "list"});
    EXPECT_EQ(count("TaskUpdated"), 1U);
    EXPECT_EQ(count("TaskChangedExternally"), 0U);
    expect_replay_identical();
}

TEST_F(CrashRecovery, AParentCreateKilledBetweenItsFilesIsUndoneWholeWithAWarning) {
    // Killed when it names its first subtask: the folder and _overview.md are there, no event.
    // (linkat in the Linux build, link in the portable one: -DSC_PORTABLE_FILES=ON.)
    RunResult killed = traced({"-e", "trace=link,linkat", "-e", "inject=link,linkat:signal=KILL:when=2"},
                              {"parent", "create", "--title", "Half", "--subtask", "One", "Two"});
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
    ASSERT_TRUE(fs::exists(m_sandbox.tasks_root() + "/current/" + id("half") + "/_overview.md"));
    RunResult listed = ok({"task", "list"});
    EXPECT_EQ(listed.err,
              "sc: warning: an `sc` command was stopped before it recorded its change; what it had written was undone\n"
              "sc: hint: run it again if it is still wanted\n");
    EXPECT_FALSE(fs::exists(m_sandbox.tasks_root() + "/current/" + id("half")));
    EXPECT_EQ(count("ParentCreated"), 0U);
    EXPECT_EQ(count("TaskChangedExternally"), 0U);
    expect_replay_identical();
    EXPECT_EQ(ok({"task", "list"}).err, "") << "said once";
}

TEST_F(CrashRecovery, DeletingTheStateRebuildsItQuietlyAndMissesNoOutsideEdit) {
    for (int i = 0; i < 5; ++i)
        ok({"task", "create", "--title", "Task " + std::to_string(i)});
    ok({"parent", "create", "--title", "Release", "--subtask", "Tag", "Announce"});
    ASSERT_TRUE(fs::remove(state_file()));
    // An edit made while there is no state: the rebuilt state (from the events) finds it.
    std::string path = m_sandbox.tasks_root() + "/current/" + id("task-2") + ".task.md";
    m_sandbox.write(path, m_sandbox.read(path) + "\nEdited while the state was gone.\n");
    RunResult listed = ok({"task", "list"});
    EXPECT_EQ(listed.err, "") << "a rebuilt state is not worth a warning";
    EXPECT_TRUE(fs::exists(state_file()));
    EXPECT_EQ(count("TaskChangedExternally"), 1U);
    // An edit after the rebuild is found too, once.
    m_sandbox.write(path, m_sandbox.read(path) + "\nAnd again.\n");
    ok({"task", "list"});
    ok({"task", "list"});
    EXPECT_EQ(count("TaskChangedExternally"), 2U);
    expect_replay_identical();
}

TEST_F(CrashRecovery, SigtermInTheMiddleOfAWriteLetsTheStepFinishAndRecordIt) {
    ok({"task", "create", "--title", "Signalled"});
    std::string path = m_sandbox.tasks_root() + "/current/" + id("signalled") + ".task.md";
    // A real SIGTERM, sent when sc moves the new bytes into the task file: the step completes,
    // is recorded and the state is saved; only then does the signal end the process.
    // (The rename is the task file's: an update renames nothing else; strace's -P does not
    // match a rename's target.)
    std::string moves = "rename,renameat,renameat2";
    RunResult terminated = traced({"-e", "trace=" + moves, "-e", "inject=" + moves + ":signal=TERM:when=1"},
                                  {"task", "update", id("signalled"), "--status", "In Progress"});
    EXPECT_EQ(terminated.exit_code, 128 + SIGTERM) << terminated.err;
    EXPECT_NE(m_sandbox.read(path).find("status: in_progress"), std::string::npos) << "the step was not finished";
    EXPECT_EQ(count("TaskUpdated"), 1U);
    ok({"task", "list"});
    EXPECT_EQ(count("TaskChangedExternally"), 0U) << "the state was not saved before the signal took effect";
    expect_replay_identical();
}

TEST_F(CrashRecovery, SigintDuringTheStateSaveStillSavesIt) {
    ok({"task", "create", "--title", "Interrupted"});
    RunResult interrupted = traced({"-P", state_file(), "-e", "trace=write", "-e", "inject=write:signal=INT:when=1"},
                                   {"task", "log", id("interrupted"), "Ctrl-C now"});
    EXPECT_EQ(interrupted.exit_code, 128 + SIGINT) << interrupted.err;
    ok({"task", "list"});
    EXPECT_EQ(count("TaskLogAppended"), 1U);
    EXPECT_EQ(count("TaskChangedExternally"), 0U);
    expect_replay_identical();
}

TEST_F(CrashRecovery, ATaskFileThatIsNotUtf8IsRecordedInBase64AndReplaysExactly) {
    ok({"task", "create", "--title", "Latin"});
    std::string path = m_sandbox.tasks_root() + "/current/" + id("latin") + ".task.md";
    // A file saved in Latin-1 by some editor: "Café" with a lone 0xE9.
    m_sandbox.write(path, m_sandbox.read(path) + "\nCaf\xe9 notes\n");
    ok({"task", "list"});
    auto external = ok({"events", "list", "--type", "TaskChangedExternally", "--format", "json"}).json();
    ASSERT_EQ(external.size(), 1U);
    const auto& file = external[0]["data"]["files"][0];
    EXPECT_FALSE(file.contains("content"));
    ASSERT_TRUE(file.contains("contentBase64")) << file.dump();
    expect_replay_identical();
    std::string into = m_sandbox.root() + "/rebuilt";
    ok({"events", "replay", "--into", into});
    EXPECT_EQ(m_sandbox.read(into + "/current/" + id("latin") + ".task.md"), m_sandbox.read(path));
}

TEST_F(CrashRecovery, TelemetryCheckFindsAStateThatDisagreesWithTheLogAndRepairMendsIt) {
    ok({"task", "create", "--title", "Known"});
    ok({"task", "create", "--title", "Forgotten"});
    // A state that forgot a task the log knows (a bug, or a hand edit of the state).
    std::string state = m_sandbox.read(state_file());
    size_t seq_line = state.rfind("\nS ");
    ASSERT_NE(seq_line, std::string::npos) << state;
    std::string seq = state.substr(seq_line + 3, state.find('\n', seq_line + 1) - seq_line - 3);
    std::ofstream(state_file(), std::ios::app)
        << "R store:current/" << id("forgotten") << ".task.md\nS " << seq << "\n";
    RunResult checked = m_sandbox.sc({"telemetry", "check"});
    EXPECT_NE(checked.exit_code, 0);
    EXPECT_NE(checked.out.find("task-tree state disagrees with the event log: 1 difference"), std::string::npos)
        << checked.out << checked.err;
    EXPECT_NE(checked.out.find("only in events: store:current/" + id("forgotten") + ".task.md"), std::string::npos)
        << checked.out;
    RunResult repaired = ok({"telemetry", "check", "--repair"});
    EXPECT_NE(repaired.out.find("task-tree state rebuilt from the events"), std::string::npos) << repaired.out;
    RunResult again = ok({"telemetry", "check"});
    EXPECT_NE(again.out.find("clean"), std::string::npos) << again.out;
    ok({"task", "list"});
    EXPECT_EQ(count("TaskChangedExternally"), 0U) << "the repaired state knows the task again";
    expect_replay_identical();
}

}  // namespace
}  // namespace sc::e2e
