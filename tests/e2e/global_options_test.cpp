// End-to-end: the global options (--no-telemetry, -q, --root-dir, --format, --no-color,
// --help) and the exit codes a script relies on: 4 (conflict) and 6 (the OS refused).

#include <unistd.h>

#include <filesystem>

#include "e2e/project_fixture.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

class GlobalOptions : public ProjectTest {
protected:
    void SetUp() override { start(false); }
};

class GlobalTelemetryOptions : public ProjectTest {
protected:
    void SetUp() override { start(true); }
};

TEST_F(GlobalTelemetryOptions, NoTelemetryRecordsNothingForThatCommandAlone) {
    std::string a = create("Recorded");
    // Read with --no-telemetry too: a viewing command records its own trace.
    size_t events = ok({"--no-telemetry", "events", "list", "--format", "json"}).json().size();
    size_t traces = ok({"--no-telemetry", "traces", "list", "--format", "json"}).json().size();
    ASSERT_EQ(events, 2U);
    ASSERT_EQ(traces, 2U);  // init and create

    // Before the command or after it, as every global option.
    RunResult quiet = ok({"--no-telemetry", "task", "create", "--title", "Unrecorded"});
    ok({"task", "update", a, "--priority", "high", "--no-telemetry"});
    EXPECT_NE(quiet.out.find("Created task unrecorded-"), std::string::npos) << quiet.out;
    EXPECT_EQ(ok({"--no-telemetry", "events", "list", "--format", "json"}).json().size(), events);
    EXPECT_EQ(ok({"--no-telemetry", "traces", "list", "--format", "json"}).json().size(), traces);

    // To the log those two were edits made outside sc: the next recorded command says so, and
    // the events still rebuild the tree.
    ok({"task", "list"});
    auto external = ok({"events", "list", "--type", "TaskChangedExternally", "--format", "json"}).json();
    ASSERT_EQ(external.size(), 2U) << external.dump();
    EXPECT_TRUE(ok({"events", "replay", "--verify", "--format", "json"}).json()["identical"].get<bool>());
}

TEST_F(GlobalOptions, QuietDropsWarningsButNeverErrors) {
    create("Fine");
    m_sandbox.write(tree() + "/current/broken-12A.task.md", "# Broken \xff\n");
    RunResult loud = ok({"task", "list", "--format", "minimal"});
    EXPECT_NE(loud.err.find("sc: warning: skipped: task file is not UTF-8 text"), std::string::npos) << loud.err;
    for (const char* flag : {"-q", "--quiet"}) {
        RunResult quiet = ok({flag, "task", "list", "--format", "minimal"});
        EXPECT_EQ(quiet.err, "") << flag;
        EXPECT_EQ(quiet.out, loud.out) << flag;
    }
    RunResult failed = m_sandbox.sc({"-q", "task", "get", "no-such-12A"});
    EXPECT_EQ(failed.exit_code, 3);
    EXPECT_EQ(failed.err.rfind("sc: error: ", 0), 0U) << failed.err;
}

TEST_F(GlobalOptions, RootDirChoosesTheProjectWhateverTheWorkingFolder) {
    std::string other = m_sandbox.root() + "/other-project";
    fs::create_directories(other);
    ok({"--root-dir", other, "init"});
    RunResult created = ok({"--root-dir", other, "task", "create", "--title", "Elsewhere", "--format", "json"});
    std::string path = created.json()["metadata"]["path"];
    EXPECT_NE(path.find("/.scopecraft/projects/"), std::string::npos) << path;
    EXPECT_NE(path.find("other-project/tasks/current/"), std::string::npos) << path;
    EXPECT_TRUE(fs::exists(path));
    EXPECT_EQ(ok({"task", "list", "--format", "minimal"}).out, "");  // the working folder's project
    EXPECT_EQ(ok({"task", "list", "--root-dir", other, "--format", "minimal"}).out.rfind("elsewhere-", 0), 0U);
    m_sandbox.set_env("SCOPECRAFT_ROOT", other);
    EXPECT_EQ(ok({"task", "list", "--format", "minimal"}).out.rfind("elsewhere-", 0), 0U);
}

TEST_F(GlobalOptions, EveryFormatOfOneListing) {
    std::vector<std::string> parent = create_parent("Launch", {"Write notes"});
    std::string task = create("Solo");
    RunResult table = ok({"task", "list", "--format", "table"});
    EXPECT_EQ(table.out.rfind("ID ", 0), 0U) << table.out;
    EXPECT_NE(table.out.find("STATUS"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find(task), std::string::npos) << table.out;
    RunResult tree_view = ok({"task", "list", "--format", "tree"});
    EXPECT_NE(tree_view.out.find(parent[0]), std::string::npos) << tree_view.out;
    EXPECT_NE(tree_view.out.find("── "), std::string::npos) << tree_view.out;
    EXPECT_NE(tree_view.out.find(parent[1]), std::string::npos) << tree_view.out;
    RunResult minimal = ok({"task", "list", "--format", "minimal"});
    EXPECT_NE(minimal.out.find(task + "\tSolo\n"), std::string::npos) << minimal.out;
    auto json = ok({"task", "list", "--format", "json"}).json();
    EXPECT_TRUE(json.is_array());
    EXPECT_EQ(m_sandbox.sc({"task", "list", "--format", "yaml"}).exit_code, 2);
}

TEST_F(GlobalOptions, ColourOnlyOnATerminalAndNeverWithNoColor) {
    create("Colourful");
    if (m_sandbox.run({"script", "--version"}).exit_code != 0)
        GTEST_SKIP() << "script(1) is needed to give sc a terminal";
    // script(1) runs the command on a pseudo-terminal, as a person's shell would.
    auto on_terminal = [&](const std::string& command) {
        return m_sandbox.run({"script", "-qc", std::string(SC_BINARY) + " " + command, "/dev/null"}).out;
    };
    m_sandbox.unset_env("NO_COLOR");
    EXPECT_NE(on_terminal("task list").find("\x1b["), std::string::npos);
    EXPECT_EQ(on_terminal("--no-color task list").find("\x1b["), std::string::npos);
    EXPECT_EQ(ok({"task", "list"}).out.find("\x1b["), std::string::npos);  // a pipe: never
    m_sandbox.set_env("NO_COLOR", "1");
    EXPECT_EQ(on_terminal("task list").find("\x1b["), std::string::npos);
}

TEST_F(GlobalOptions, HelpAndVersion) {
    RunResult help = ok({"--help"});
    for (const char* group : {"task", "parent", "events", "traces", "telemetry"})
        EXPECT_NE(help.out.find(group), std::string::npos) << group;
    RunResult create_help = ok({"task", "create", "--help"});
    EXPECT_NE(create_help.out.find("--title"), std::string::npos) << create_help.out;
    EXPECT_NE(create_help.out.find("--archive-date"), std::string::npos) << create_help.out;
    EXPECT_EQ(ok({"--version"}).out.rfind("sc ", 0), 0U);
}

TEST_F(GlobalTelemetryOptions, ConflictsExitWithFour) {
    std::string id = create("Twin");
    // Replay into something that is not a folder.
    std::string file = m_sandbox.root() + "/a-file";
    m_sandbox.write(file, "keep me");
    RunResult into = m_sandbox.sc({"events", "replay", "--into", file});
    EXPECT_EQ(into.exit_code, 4);
    EXPECT_EQ(into.err, "sc: error: not a folder (" + file + ")\nsc: hint: choose a new or empty folder\n");
    EXPECT_EQ(m_sandbox.read(file), "keep me");

    // A move onto a file that is already there (a copy made by hand): nothing is overwritten.
    std::string copy = tree() + "/archive/2025-01/" + id + ".task.md";
    m_sandbox.write(copy, "# A hand-made copy\n");
    auto before = tree_files();
    RunResult moved = m_sandbox.sc({"task", "move", id, "--to-archive", "--archive-date", "2025-01"});
    EXPECT_EQ(moved.exit_code, 4) << moved.err;
    EXPECT_EQ(moved.err.rfind("sc: error: ", 0), 0U) << moved.err;
    EXPECT_EQ(tree_files(), before);
}

TEST_F(GlobalOptions, AReadOnlyTreeExitsWithSixAndWritesNothing) {
    std::string id = create("Existing");
    auto before = tree_files();
    std::string folder = tree() + "/current";
    // Root ignores file permissions: run sc as nobody on a tree nobody owns instead.
    bool as_root = ::geteuid() == 0;
    std::vector<std::string> prefix;
    if (as_root) {
        ASSERT_EQ(m_sandbox.run({"chown", "-R", "65534:65534", m_sandbox.root()}).exit_code, 0);
        prefix = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", SC_BINARY};
    } else {
        prefix = {SC_BINARY};
    }
    fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    auto as_user = [&](std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), prefix.begin(), prefix.end());
        return m_sandbox.run(arguments);
    };
    RunResult created = as_user({"task", "create", "--title", "Refused"});
    EXPECT_EQ(created.exit_code, 6) << created.err;
    EXPECT_NE(created.err.find("failed: Permission denied (" + folder + "/refused-"), std::string::npos) << created.err;
    EXPECT_NE(created.err.find("sc: hint: check the permissions of the file and its folder\n"), std::string::npos)
        << created.err;
    RunResult updated = as_user({"task", "update", id, "--priority", "high"});
    EXPECT_EQ(updated.exit_code, 6) << updated.err;
    EXPECT_EQ(as_user({"task", "delete", id, "--force"}).exit_code, 6);
    fs::permissions(folder, fs::perms::owner_all);
    EXPECT_EQ(tree_files(), before);
}

}  // namespace
}  // namespace sc::e2e
