// End-to-end: task files written to hurt (an alias bomb, 10,000 levels of nesting) are refused
// quickly, in bounded memory, with the file and the limit named, and never take a listing down;
// edits touch only the fields they set; values Scopecraft cannot read back are warned about.

#include <gtest/gtest.h>

#include <chrono>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

// Address space a command may use: a listing of a few tasks runs in 8 MiB (a static binary),
// and the issue allows ~64 MiB above that; 96 MiB leaves room for the telemetry store's maps. An
// expansion of the bomb below would need gigabytes.
constexpr int k_address_space_kib = 96 * 1024;

std::string billion_laughs_file() {
    std::string text = "# Bomb\n\n---\ntype: bug\nstatus: todo\narea: core\n";
    text += "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (char level = 'b'; level <= 'i'; ++level) {
        text += std::string(1, level) + ": &" + std::string(1, level) + " [";
        for (int i = 0; i < 10; ++i)
            text += (i == 0 ? "*" : ", *") + std::string(1, static_cast<char>(level - 1));
        text += "]\n";
    }
    return text + "---\n\n## Instruction\n";
}

std::string deeply_nested_file() {
    const int levels = 10'000;
    return "# Deep\n\n---\ntype: bug\nstatus: todo\narea: core\ndeep: " + std::string(levels, '[') +
           std::string(levels, ']') + "\n---\n\n## Instruction\n";
}

class HostileFiles : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0); }

    /// `sc ARGS` under the address-space cap and a time limit, timed (Sandbox::sc_bounded).
    RunResult bounded_sc(const std::vector<std::string>& arguments, double* seconds) const {
        return m_sandbox.sc_bounded(arguments, k_address_space_kib, seconds);
    }

    /// Puts `content` in current/ as `name`, next to a task made by `sc`, and checks that every
    /// command refuses the file with `message` while the other task still lists.
    void expect_refused_everywhere(const std::string& name, const std::string& content, const std::string& message) {
        const std::string path = m_sandbox.tasks_root() + "/current/" + name + ".task.md";
        m_sandbox.write(path, content);
        ASSERT_EQ(m_sandbox.sc({"task", "create", "--title", "Fine task"}).exit_code, 0);
        double seconds = 0;

        RunResult listed = bounded_sc({"task", "list", "--format", "minimal"}, &seconds);
        EXPECT_EQ(listed.exit_code, 0) << listed.err;
        EXPECT_LT(seconds, 20.0);
        EXPECT_NE(listed.out.find("fine-task-"), std::string::npos) << listed.out;
        EXPECT_EQ(listed.out.find(name), std::string::npos) << listed.out;
        EXPECT_NE(listed.err.find("sc: warning: skipped: " + message + " (" + path), std::string::npos) << listed.err;

        RunResult json = bounded_sc({"task", "list", "--format", "json"}, &seconds);
        EXPECT_EQ(json.exit_code, 0) << json.err;
        EXPECT_EQ(json.json().size(), 1U);

        RunResult got = bounded_sc({"task", "get", name}, &seconds);
        EXPECT_EQ(got.exit_code, 5) << got.err;
        EXPECT_LT(seconds, 20.0);
        EXPECT_NE(got.err.find("sc: error: " + message + " (" + path), std::string::npos) << got.err;

        RunResult updated = bounded_sc({"task", "update", name, "--status", "done"}, &seconds);
        EXPECT_EQ(updated.exit_code, 5) << updated.err;
        EXPECT_LT(seconds, 20.0);
        EXPECT_NE(updated.err.find("sc: error: " + message + " (" + path), std::string::npos) << updated.err;
        EXPECT_EQ(m_sandbox.read(path), content);
    }

    Sandbox m_sandbox;
};

TEST_F(HostileFiles, ABillionLaughsFileIsRefusedNamingTheLimitAndTheOthersStillList) {
    expect_refused_everywhere("bomb-11A", billion_laughs_file(),
                              "frontmatter expands to more than 100000 values through its 80 aliases (sc reads at "
                              "most 100000 values after expanding aliases)");
}

TEST_F(HostileFiles, TenThousandLevelsOfNestingAreRefusedAsNestedTooDeep) {
    expect_refused_everywhere("deep-11A", deeply_nested_file(), "frontmatter is nested deeper than 100 levels");
}

TEST_F(HostileFiles, AnAliasInsideItsOwnAnchorIsRefusedInsteadOfCrashing) {
    expect_refused_everywhere("loop-11A", "# Loop\n\n---\ntype: bug\nstatus: todo\narea: core\na: &x [*x]\n---\n",
                              "frontmatter alias *x is used inside the value it names, which would then contain "
                              "itself");
}

TEST_F(HostileFiles, AFileLargerThanEightMiBIsRefusedWithoutBeingReadWhole) {
    // 10,000 levels of block nesting take 50 MB of indentation; any file that large is refused
    // for its size before its YAML is looked at.
    std::string content = "# Huge\n\n---\ntype: bug\nstatus: todo\narea: core\n";
    for (size_t level = 0; content.size() <= (size_t {8} << 20); ++level)
        content += std::string(level, ' ') + "k:\n";
    expect_refused_everywhere("huge-11A", content + "---\n",
                              "task file is larger than 8 MiB, the most sc reads of one");
}

TEST_F(HostileFiles, AStatusUpdateLeavesAHandWrittenPriorityAsItIs) {
    const std::string path = m_sandbox.tasks_root() + "/current/hand-written-11A.task.md";
    const std::string before =
        "# Hand written\n\n---\ntype: Feature\nstatus: todo\npriority: High\narea: ui\n---\n\n## Instruction\n";
    m_sandbox.write(path, before);
    RunResult updated = m_sandbox.sc({"task", "update", "hand-written-11A", "--status", "In Progress"});
    ASSERT_EQ(updated.exit_code, 0) << updated.err;
    EXPECT_EQ(m_sandbox.read(path),
              "# Hand written\n\n---\ntype: Feature\nstatus: in_progress\npriority: High\narea: ui\n---\n\n## "
              "Instruction\n");
}

TEST_F(HostileFiles, ThreeDashesInATitleOrValueAreWrittenWithAWarningNamingTheField) {
    RunResult created = m_sandbox.sc({"task", "create", "--title", "Before --- after", "--tags", "a---b", "ok"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    EXPECT_NE(created.err.find("sc: warning: the title contains \"---\": Scopecraft ends the frontmatter at the first "
                               "\"---\" in a file and cannot read this one ("),
              std::string::npos)
        << created.err;
    EXPECT_NE(created.err.find(".task.md:1: title)"), std::string::npos) << created.err;
    EXPECT_NE(created.err.find("sc: warning: field \"tags\" contains \"---\": Scopecraft ends the frontmatter at the "
                               "first \"---\" in a file and cannot read this one ("),
              std::string::npos)
        << created.err;
    EXPECT_NE(created.err.find("sc: hint: write \"--\" or \"—\" instead of \"---\""), std::string::npos) << created.err;

    RunResult plain = m_sandbox.sc({"task", "create", "--title", "Plain task"});
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_EQ(plain.err, "");
    const std::string id = plain.out.substr(plain.out.find("plain-task-"), std::string("plain-task-MMA").size());
    RunResult updated = m_sandbox.sc({"task", "update", id, "--assignee", "x---y"});
    ASSERT_EQ(updated.exit_code, 0) << updated.err;
    EXPECT_NE(updated.err.find("sc: warning: field \"assignee\" contains \"---\": Scopecraft ends the frontmatter"),
              std::string::npos)
        << updated.err;
}

TEST_F(HostileFiles, AFlowListOfTagsIsTakenItemByItemTrimmed) {
    RunResult created = m_sandbox.sc({"task", "create", "--title", "Flow tags", "--tags", "[flow, two ,  three]"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    RunResult got = m_sandbox.sc({"task", "list", "--format", "json"});
    ASSERT_EQ(got.exit_code, 0) << got.err;
    EXPECT_EQ(got.json()[0]["document"]["frontmatter"]["tags"], nlohmann::ordered_json({"flow", "two", "three"}));

    // A single tag keeps its blanks, as Scopecraft keeps them.
    RunResult lead = m_sandbox.sc({"task", "create", "--title", "Lead tag", "--tags", " lead"});
    ASSERT_EQ(lead.exit_code, 0) << lead.err;
    RunResult listed = m_sandbox.sc({"task", "list", "--format", "json"});
    bool found = false;
    for (const auto& task : listed.json())
        if (task["document"]["title"] == "Lead tag") {
            found = true;
            EXPECT_EQ(task["document"]["frontmatter"]["tags"], nlohmann::ordered_json({" lead"}));
        }
    EXPECT_TRUE(found);
}

}  // namespace
}  // namespace sc::e2e
