// End-to-end: task environments (`sc env`), git worktrees in a temporary repository, their
// events, spans and the refusals that keep work from being lost.

#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

class Env : public ::testing::Test {
protected:
    void SetUp() override {
        m_telemetry = m_sandbox.sc({"--version"}).out.find("telemetry compiled out") == std::string::npos;
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/telemetry");
        ASSERT_EQ(git({"commit", "-q", "--allow-empty", "-m", "init"}).exit_code, 0);
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
        m_month = m_sandbox.run({"date", "+%m"}).out.substr(0, 2);
        m_base = trim(git({"symbolic-ref", "--short", "HEAD"}).out);
    }
    static std::string trim(std::string text) {
        while (!text.empty() && text.back() == '\n')
            text.pop_back();
        return text;
    }
    std::string id(const std::string& name) const { return name + "-" + m_month + "A"; }
    std::string worktree_of(const std::string& task) const { return m_sandbox.root() + "/project-task-" + task; }
    RunResult ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << "sc " << arguments.front() << ": " << result.err;
        return result;
    }
    RunResult git(const std::vector<std::string>& arguments, const std::string& in = {}) {
        std::vector<std::string> argv = {"git", "-C", in.empty() ? m_sandbox.project() : in};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return m_sandbox.run(argv);
    }
    std::string create(const std::string& title) {
        RunResult made = ok({"task", "create", "--title", title, "--format", "json"});
        return made.json()["metadata"]["id"].get<std::string>();
    }
    nlohmann::ordered_json events_of(const std::string& stream) {
        return ok({"events", "list", "--stream", stream, "--format", "json"}).json();
    }
    Sandbox m_sandbox;
    bool m_telemetry = true;
    std::string m_month;
    std::string m_base;
};

TEST_F(Env, CreateMakesTheBranchAndFolderScopecraftNamesAndASecondRunReuses) {
    std::string task = create("Add login page");
    RunResult first = ok({"env", task});
    EXPECT_EQ(first.out,
              "Created the environment of " + task + "\nPath: " + worktree_of(task) + "\nBranch: task/" + task + "\n");
    EXPECT_TRUE(fs::is_directory(worktree_of(task)));
    EXPECT_EQ(trim(git({"branch", "--list", "task/*", "--format=%(refname:short)"}).out), "task/" + task);
    auto second = ok({"env", "create", task, "--format", "json"}).json();
    EXPECT_EQ(second["created"], false);
    EXPECT_EQ(second["path"], worktree_of(task));
    EXPECT_EQ(second["branch"], "task/" + task);
    EXPECT_EQ(ok({"env", "path", task}).out, worktree_of(task) + "\n");
    if (!m_telemetry)
        return;
    auto events = events_of("worktree:" + task);
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0]["type"], "WorktreeCreated");
    EXPECT_EQ(events[0]["data"]["branch"], "task/" + task);
    EXPECT_EQ(events[0]["data"]["base"], m_base);
    EXPECT_EQ(events[0]["data"]["branchExisted"], false);
    EXPECT_EQ(events[1]["type"], "WorktreeReused");
    EXPECT_EQ(events[1]["version"], 2);
}

TEST_F(Env, ASubtaskSharesItsParentsEnvironment) {
    auto parent = ok({"parent", "create", "--title", "Auth", "--subtask", "Login form", "--format", "json"}).json();
    ASSERT_EQ(parent.size(), 2U);
    std::string parent_id = parent[0]["metadata"]["id"];
    std::string subtask = parent[1]["metadata"]["id"];
    ASSERT_EQ(git({"branch", "develop"}).exit_code, 0);
    auto made = ok({"env", subtask, "--base", "develop", "--format", "json"}).json();
    EXPECT_EQ(made["base"], "develop");
    EXPECT_EQ(made["taskId"], subtask);
    EXPECT_EQ(made["envId"], parent_id);
    EXPECT_EQ(made["branch"], "task/" + parent_id);
    EXPECT_EQ(made["path"], worktree_of(parent_id));
}

TEST_F(Env, ListShowsUncommittedChangesAheadBehindAndTheLastCommit) {
    std::string task = create("Fix the bug");
    ok({"env", task});
    std::string tree = worktree_of(task);
    m_sandbox.write(tree + "/fix.txt", "fixed\n");
    ASSERT_EQ(git({"add", "fix.txt"}, tree).exit_code, 0);
    ASSERT_EQ(git({"commit", "-q", "-m", "Fix it"}, tree).exit_code, 0);
    m_sandbox.write(tree + "/scratch.txt", "wip\n");
    ASSERT_EQ(git({"commit", "-q", "--allow-empty", "-m", "Main moves on"}).exit_code, 0);
    auto rows = ok({"env", "list", "--format", "json"}).json();
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0]["taskId"], task);
    EXPECT_EQ(rows[0]["branch"], "task/" + task);
    EXPECT_EQ(rows[0]["path"], tree);
    EXPECT_EQ(rows[0]["dirty"], true);
    EXPECT_EQ(rows[0]["changedFiles"], 1);
    EXPECT_EQ(rows[0]["ahead"], 1);
    EXPECT_EQ(rows[0]["behind"], 1);
    EXPECT_EQ(rows[0]["lastCommit"].get<std::string>().substr(8), "Fix it");
    auto all = ok({"env", "list", "--all", "--format", "json"}).json();
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(all[0]["main"], true);
    EXPECT_EQ(all[0]["path"], m_sandbox.project());
}

TEST_F(Env, CloseRefusesToLoseUncommittedOrUnmergedWorkUnlessForcedOrTheBranchIsKept) {
    std::string task = create("Risky work");
    ok({"env", task});
    std::string tree = worktree_of(task);
    m_sandbox.write(tree + "/draft.txt", "draft\n");
    RunResult dirty = m_sandbox.sc({"env", "close", task});
    EXPECT_EQ(dirty.exit_code, 4);
    EXPECT_EQ(dirty.err, "sc: error: the worktree " + tree +
                             " has uncommitted changes (1 file)\nsc: hint: commit or stash them there, or pass "
                             "--force to throw them away\n");
    EXPECT_EQ(m_sandbox.read(tree + "/draft.txt"), "draft\n");
    ASSERT_EQ(git({"add", "draft.txt"}, tree).exit_code, 0);
    ASSERT_EQ(git({"commit", "-q", "-m", "Draft"}, tree).exit_code, 0);
    RunResult unmerged = m_sandbox.sc({"env", "close", task});
    EXPECT_EQ(unmerged.exit_code, 4);
    EXPECT_EQ(unmerged.err, "sc: error: the branch task/" + task + " has 1 commit not merged into " + m_base +
                                "\nsc: hint: merge it first, pass --keep-branch to remove only the worktree, or "
                                "--force to delete the branch anyway\n");
    EXPECT_TRUE(fs::exists(tree + "/draft.txt"));
    auto kept = ok({"env", "close", task, "--keep-branch", "--format", "json"}).json();
    EXPECT_EQ(kept["branchDeleted"], false);
    EXPECT_FALSE(fs::exists(tree));
    EXPECT_EQ(trim(git({"log", "-1", "--format=%s", "task/" + task}).out), "Draft");
    // Made again on the kept branch, the commit is there; a forced close deletes both.
    auto again = ok({"env", task, "--format", "json"}).json();
    EXPECT_EQ(again["branchExisted"], true);
    EXPECT_EQ(m_sandbox.read(tree + "/draft.txt"), "draft\n");
    auto forced = ok({"env", "close", task, "--force", "--format", "json"}).json();
    EXPECT_EQ(forced["branchDeleted"], true);
    EXPECT_EQ(forced["unmergedCommits"], 1);
    EXPECT_EQ(trim(git({"branch", "--list", "task/*"}).out), "");
    if (!m_telemetry)
        return;
    auto events = events_of("worktree:" + task);
    ASSERT_EQ(events.size(), 4U);
    EXPECT_EQ(events[1]["type"], "WorktreeClosed");
    EXPECT_EQ(events[1]["data"]["branchDeleted"], false);
    EXPECT_EQ(events[3]["type"], "WorktreeClosed");
    EXPECT_EQ(events[3]["data"]["forced"], true);
    EXPECT_EQ(events[3]["data"]["unmergedCommits"], 1);
    EXPECT_EQ(events[3]["data"]["head"], forced["commit"]);
}

TEST_F(Env, AWorktreeDeletedByHandIsMadeAgainOnItsBranchWithItsCommits) {
    std::string task = create("Deleted by hand");
    ok({"env", task});
    std::string tree = worktree_of(task);
    m_sandbox.write(tree + "/kept.txt", "kept\n");
    ASSERT_EQ(git({"add", "kept.txt"}, tree).exit_code, 0);
    ASSERT_EQ(git({"commit", "-q", "-m", "Keep"}, tree).exit_code, 0);
    fs::remove_all(tree);
    RunResult path = m_sandbox.sc({"env", "path", task});
    EXPECT_EQ(path.exit_code, 3);
    EXPECT_EQ(path.err, "sc: error: the environment of " + task + " was at " + tree +
                            ", but that folder is gone\nsc: hint: run `sc env " + task +
                            "` to make it again on its branch\n");
    RunResult made = ok({"env", task});
    EXPECT_EQ(made.out, "Recreated the environment of " + task +
                            " on its existing branch; its folder had been deleted, so git's record of it was pruned "
                            "first\nPath: " +
                            tree + "\nBranch: task/" + task + "\n");
    EXPECT_EQ(m_sandbox.read(tree + "/kept.txt"), "kept\n");
}

TEST_F(Env, AFolderInTheWayIsNamedAndLeftAlone) {
    std::string task = create("Blocked path");
    m_sandbox.write(worktree_of(task) + "/mine.txt", "mine\n");
    RunResult made = m_sandbox.sc({"env", task});
    EXPECT_EQ(made.exit_code, 4);
    EXPECT_EQ(made.err, "sc: error: " + worktree_of(task) +
                            " is in the way: it exists but is not the worktree of task " + task +
                            "\nsc: hint: move or delete it, then run `sc env " + task + "` again\n");
    EXPECT_EQ(m_sandbox.read(worktree_of(task) + "/mine.txt"), "mine\n");
}

TEST_F(Env, OutsideAGitRepositoryOrWithoutACommitTheMessageSaysWhatToDo) {
    std::string task = create("Nowhere");
    fs::remove_all(m_sandbox.project() + "/.git");
    RunResult outside = m_sandbox.sc({"env", task});
    EXPECT_NE(outside.exit_code, 0);
    EXPECT_EQ(outside.err, "sc: error: " + m_sandbox.project() +
                               " is not in a git repository\nsc: hint: environments are git worktrees: run `git init` "
                               "and commit once, or work in a repository\n");
    ASSERT_EQ(m_sandbox.run({"git", "init", "-q", m_sandbox.project()}).exit_code, 0);
    RunResult empty = m_sandbox.sc({"env", task});
    EXPECT_EQ(empty.exit_code, 4);
    EXPECT_EQ(empty.err,
              "sc: error: the repository has no commit yet, so a worktree has nothing to start from\nsc: "
              "hint: commit something first (git commit --allow-empty -m init)\n");
    RunResult unknown = m_sandbox.sc({"env", "no-such-task-01A"});
    EXPECT_EQ(unknown.exit_code, 3);
}

TEST_F(Env, EveryGitCallIsAChildSpanWithVcsAttributesAndGitGetsItsTraceparent) {
    if (!m_telemetry)
        GTEST_SKIP() << "telemetry compiled out";
    std::string task = create("Traced env");
    // A post-checkout hook, which `git worktree add` runs, writes the TRACEPARENT it was given.
    std::string hooks = m_sandbox.root() + "/hooks";
    fs::create_directories(hooks);
    m_sandbox.write(hooks + "/post-checkout", "#!/bin/sh\necho \"$TRACEPARENT\" >> " + m_sandbox.root() + "/seen\n");
    fs::permissions(hooks + "/post-checkout", fs::perms::owner_all);
    ASSERT_EQ(git({"config", "core.hooksPath", hooks}).exit_code, 0);
    ok({"env", task});
    auto events = events_of("worktree:" + task);
    ASSERT_EQ(events.size(), 1U);
    std::string trace = events[0]["meta"]["trace_id"];
    auto spans = ok({"traces", "show", trace, "--format", "json"}).json()["spans"];
    const nlohmann::ordered_json* add = nullptr;
    const nlohmann::ordered_json* ensure = nullptr;
    for (const auto& span : spans) {
        if (span["name"] == "git worktree add")
            add = &span;
        if (span["name"] == "worktree.ensure")
            ensure = &span;
    }
    ASSERT_NE(add, nullptr) << spans.dump();
    ASSERT_NE(ensure, nullptr);
    EXPECT_EQ((*add)["parent_span_id"], (*ensure)["span_id"]);
    EXPECT_EQ((*add)["kind"], 3);
    EXPECT_EQ((*add)["attributes"]["vcs.ref.head.name"], "task/" + task);
    EXPECT_EQ((*add)["attributes"]["vcs.ref.head.type"], "branch");
    EXPECT_EQ((*add)["attributes"]["vcs.ref.base.name"], m_base);
    EXPECT_EQ((*add)["attributes"]["vcs.repository.name"], "project");
    EXPECT_EQ((*add)["attributes"]["process.exit.code"], 0);
    EXPECT_EQ(events[0]["meta"]["span_id"], (*ensure)["span_id"]);
    EXPECT_EQ(m_sandbox.read(m_sandbox.root() + "/seen"),
              "00-" + trace + "-" + (*add)["span_id"].get<std::string>() + "-01\n");
}

TEST_F(Env, ReplayedEventsGiveTheEnvironmentsThereWereAtAnyTime) {
    if (!m_telemetry)
        GTEST_SKIP() << "telemetry compiled out";
    std::string one = create("First");
    std::string two = create("Second");
    ok({"env", one});
    ok({"env", two});
    ok({"env", "close", one});
    auto open = ok({"env", "list", "--from-events", "--format", "json"}).json();
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(open[0]["taskId"], two);
    EXPECT_EQ(open[0]["state"], "open");
    auto all = ok({"env", "list", "--from-events", "--all", "--format", "json"}).json();
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(all[0]["taskId"], one);
    EXPECT_EQ(all[0]["state"], "closed");
    EXPECT_EQ(all[0]["branchDeleted"], true);
    auto events = events_of("worktree:" + one);
    std::string created_at = events[0]["time"];
    auto then = ok({"env", "list", "--from-events", "--as-of", created_at, "--format", "json"}).json();
    ASSERT_EQ(then.size(), 1U);
    EXPECT_EQ(then[0]["taskId"], one);
    EXPECT_EQ(then[0]["state"], "open");
    RunResult refused = m_sandbox.sc({"env", "list", "--as-of", created_at});
    EXPECT_EQ(refused.exit_code, 2);
}

}  // namespace
}  // namespace sc::e2e
