// End-to-end: ids that sc makes are ids sc accepts (subtask twins across parents, and the
// parent-qualified id that tells twins apart), a completed subtask stays with its parent, a
// broken layout is named as such, and a command that fails creates nothing. Telemetry stays on
// in its default place beside the tasks, so every scenario ends with `events replay --verify`.

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

class IdsAndLayout : public ::testing::Test {
protected:
    void SetUp() override {
        m_telemetry = m_sandbox.sc({"--version"}).out.find("telemetry compiled out") == std::string::npos;
        m_month = m_sandbox.run({"date", "+%m"}).out.substr(0, 2);
        m_year_month = m_sandbox.run({"date", "+%Y-%m"}).out.substr(0, 7);
    }
    RunResult ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << "sc " << arguments.front() << ": " << result.err;
        return result;
    }
    // The events rebuild the live tree (skipped when telemetry is compiled out).
    void expect_replay_holds() {
        if (!m_telemetry)
            return;
        RunResult verified = m_sandbox.sc({"events", "replay", "--verify"});
        EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    }
    std::string store_dir() const { return fs::path(m_sandbox.tasks_root()).parent_path().string(); }

    Sandbox m_sandbox;
    bool m_telemetry = true;
    std::string m_month;
    std::string m_year_month;
};

// Every subtask of the listing: (parent id, subtask id).
std::vector<std::pair<std::string, std::string>> subtasks_of(const RunResult& listed) {
    std::vector<std::pair<std::string, std::string>> found;
    for (const auto& task : listed.json())
        if (task["metadata"].contains("parentTask"))
            found.emplace_back(task["metadata"]["parentTask"].get<std::string>(),
                               task["metadata"]["id"].get<std::string>());
    return found;
}

TEST_F(IdsAndLayout, SubtasksOfThirtyParentsWithOneTitleGetIdsThatEachFindOneTask) {
    ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    for (int i = 1; i <= 30; ++i)
        ok({"parent", "create", "--title", "p" + std::to_string(i), "--subtask", "Write tests"});
    auto subtasks = subtasks_of(ok({"task", "list", "--format", "json"}));
    ASSERT_EQ(subtasks.size(), 30U);
    std::set<std::string> bare_ids;
    for (const auto& [parent, id] : subtasks) {
        bare_ids.insert(id.substr(3));
        // The full id and the id without `NN_` both name this one task, for reads and writes.
        EXPECT_EQ(m_sandbox.sc({"task", "get", id}).exit_code, 0) << id;
        RunResult updated = m_sandbox.sc({"task", "update", id.substr(3), "--priority", "high"});
        EXPECT_EQ(updated.exit_code, 0) << id << ": " << updated.err;
    }
    // 26 letters for one name in one month: the rest take a number, as Scopecraft does after Z.
    EXPECT_EQ(bare_ids.size(), 30U);
    expect_replay_holds();
}

}  // namespace
}  // namespace sc::e2e
