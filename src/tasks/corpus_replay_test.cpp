// The corpus scenarios (tests/corpus/*/commands.txt) run again through TaskService: the trees
// must come out as Scopecraft left them, byte for byte, apart from random subtask letters and
// the differences docs/layout.md names. Each test also replays its change records into an
// empty folder and requires the same tree, which is what event sourcing will rely on.

#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "tasks/task_service.hpp"
#include "tasks/tree_test_support.hpp"

namespace sc::tasks {
namespace {

using testing::corpus_dir;
using testing::read_tree_ignoring_subtask_letters;
using testing::TempDir;
namespace fs = std::filesystem;

/// Scopecraft's tree: files from tree/, folders from tree-listing.txt (git keeps no empty
/// folder), subtask letters masked.
std::map<std::string, std::string> scopecraft_tree(const std::string& scenario) {
    std::string base = corpus_dir() + "/" + scenario;
    std::map<std::string, std::string> tree = read_tree_ignoring_subtask_letters(base + "/tree");
    for (auto it = tree.begin(); it != tree.end();)
        it = it->first.rfind("d ", 0) == 0 ? tree.erase(it) : std::next(it);
    std::ifstream listing(base + "/tree-listing.txt");
    static const std::regex k_folder(R"(^d \./(.*)/$)");
    static const std::regex k_letter(R"((/\d\d_[^/]*-\d\d)[A-Z]$)");
    std::string line;
    std::smatch match;
    while (std::getline(listing, line))
        if (std::regex_match(line, match, k_folder))
            tree["d " + std::regex_replace(match[1].str(), k_letter, "$1?")] = "";
    return tree;
}

class CorpusReplay : public ::testing::Test {
protected:
    CorpusReplay() : m_clock(testing::k_corpus_time), m_service(TaskTree({TreeKind::store, tasks_root()}), m_clock) {
        Result<ChangeRecord> init = m_service.init();
        EXPECT_TRUE(init.ok());
        record(init);
    }

    [[nodiscard]] std::string tasks_root() const { return m_temp.path() + "/tasks"; }

    template <class T>
    T check(Result<T> result) {
        EXPECT_TRUE(result.ok()) << result.error().describe();
        if (!result.ok())
            throw std::runtime_error(result.error().describe());
        return std::move(result).value();
    }
    template <class T>
    T run(Result<Changed<T>> result) {
        Changed<T> changed = check(std::move(result));
        m_changes.push_back(changed.change);
        return std::move(changed.value);
    }
    void record(const Result<ChangeRecord>& change) {
        if (change.ok())
            m_changes.push_back(change.value());
    }

    CreateRequest task(std::string title, std::string type) {
        CreateRequest request;
        request.title = std::move(title);
        request.fields.type = std::move(type);
        return request;
    }

    /// The tree matches Scopecraft's, and replaying the change records rebuilds it.
    void expect_tree(const std::string& scenario, const std::set<std::string>& skip = {}) {
        std::map<std::string, std::string> ours = read_tree_ignoring_subtask_letters(tasks_root());
        std::map<std::string, std::string> theirs = scopecraft_tree(scenario);
        for (const std::string& path : skip) {
            ours.erase(path);
            theirs.erase(path);
        }
        for (const auto& [path, content] : theirs) {
            ASSERT_EQ(ours.count(path), 1u) << "missing " << path;
            EXPECT_EQ(ours[path], content) << path;
        }
        for (const auto& [path, content] : ours)
            EXPECT_EQ(theirs.count(path), 1u) << "extra " << path;

        TempDir replay;
        TreeRoots roots {replay.path(), {}};
        for (const ChangeRecord& change : m_changes) {
            Status applied = apply_file_changes(roots, change.files);
            ASSERT_TRUE(applied.ok()) << change.operation << ": " << applied.error().describe();
        }
        EXPECT_EQ(testing::read_tree(replay.path()), testing::read_tree(tasks_root()));
    }

    testing::UtcTimeZone m_utc;
    TempDir m_temp;
    FixedClock m_clock;
    TaskService m_service;
    std::vector<ChangeRecord> m_changes;
};

TEST_F(CorpusReplay, BasicScenarioGivesScopecraftsTree) {
    CreateRequest login = task("Add login page", "feature");
    login.fields.priority = "high";
    login.fields.assignee = "alice";
    login.fields.tags = {{"ui", "auth"}};
    login.fields.phase = "active";
    login.fields.area = "frontend";
    login.instruction = "Build the login form with email and password.";
    EXPECT_EQ(run(m_service.create(login)).id, "add-login-page-11A");
    CreateRequest crash = task("Fix crash on save", "bug");
    crash.fields.status = "in_progress";
    crash.fields.priority = "highest";
    crash.fields.area = "core";
    run(m_service.create(crash));
    CreateRequest deps = task("Update dependencies", "chore");
    deps.fields.status = "blocked";
    deps.fields.priority = "low";
    run(m_service.create(deps));
    CreateRequest guide = task("Write user guide", "documentation");
    guide.fields.status = "reviewing";
    guide.fields.priority = "medium";
    guide.fields.phase = "released";
    guide.fields.assignee = "bob";
    run(m_service.create(guide));
    CreateRequest tests = task("Add unit tests", "test");
    tests.fields.status = "done";
    tests.fields.tags = {{"testing"}};
    run(m_service.create(tests));
    CreateRequest spike = task("Evaluate search engines", "spike");
    spike.fields.status = "archived";
    spike.fields.phase = "backlog";
    run(m_service.create(spike));
    EXPECT_EQ(run(m_service.create(task("Dark mode", "idea"))).id, "dark-mode-11A");
    CreateRequest dark = task("Dark mode", "idea");
    dark.fields.tags = {{"ui"}};
    EXPECT_EQ(run(m_service.create(dark)).id, "dark-mode-11B");
    expect_tree("01-basic");

    ListFilter ideas;
    ideas.tags = {"ui"};
    ideas.type = "idea";
    ListResult listed = check(m_service.list(ideas));
    ASSERT_EQ(listed.tasks.size(), 1u);
    EXPECT_EQ(listed.tasks[0].id, "dark-mode-11B");
}

TEST_F(CorpusReplay, ParentsAndSubtasksScenarioGivesScopecraftsTree) {
    CreateRequest auth = task("User authentication overhaul", "feature");
    auth.fields.priority = "high";
    auth.fields.assignee = "alice";
    auth.fields.tags = {{"auth", "security"}};
    auth.instruction = "Replace the session system with tokens.";
    std::string parent = run(m_service.create_parent(auth)).parent.id;
    ASSERT_EQ(parent, "user-authentication-overhaul-11A");
    run(m_service.add_subtask(parent, task("Design token format", "spike")));
    CreateRequest implement = task("Implement token service", "");
    implement.fields.assignee = "bob";
    run(m_service.add_subtask(parent, implement));
    run(m_service.add_subtask(parent, task("Write migration guide", "documentation")));
    // Scopecraft's `task create --parent` drops --tags; we keep what we are given, so none
    // is given here.
    CreateRequest integration = task("Add integration tests", "test");
    integration.fields.priority = "high";
    integration.parent_id = parent;
    EXPECT_EQ(run(m_service.create(integration)).sequence, "04");
    run(m_service.parallelize(parent, {"implement-token-service", "write-migration-guide"}));
    run(m_service.resequence(parent, {{"design-token-format", "01"},
                                      {"implement-token-service", "02"},
                                      {"add-integration-tests", "02"},
                                      {"write-migration-guide", "03"}}));
    run(m_service.add_subtask(parent, task("Roll out to staging", "chore")));

    CreateRequest search = task("Search revamp", "feature");
    search.fields.area = "search";
    search.fields.priority = "medium";
    search.fields.phase = "";  // MCP parent_create writes no phase
    search.instruction = "Make search fast.";
    run(m_service.create_parent(search, {"Pick an index library", "Build the indexer", "Build the query API"}));
    run(m_service.parallelize("search-revamp-11A", {"build-the-indexer", "build-the-query-api"}));

    CreateRequest reports = task("Export reports", "feature");
    reports.fields.priority = "low";
    reports.fields.tags = {{"reports"}};
    reports.instruction = "Users want CSV and PDF.";
    run(m_service.create(reports));
    ParentView promoted = run(m_service.promote("export-reports-11A", {"CSV export", "PDF export"}));
    EXPECT_EQ(promoted.parent.id, "export-reports-11B");
    expect_tree("02-parents-subtasks");

    ParentView view = check(m_service.show_parent(parent));
    ASSERT_EQ(view.groups.size(), 4u);
    EXPECT_EQ(view.groups[1].sequence, "02");
    EXPECT_EQ(view.groups[1].subtasks.size(), 2u);  // a parallel group
}

TEST_F(CorpusReplay, WorkflowAndArchiveScenarioGivesScopecraftsTree) {
    CreateRequest ship = task("Ship release 1.0", "feature");
    ship.fields.priority = "high";
    EXPECT_EQ(run(m_service.create(ship)).id, "ship-release-10-11A");
    run(m_service.create(task("Remove legacy API", "chore")));
    run(m_service.create(task("Investigate flaky test", "bug")));
    CreateRequest tune = task("Tune cache size", "chore");
    tune.fields.priority = "low";
    run(m_service.create(tune));
    std::string cleanup = run(m_service.create_parent(task("Quarterly cleanup", "chore"))).parent.id;
    run(m_service.add_subtask(cleanup, task("Delete dead code", "chore")));
    std::string prune = run(m_service.add_subtask(cleanup, task("Prune old branches", "chore"))).id;
    run(m_service.start("ship-release-10-11A"));
    // Our complete archives too: Scopecraft needed `task move --to-archive` after it.
    TaskRecord shipped = run(m_service.complete("ship-release-10-11A"));
    EXPECT_EQ(shipped.archive_month, "2026-11");
    UpdateRequest block;
    block.fields.status = "blocked";
    run(m_service.update("investigate-flaky-test-11A", block));
    UpdateRequest review;
    review.fields.status = "review";
    run(m_service.update("remove-legacy-api-11A", review));
    run(m_service.move("remove-legacy-api-11A", {WorkflowState::archive, "2025-01"}));
    run(m_service.move("investigate-flaky-test-11A", {WorkflowState::archive, "2025-02"}));
    UpdateRequest reopen;
    reopen.fields.status = "todo";
    EXPECT_EQ(run(m_service.update("investigate-flaky-test-11A", reopen)).archive_month, "2025-02");
    run(m_service.move("investigate-flaky-test-11A", {WorkflowState::current, {}}));
    UpdateRequest lower;
    lower.fields.priority = "low";
    lower.move_to = Placement {WorkflowState::current, {}};
    run(m_service.update("remove-legacy-api-11A", lower));
    run(m_service.move(cleanup, {WorkflowState::archive, {}}));
    TaskRecord orphan = run(m_service.move(prune, {WorkflowState::current, {}}));
    EXPECT_FALSE(orphan.is_subtask());
    Result<Changed<TaskRecord>> again = m_service.move("investigate-flaky-test-11A", {WorkflowState::current, {}});
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("already in current"), std::string::npos);
    run(m_service.complete("tune-cache-size-11A"));
    CreateRequest born = task("Born archived", "chore");
    born.placement.state = WorkflowState::archive;
    EXPECT_EQ(run(m_service.create(born)).relative_path, "archive/born-archived-11A.task.md");
    expect_tree("03-workflow-archive");
}

TEST_F(CorpusReplay, UpdatesSectionsAndLogScenarioGivesScopecraftsTree) {
    CreateRequest loader = task("Refactor config loader", "chore");
    loader.instruction = "Initial instruction.";
    run(m_service.create(loader));
    run(m_service.create(task("Old experiment", "spike")));
    run(m_service.create(task("Scratch note", "idea")));
    const std::string id = "refactor-config-loader-11A";
    UpdateRequest update;
    update.fields.priority = "high";
    run(m_service.update(id, update));
    update = {};
    update.title = "Refactor the configuration loader";
    EXPECT_EQ(run(m_service.update(id, update)).id, id);
    update = {};
    update.fields.assignee = "carol";
    update.fields.tags = {{"config", "refactor"}};
    run(m_service.update(id, update));
    update = {};
    update.fields.type = "Feature";
    update.fields.status = "wip";
    run(m_service.update(id, update));
    update = {};
    update.fields.area = "backend";
    run(m_service.update(id, update));
    update = {};
    update.fields.depends = {{"old-experiment-11A", "scratch-note-11A"}};
    update.fields.previous = "old-experiment-11A";
    update.fields.next = "scratch-note-11A";
    update.fields.parent = "none-11A";
    run(m_service.update(id, update));
    update = {};
    update.instruction = "Load config from TOML and env vars.";
    run(m_service.update(id, update));
    update = {};
    update.sections = {{"tasks", "- [ ] Parse TOML\n- [x] Read env vars\n- [ ] Merge with defaults"},
                       {"deliverable", "A loader module with tests.\n## Notes\nkeep it small"}};
    run(m_service.update(id, update));
    run(m_service.append_log(id, "Started work", LogStyle::utc_date));
    run(m_service.append_log(id, "Parser done; env next", LogStyle::utc_date));
    update = {};
    update.fields.status = "In Progress";
    update.fields.priority = "Highest";
    run(m_service.update(id, update));
    update = {};
    update.sections = {{"log", "- 2025-06-11 14:05: hand-written entry"},
                       {"instruction", "Line one.\n\nLine three after a blank line."}};
    run(m_service.update("scratch-note-11A", update));
    update = {};
    update.fields.priority = "low";
    EXPECT_EQ(m_service.update("does-not-exist-11A", update).error().code, ErrorCode::not_found);
    record(m_service.remove("old-experiment-11A"));
    std::string temporary = run(m_service.create_parent(task("Temporary parent", "chore"))).parent.id;
    run(m_service.add_subtask(temporary, task("Child one", "")));
    Result<ChangeRecord> refused = m_service.remove(temporary);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().hint.find("cascade"), std::string::npos);
    Result<ChangeRecord> cascaded = m_service.remove(temporary, DeleteMode::cascade);
    ASSERT_TRUE(cascaded.ok());
    EXPECT_EQ(cascaded->removed.size(), 2u);
    record(cascaded);
    expect_tree("04-updates-sections-log");
}

TEST_F(CorpusReplay, OddValuesScenarioGivesScopecraftsIdsAndFiles) {
    const std::vector<std::pair<std::string, std::string>> titles = {
        {"Ünïcödé façade — résumé", "feature"},
        {"日本語のタスク", "feature"},
        {"中文任务", "chore"},
        {"🚀 Launch 🚀 rocket", "idea"},
        {"v2.0: \"quoted\" & <angle> stuff", "bug"},
        {"!!!", "chore"},
        {"  Padded title  ", "chore"},
        {"# not a heading", "chore"},
        {"Refactor payment retry handler", "chore"},
        {"Refactor payments retry handler", "chore"},
        {"Add support for the new API", "feature"},
        {"Implement authentication configuration management for the kubernetes deployment infrastructure", "feature"},
        {"Create a dashboard to visualize the performance of slow database queries in production", "feature"},
        {"Improve the reliability of nightly synchronization between regional replicas", "chore"},
    };
    for (const auto& [title, type] : titles)
        run(m_service.create(task(title, type)));
    auto enums = [&](std::string title, std::string type, std::string priority, std::string status, std::string phase) {
        CreateRequest request = task(std::move(title), std::move(type));
        if (!priority.empty())
            request.fields.priority = priority;
        if (!status.empty())
            request.fields.status = status;
        if (!phase.empty())
            request.fields.phase = phase;
        run(m_service.create(request));
    };
    enums("Emoji enums", "🐛", "🔥", "🔵", "🚀");
    enums("Label enums", "Documentation", "High", "In Progress", "Released");
    enums("Alias enums", "research", "p2", "wip", "planning");
    enums("More aliases", "proposal", "nice-to-have", "on-hold", "wip");
    enums("Fragment enums", "fea", "med", "Done!", "rel");
    enums("Emoji plus label", "feat", "▶️", "🟡 To Do", "");
    enums("Closed alias", "chore", "", "closed", "");
    Result<Changed<TaskRecord>> bad = m_service.create(task("Bad type", "bogus"));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("feature, bug, chore, documentation, test, spike, idea"), std::string::npos);
    CreateRequest odd = task("Odd tags", "test");
    odd.fields.tags = {{"yes", "true", "2024-01-01", "null", "a: b", "with space", "émoji🎉", "123", "#hash", "it's"}};
    odd.fields.assignee = "@alice: x";
    odd.fields.area = "UI/UX";
    run(m_service.create(odd));
    CreateRequest quoting = task("YAML quoting", "chore");
    quoting.fields.assignee =
        "This is a very long assignee value that goes on and on past eighty characters for sure yes";
    quoting.fields.tags = {{"*star", "!bang", "0x10", "1e3", " lead", "say \"hi\"", "✅ done", "multi\nline", "~", "on",
                            "No", "1.0", "a #b", "a#b", "[x]", "%p", "'sq'", "x y: z", "🎉"}};
    run(m_service.create(quoting));
    // The three hand-written files were rewritten whole by Scopecraft; we keep their bytes.
    expect_tree("05-odd-values", {"f current/legacy-style-01A.task.md", "f current/no-sections-01B.task.md",
                                  "f current/missing-area-01C.task.md"});
}

}  // namespace
}  // namespace sc::tasks
