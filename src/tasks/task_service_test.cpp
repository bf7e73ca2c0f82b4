#include "tasks/task_service.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "tasks/tree_test_support.hpp"

namespace sc::tasks {
namespace {

using testing::read_tree;
using testing::task_text;
using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;

class ServiceTest : public ::testing::Test {
protected:
    ServiceTest() : m_clock(testing::k_corpus_time), m_service(make_service()) { EXPECT_TRUE(m_service.init().ok()); }
    [[nodiscard]] std::string root() const { return m_temp.path() + "/tasks"; }
    TaskService make_service() {
        uint32_t counter = 0;
        return TaskService(TaskTree({TreeKind::store, root()}), m_clock, [counter]() mutable { return counter++; });
    }
    TaskRecord create(const std::string& title) {
        CreateRequest request;
        request.title = title;
        Result<Changed<TaskRecord>> created = m_service.create(request);
        EXPECT_TRUE(created.ok()) << created.error().describe();
        return created.ok() ? created->value : TaskRecord {};
    }

    testing::UtcTimeZone m_utc;
    TempDir m_temp;
    FixedClock m_clock;
    TaskService m_service;
};

TEST_F(ServiceTest, InitMakesTheWorkflowFoldersOnceAndRecordsThem) {
    TempDir other;
    TaskService fresh(TaskTree({TreeKind::store, other.path() + "/p/tasks"}), m_clock);
    Result<ChangeRecord> first = fresh.init(other.path() + "/p/config");
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->files.size(), 2u);
    EXPECT_EQ(first->files[0].kind, FileChangeKind::folder_created);
    EXPECT_EQ(first->files[0].path, "current");
    EXPECT_TRUE(fs::is_directory(other.path() + "/p/config"));
    Result<ChangeRecord> second = fresh.init();
    ASSERT_TRUE(second.ok());
    EXPECT_TRUE(second->files.empty());
}

TEST_F(ServiceTest, CreateRecordsTheFileAndEveryField) {
    CreateRequest request;
    request.title = "Add login page";
    request.fields.priority = "🔼 High";
    Result<Changed<TaskRecord>> created = m_service.create(request);
    ASSERT_TRUE(created.ok());
    const ChangeRecord& change = created->change;
    EXPECT_EQ(change.operation, "task.create");
    EXPECT_EQ(change.task_id, "add-login-page-11A");
    ASSERT_EQ(change.files.size(), 1u);
    EXPECT_EQ(change.files[0].kind, FileChangeKind::file_created);
    EXPECT_EQ(change.files[0].path, "current/add-login-page-11A.task.md");
    EXPECT_EQ(change.files[0].content, files::read(root() + "/current/add-login-page-11A.task.md").value());
    ASSERT_EQ(change.fields.size(), 4u);  // type, status, area defaulted; priority normalised
    EXPECT_EQ(change.fields[3].field, "priority");
    EXPECT_EQ(change.fields[3].new_value, "high");
    EXPECT_EQ(nlohmann::json::parse(change.to_json())["files"][0]["kind"], "file_created");
}

TEST_F(ServiceTest, UnknownEnumValueNamesTheValidOnesAndWritesNothing) {
    CreateRequest request;
    request.title = "Bad status";
    request.fields.status = "zzz";
    Result<Changed<TaskRecord>> created = m_service.create(request);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(created.error().message.find("todo, in_progress, done, blocked, reviewing, archived"), std::string::npos);
    EXPECT_TRUE(fs::is_empty(root() + "/current"));
}

TEST_F(ServiceTest, UpdateRecordsOldAndNewValuesAndKeepsOtherBytes) {
    create("Tune cache");
    std::string before = files::read(root() + "/current/tune-cache-11A.task.md").value();
    UpdateRequest request;
    request.fields.status = "wip";
    Result<Changed<TaskRecord>> updated = m_service.update("tune-cache-11A", request);
    ASSERT_TRUE(updated.ok());
    ASSERT_EQ(updated->change.fields.size(), 1u);
    EXPECT_EQ(updated->change.fields[0].old_value, "todo");
    EXPECT_EQ(updated->change.fields[0].new_value, "in_progress");
    std::string after = files::read(root() + "/current/tune-cache-11A.task.md").value();
    std::string expected = before;
    expected.replace(expected.find("status: todo"), 12, "status: in_progress");
    EXPECT_EQ(after, expected);
}

TEST_F(ServiceTest, UpdateWithNothingToChangeWritesNothing) {
    create("Stable");
    UpdateRequest request;
    request.fields.status = "todo";
    Result<Changed<TaskRecord>> updated = m_service.update("stable-11A", request);
    ASSERT_TRUE(updated.ok());
    EXPECT_TRUE(updated->change.files.empty());
}

TEST_F(ServiceTest, LogAppendUsesLocalDateAndTimeByDefault) {
    create("Logged");
    m_clock.set(testing::k_corpus_time + 5LL * 60 * 1'000'000'000);
    Result<Changed<TaskRecord>> logged = m_service.append_log("logged-11A", "Started");
    ASSERT_TRUE(logged.ok());
    EXPECT_EQ(logged->value.document.section("log"), "- 2026-11-27 13:05: Started");
    EXPECT_EQ(logged->change.sections[0].new_body, "- 2026-11-27 13:05: Started");
    EXPECT_FALSE(m_service.append_log("logged-11A", "two\nlines").ok());
}

TEST_F(ServiceTest, SectionsReadAndWriteWithoutBreakingTheStructure) {
    create("Sectioned");
    ASSERT_TRUE(m_service.set_section("sectioned-11A", "Deliverable", "A thing\n## Not a section").ok());
    EXPECT_EQ(m_service.section("sectioned-11A", "deliverable").value(), "A thing\n### Not a section");
    EXPECT_EQ(m_service.section("sectioned-11A", "log").value(), "");
}

TEST_F(ServiceTest, CompleteSetsDoneAndArchivesIntoTheMonth) {
    create("Finish me");
    Result<Changed<TaskRecord>> done = m_service.complete("finish-me-11A");
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->value.relative_path, "archive/2026-11/finish-me-11A.task.md");
    EXPECT_EQ(done->value.document.field("status"), "done");
    const std::vector<FileChange>& changes = done->change.files;
    ASSERT_EQ(changes.size(), 3u);
    EXPECT_EQ(changes[0].kind, FileChangeKind::file_modified);
    EXPECT_EQ(changes[1].kind, FileChangeKind::folder_created);
    EXPECT_EQ(changes[1].path, "archive/2026-11");
    EXPECT_EQ(changes[2].kind, FileChangeKind::renamed);
    EXPECT_EQ(changes[2].old_path, "current/finish-me-11A.task.md");
}

TEST_F(ServiceTest, ListFiltersNormaliseAndCombine) {
    CreateRequest a;
    a.title = "Alpha";
    a.fields.status = "in_progress";
    a.fields.assignee = "alice";
    a.fields.tags = {{"x", "y"}};
    ASSERT_TRUE(m_service.create(a).ok());
    CreateRequest b;
    b.title = "Beta";
    b.fields.tags = {{"z"}};
    ASSERT_TRUE(m_service.create(b).ok());
    ASSERT_TRUE(m_service.complete("beta-11A").ok());
    ListFilter filter;
    filter.status = "In Progress";
    EXPECT_EQ(m_service.list(filter)->tasks.size(), 1u);
    filter = {};
    filter.tags = {"z", "y"};
    EXPECT_EQ(m_service.list(filter)->tasks.size(), 1u);  // beta is archived
    filter.location = LocationScope::all;
    EXPECT_EQ(m_service.list(filter)->tasks.size(), 2u);
    filter = {};
    filter.assignee = "bob";
    EXPECT_TRUE(m_service.list(filter)->tasks.empty());
    filter = {};
    filter.status = "nonsense";
    EXPECT_EQ(m_service.list(filter).error().code, ErrorCode::invalid_argument);
}

TEST_F(ServiceTest, ListingsSkipAFileWithNoTitleAndNoFrontmatterAndSayWhich) {
    create("Alpha");
    write_file(root() + "/current/cut-11B.task.md", "");
    Result<ListResult> listed = m_service.list({});
    ASSERT_TRUE(listed.ok());
    ASSERT_EQ(listed->tasks.size(), 1u);
    EXPECT_EQ(listed->tasks[0].id, "alpha-11A");
    ASSERT_EQ(listed->diagnostics.size(), 1u);
    EXPECT_EQ(listed->diagnostics[0].message, "skipped: the file is empty");
    EXPECT_EQ(listed->diagnostics[0].where.file, root() + "/current/cut-11B.task.md");
    // Asked for by id it is still there, with the warning, so it can be seen and deleted.
    Result<TaskRecord> got = m_service.get("cut-11B");
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->document.diagnostics().at(0).message, "the file is empty");
}

TEST_F(ServiceTest, UnsafeIdsAreRejectedByEveryOperation) {
    write_file(m_temp.path() + "/victim.task.md", task_text("Victim"));
    for (std::string_view attack : {"../../victim", "../victim.task.md", "/etc/passwd", "current/../x", ".."}) {
        EXPECT_EQ(m_service.get(attack).error().code, ErrorCode::unsafe_path) << attack;
        EXPECT_EQ(m_service.update(attack, {}).error().code, ErrorCode::unsafe_path) << attack;
        EXPECT_EQ(m_service.remove(attack).error().code, ErrorCode::unsafe_path) << attack;
        EXPECT_EQ(m_service.add_subtask(attack, {"x", {}, {}, {}, {}, {}}).error().code, ErrorCode::unsafe_path);
    }
    EXPECT_TRUE(fs::exists(m_temp.path() + "/victim.task.md"));
}

TEST_F(ServiceTest, SymlinkedMonthFolderIsNotWrittenThrough) {
    create("Escape");
    fs::create_directories(m_temp.path() + "/outside");
    fs::create_directory_symlink(m_temp.path() + "/outside", root() + "/archive/2030-01");
    Result<Changed<TaskRecord>> moved = m_service.move("escape-11A", {WorkflowState::archive, "2030-01"});
    ASSERT_FALSE(moved.ok());
    EXPECT_EQ(moved.error().code, ErrorCode::unsafe_path);
    EXPECT_TRUE(fs::is_empty(m_temp.path() + "/outside"));
    EXPECT_TRUE(fs::exists(root() + "/current/escape-11A.task.md"));
}

TEST_F(ServiceTest, BadArchiveMonthIsRefused) {
    create("Dated");
    EXPECT_EQ(m_service.move("dated-11A", {WorkflowState::archive, "../../x"}).error().code,
              ErrorCode::invalid_argument);
    EXPECT_EQ(m_service.move("dated-11A", {WorkflowState::archive, "2025-13"}).error().code,
              ErrorCode::invalid_argument);
}

TEST_F(ServiceTest, MissingTreeSaysToRunInit) {
    TempDir empty;
    TaskService service(TaskTree({TreeKind::store, empty.path() + "/tasks"}), m_clock);
    Result<Changed<TaskRecord>> created = service.create({"A task", {}, {}, {}, {}, {}});
    ASSERT_FALSE(created.ok());
    EXPECT_NE(created.error().hint.find("sc init"), std::string::npos);
    EXPECT_FALSE(fs::exists(empty.path() + "/tasks"));
}

/// Tries every kind of write on a read-only tree; returns a bit per check that failed.
int write_attempts_on_read_only_tree(TaskService& service) {
    int failed = 0;
    Result<Changed<TaskRecord>> created = service.create({"New task", {}, {}, {}, {}, {}});
    if (created.ok() || created.error().describe().find("cannot be changed") == std::string::npos)
        failed |= 1;
    UpdateRequest request;
    request.fields.status = "done";
    if (service.update("existing-11A", request).ok())
        failed |= 2;
    if (service.complete("existing-11A").ok())
        failed |= 4;
    if (service.remove("existing-11A").ok())
        failed |= 8;
    return failed;
}

TEST_F(ServiceTest, ReadOnlyTreeGivesAClearErrorAndLeavesNoPartialFiles) {
    create("Existing");
    std::map<std::string, std::string> before = read_tree(root());
    if (::geteuid() != 0) {
        for (const char* folder : {"", "/current", "/archive"})
            fs::permissions(root() + folder, fs::perms::owner_read | fs::perms::owner_exec);
        EXPECT_EQ(write_attempts_on_read_only_tree(m_service), 0);
        for (const char* folder : {"", "/current", "/archive"})
            fs::permissions(root() + folder, fs::perms::owner_all);
    } else {
        // Root ignores permissions: make the tree a read-only bind mount in a private mount
        // namespace of a child process instead.
        pid_t child = ::fork();
        if (child == 0) {
            if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
                ::mount(root().c_str(), root().c_str(), nullptr, MS_BIND, nullptr) != 0 ||
                ::mount(nullptr, root().c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
                ::_exit(77);
            ::_exit(write_attempts_on_read_only_tree(m_service));
        }
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77)
            GTEST_SKIP() << "no permission to make a read-only mount";
        EXPECT_EQ(WEXITSTATUS(status), 0);
    }
    EXPECT_EQ(read_tree(root()), before);
}

TEST_F(ServiceTest, FailedStepRollsBackTheEarlierOnes) {
    create("Roll back");
    // Archiving needs archive/2026-11/ made, then the rename; a file already at the target
    // makes the rename fail, and the folder creation and status edit must be undone.
    std::map<std::string, std::string> before = read_tree(root());
    std::vector<FileChange> plan = {
        {FileChangeKind::file_modified, "current/roll-back-11A.task.md", {}, "changed", TreeKind::store},
        {FileChangeKind::folder_created, "archive/2026-11", {}, {}, TreeKind::store},
        {FileChangeKind::renamed, "current", "current/roll-back-11A.task.md", {}, TreeKind::store},
    };
    Status applied = apply_file_changes({root(), {}}, plan);
    ASSERT_FALSE(applied.ok());
    EXPECT_EQ(read_tree(root()), before);
}

TEST_F(ServiceTest, IdLettersRunAToZThenFallBackToARandomSuffix) {
    for (char letter = 'A'; letter <= 'Z'; ++letter)
        EXPECT_EQ(create("Same").id, std::string("same-11") + letter);
    TaskRecord overflow = create("Same");
    EXPECT_NE(overflow.id.rfind("same-", 0), std::string::npos);
    EXPECT_EQ(overflow.id.size() > std::string("same-11A").size(), true) << overflow.id;
    ListFilter all;
    EXPECT_EQ(m_service.list(all)->tasks.size(), 27u);
}

TEST_F(ServiceTest, ArchivedTasksKeepTheirLetterTaken) {
    create("Reused");
    ASSERT_TRUE(m_service.complete("reused-11A").ok());
    EXPECT_EQ(create("Reused").id, "reused-11B");
}

/// Creates `count` tasks in a child process; exits non-zero on any failure.
pid_t spawn_creator(const std::string& root, const std::string& prefix, int count, bool same_title) {
    pid_t child = ::fork();
    if (child != 0)
        return child;
    SystemClock clock;
    TaskService service(TaskTree({TreeKind::store, root}), clock);
    int failures = 0;
    for (int i = 0; i < count; ++i) {
        CreateRequest request;
        request.title = same_title ? "Shared title" : prefix + " task " + std::to_string(i);
        if (!service.create(request).ok())
            ++failures;
    }
    ::_exit(failures == 0 ? 0 : 1);
}

TEST_F(ServiceTest, ConcurrentCreatesFromTwoProcessesLoseNothingAndNeverShareAnId) {
    pid_t first = spawn_creator(root(), "first", 30, false);
    pid_t second = spawn_creator(root(), "second", 30, false);
    pid_t third = spawn_creator(root(), "", 12, true);
    pid_t fourth = spawn_creator(root(), "", 12, true);
    for (pid_t child : {first, second, third, fourth}) {
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    TaskTree tree({TreeKind::store, root()});
    Result<TreeScan> scan = tree.scan(LocationScope::all);
    ASSERT_TRUE(scan.ok());
    EXPECT_EQ(scan->tasks.size(), 84u);
    std::set<std::string> ids;
    for (const TaskLocation& location : scan->tasks)
        ids.insert(location.id);
    EXPECT_EQ(ids.size(), 84u);
    EXPECT_TRUE(scan->diagnostics.empty());
    std::multiset<std::string> titles;
    for (const TaskLocation& location : scan->tasks)
        titles.insert(load_record(location)->document.title());
    for (int i = 0; i < 30; ++i) {
        EXPECT_EQ(titles.count("first task " + std::to_string(i)), 1u) << i;
        EXPECT_EQ(titles.count("second task " + std::to_string(i)), 1u) << i;
    }
    EXPECT_EQ(titles.count("Shared title"), 24u);
}

}  // namespace
}  // namespace sc::tasks
