// End-to-end: commands that read or write a few task files check every folder's stamps and
// only their own files for edits made outside sc (docs/events.md, "Which files a command
// checks"); listings check every file.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

class OwnFilesCheck : public ::testing::Test {
protected:
    void SetUp() override {
        if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
            GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF";
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/telemetry");
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
        m_month = m_sandbox.run({"date", "+%m"}).out.substr(0, 2);
        ok({"task", "create", "--title", "Alpha"});
        ok({"task", "create", "--title", "Beta"});
        // A full check once the file system's clock has moved past the creates: a folder
        // changed within the timestamp of a check's start is not trusted (racily clean), and the
        // next command would check every file again.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ok({"task", "list"});
    }
    std::string id(const std::string& name) const { return name + "-" + m_month + "A"; }
    std::string path_of(const std::string& name) const {
        return m_sandbox.tasks_root() + "/current/" + id(name) + ".task.md";
    }
    RunResult ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << "sc " << arguments.front() << ": " << result.err;
        return result;
    }
    /// An edit in place, as `>>` or an editor writing into the open file makes it: same inode,
    /// its folder untouched.
    void append_in_place(const std::string& path, const std::string& text) {
        std::ofstream(path, std::ios::app | std::ios::binary) << text;
    }
    nlohmann::ordered_json events() { return ok({"events", "list", "--format", "json"}).json(); }
    nlohmann::ordered_json external() {
        return ok({"events", "list", "--type", "TaskChangedExternally", "--format", "json"}).json();
    }
    void expect_replays_to_the_tree() {
        RunResult verified = ok({"events", "replay", "--verify", "--format", "json"});
        EXPECT_TRUE(verified.json()["identical"].get<bool>()) << verified.out;
    }
    std::string scope_file() const { return m_sandbox.root() + "/telemetry/projections/task-tree.scope"; }

    Sandbox m_sandbox;
    std::string m_month;
};

TEST_F(OwnFilesCheck, TaskGetRecordsAnInPlaceEditOfTheFileItReads) {
    ASSERT_TRUE(fs::exists(scope_file()));
    append_in_place(path_of("alpha"), "\nNoted by hand.\n");
    RunResult got = ok({"task", "get", id("alpha")});
    EXPECT_NE(got.out.find("Noted by hand."), std::string::npos) << got.out;
    auto all = events();
    EXPECT_EQ(all.back()["type"], "TaskChangedExternally");
    EXPECT_EQ(all.back()["stream"], "task:" + id("alpha"));
    EXPECT_EQ(all.back()["meta"]["actor"], "external");
    expect_replays_to_the_tree();
}

TEST_F(OwnFilesCheck, TaskUpdateRecordsAnInPlaceEditOfItsFileBeforeItsOwnChange) {
    append_in_place(path_of("alpha"), "\nNoted by hand.\n");
    ok({"task", "update", id("alpha"), "--status", "in_progress"});
    auto all = events();
    ASSERT_GE(all.size(), 2U);
    EXPECT_EQ(all[all.size() - 2]["type"], "TaskChangedExternally");
    EXPECT_EQ(all[all.size() - 2]["stream"], "task:" + id("alpha"));
    EXPECT_NE(all[all.size() - 2]["data"].dump().find("Noted by hand."), std::string::npos);
    EXPECT_EQ(all.back()["type"], "TaskUpdated");
    EXPECT_EQ(all.back()["stream"], "task:" + id("alpha"));
    // The update kept the hand-written line: the event holds what was written.
    EXPECT_NE(m_sandbox.read(path_of("alpha")).find("Noted by hand."), std::string::npos);
    expect_replays_to_the_tree();
}

TEST_F(OwnFilesCheck, AnInPlaceEditOfAnotherFileIsRecordedByTheNextListing) {
    size_t before = external().size();
    append_in_place(path_of("beta"), "\nNoted by hand.\n");
    ok({"task", "get", id("alpha")});
    ok({"task", "update", id("alpha"), "--status", "in_progress"});
    ok({"task", "create", "--title", "Gamma"});
    EXPECT_EQ(external().size(), before) << "no command read or changed beta, so none checked it";
    ok({"task", "list"});
    auto found = external();
    ASSERT_EQ(found.size(), before + 1);
    EXPECT_EQ(found.back()["stream"], "task:" + id("beta"));
    expect_replays_to_the_tree();
}

TEST_F(OwnFilesCheck, AFileAddedRemovedOrRenamedOutsideScIsRecordedByTheNextCommandOfAnyKind) {
    // Added: its folder's stamps changed, so `task get` of another task checks the tree.
    m_sandbox.write(m_sandbox.tasks_root() + "/current/by-hand.task.md",
                    "# By hand\n\n---\ntype: chore\nstatus: todo\narea: x\n---\n");
    ok({"task", "get", id("alpha")});
    auto all = events();
    EXPECT_EQ(all.back()["type"], "TaskChangedExternally");
    EXPECT_EQ(all.back()["stream"], "task:by-hand");
    // Removed, before a create: recorded before the create's own event.
    fs::remove(path_of("beta"));
    ok({"task", "create", "--title", "Gamma"});
    all = events();
    ASSERT_GE(all.size(), 2U);
    EXPECT_EQ(all[all.size() - 2]["type"], "TaskChangedExternally");
    EXPECT_EQ(all[all.size() - 2]["stream"], "task:" + id("beta"));
    EXPECT_EQ(all.back()["type"], "TaskCreated");
    // Renamed: the old name removed and the new one created.
    fs::rename(m_sandbox.tasks_root() + "/current/by-hand.task.md",
               m_sandbox.tasks_root() + "/current/renamed.task.md");
    ok({"task", "update", id("alpha"), "--status", "done"});
    all = events();
    ASSERT_GE(all.size(), 2U);
    EXPECT_EQ(all[all.size() - 2]["type"], "TaskChangedExternally");
    EXPECT_EQ(all.back()["type"], "TaskUpdated");
    std::string recorded = all[all.size() - 2]["data"].dump() + all[all.size() - 3]["data"].dump();
    EXPECT_NE(recorded.find("renamed.task.md"), std::string::npos) << recorded;
    // A file replaced by a folder.
    fs::remove(path_of("alpha"));
    fs::create_directory(path_of("alpha"));
    ok({"task", "create", "--title", "Delta"});
    expect_replays_to_the_tree();
}

TEST_F(OwnFilesCheck, AFolderMadeOutsideScBetweenCreatesIsRecordedAndItsIdIsNeverChosen) {
    // Creates in a row keep the scope (its unchanged folders' lines copied as loaded) and the id
    // index (its folders' stats taken from the scope's check): a parent folder made by hand in
    // between, and a subtask added by hand to it, must still be seen by the next create, which
    // records them first and picks another id.
    auto made = [&](const std::string& title) {
        return ok({"task", "create", "--title", title, "--format", "json"}).json()["metadata"]["id"].get<std::string>();
    };
    std::set<std::string> ids {made("Gamma"), made("Gamma")};
    std::string by_hand;
    for (char letter = 'A'; letter <= 'Z' && by_hand.empty(); ++letter)
        if (ids.count("gamma-" + m_month + letter) == 0)
            by_hand = "gamma-" + m_month + letter;
    std::string folder = m_sandbox.tasks_root() + "/current/" + by_hand;
    fs::create_directory(folder);
    m_sandbox.write(folder + "/_overview.md", "# Gamma by hand\n\n---\ntype: feature\nstatus: todo\narea: x\n---\n");
    size_t before = external().size();
    for (int round = 0; round < 26 - 3; ++round) {
        std::string id = made("Gamma");
        EXPECT_NE(id, by_hand) << "the parent folder made by hand claims it";
        EXPECT_TRUE(ids.insert(id).second) << id << " chosen twice";
        if (round == 0) {
            EXPECT_EQ(external().size(), before + 1) << "its overview recorded before the create";
            m_sandbox.write(folder + "/01_step-by-hand-" + m_month + "A.task.md",
                            "# Step\n\n---\ntype: chore\nstatus: todo\narea: x\n---\n");
        }
        if (round == 1) {
            EXPECT_EQ(external().size(), before + 2) << "the subtask added by hand recorded";
        }
    }
    expect_replays_to_the_tree();
}

TEST_F(OwnFilesCheck, ADeletedScopeOrStateCostsOneFullCheckAndNothingElse) {
    append_in_place(path_of("beta"), "\nNoted by hand.\n");
    fs::remove(scope_file());
    size_t before = external().size();
    ok({"task", "get", id("alpha")});  // checks every file: the scope is gone
    EXPECT_EQ(external().size(), before + 1);
    EXPECT_TRUE(fs::exists(scope_file())) << "written again by the full check";
    fs::remove(m_sandbox.root() + "/telemetry/projections/task-tree.state");
    ok({"task", "create", "--title", "Gamma"});
    EXPECT_EQ(external().size(), before + 1) << "rebuilt from the events: nothing taken for an outside edit";
    expect_replays_to_the_tree();
}

}  // namespace
}  // namespace sc::e2e
