// The id index kept by every operation that creates, moves or removes task files
// (docs/layout.md, "The id index": "An operation's own changes"): after each, the index lists
// no folder again, answers the ids a full listing gives (the new ones included), and the next
// create allocates a fresh id.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <set>

#include "tasks/id_allocator.hpp"
#include "tasks/id_index.hpp"
#include "tasks/task_service.hpp"
#include "tasks/tree_test_support.hpp"

namespace sc::tasks {
namespace {

using testing::TempDir;

/// True when the file system stamps changes finer than its clock's tick (multigrain
/// timestamps: Linux 6.13 and later on ext4, XFS, Btrfs, tmpfs). Elsewhere a folder changed in
/// the tick of the clock read after the change is listed again by the next create, by design.
bool fine_grained_stamps(const std::string& folder) {
    std::string path = folder + "/.clock-probe";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    struct stat first {};
    struct stat second {};
    bool fine = fd >= 0 && ::futimens(fd, nullptr) == 0 && ::fstat(fd, &first) == 0 && ::futimens(fd, nullptr) == 0 &&
                ::fstat(fd, &second) == 0 &&
                (first.st_mtim.tv_sec != second.st_mtim.tv_sec || first.st_mtim.tv_nsec != second.st_mtim.tv_nsec);
    if (fd >= 0)
        ::close(fd);
    ::unlink(path.c_str());
    return fine;
}

class IdIndexOperationsTest : public ::testing::Test {
protected:
    IdIndexOperationsTest() : m_clock(testing::k_corpus_time), m_service(tree(), m_clock) {
        EXPECT_TRUE(m_service.init().ok());
        for (const char* title : {"Plain task", "Second task", "Third task"}) {
            CreateRequest request;
            request.title = title;
            EXPECT_TRUE(m_service.create(request).ok());
        }
        CreateRequest parent;
        parent.title = "Big job";
        Result<Changed<ParentView>> made = m_service.create_parent(parent, {"One", "Two"});
        EXPECT_TRUE(made.ok()) << made.error().describe();
    }
    [[nodiscard]] std::string root() const { return m_temp.path() + "/tasks"; }
    [[nodiscard]] TaskTree tree() const { return TaskTree({TreeKind::store, root()}); }
    static std::set<std::string> ids_of(const IdIndex& index) {
        std::set<std::string> ids;
        index.visit({}, [&ids](std::string_view id) { ids.emplace(id); });
        return ids;
    }
    /// Stores every folder (past the clock's tick), runs `operation`, then checks the index.
    void expect_kept(const std::function<void()>& operation) {
        ::usleep(30'000);
        {
            IdIndex index = IdIndex::open(tree());
            ASSERT_TRUE(index.save().ok());
        }
        ASSERT_EQ(IdIndex::open(tree()).listed(), 0U) << "every folder stored before the operation";
        std::set<std::string> before = ids_in_use(tree());
        operation();
        std::set<std::string> after = ids_in_use(tree());
        IdIndex index = IdIndex::open(tree());
        EXPECT_EQ(ids_of(index), after) << "the ids of a full listing, new ones included";
        if (fine_grained_stamps(root())) {
            EXPECT_EQ(index.listed(), 0U) << "the operation kept the index: no folder listed again";
        }
        // A create after it takes an id no task has.
        CreateRequest request;
        request.title = "Plain task";
        Result<Changed<TaskRecord>> created = m_service.create(request);
        ASSERT_TRUE(created.ok()) << created.error().describe();
        EXPECT_EQ(after.count(created->value.id), 0U) << created->value.id;
        EXPECT_EQ(ids_of(IdIndex::open(tree())), ids_in_use(tree()));
    }

    testing::UtcTimeZone m_utc;
    TempDir m_temp;
    FixedClock m_clock;
    TaskService m_service;
};

TEST_F(IdIndexOperationsTest, ParentCreateKeepsTheIndex) {
    expect_kept([&] {
        CreateRequest parent;
        parent.title = "Other job";
        ASSERT_TRUE(m_service.create_parent(parent, {"Alpha"}).ok());
    });
}

TEST_F(IdIndexOperationsTest, AddSubtaskKeepsTheIndex) {
    expect_kept([&] {
        CreateRequest subtask;
        subtask.title = "Three";
        ASSERT_TRUE(m_service.add_subtask("big-job-11A", subtask).ok());
    });
}

TEST_F(IdIndexOperationsTest, PromoteKeepsTheIndex) {
    expect_kept([&] { ASSERT_TRUE(m_service.promote("plain-task-11A", {"Part"}).ok()); });
}

TEST_F(IdIndexOperationsTest, ExtractKeepsTheIndex) {
    expect_kept([&] {
        Result<ParentView> view = m_service.show_parent("big-job-11A");
        ASSERT_TRUE(view.ok());
        ASSERT_TRUE(m_service.extract(view->groups.front().subtasks.front().id).ok());
    });
}

TEST_F(IdIndexOperationsTest, AdoptKeepsTheIndex) {
    expect_kept([&] { ASSERT_TRUE(m_service.adopt("second-task-11A", "big-job-11A").ok()); });
}

TEST_F(IdIndexOperationsTest, MoveToTheArchiveKeepsTheIndex) {
    expect_kept([&] {
        Placement archive;
        archive.state = WorkflowState::archive;
        ASSERT_TRUE(m_service.move("plain-task-11A", archive).ok());
    });
}

TEST_F(IdIndexOperationsTest, MovingAParentKeepsTheIndex) {
    expect_kept([&] {
        Placement archive;
        archive.state = WorkflowState::archive;
        archive.archive_month = "2026-01";
        ASSERT_TRUE(m_service.move("big-job-11A", archive).ok());
    });
}

TEST_F(IdIndexOperationsTest, CompleteKeepsTheIndex) {
    expect_kept([&] { ASSERT_TRUE(m_service.complete("third-task-11A").ok()); });
}

TEST_F(IdIndexOperationsTest, DeleteKeepsTheIndex) {
    expect_kept([&] { ASSERT_TRUE(m_service.remove("second-task-11A").ok()); });
}

TEST_F(IdIndexOperationsTest, DeletingAParentKeepsTheIndex) {
    expect_kept([&] { ASSERT_TRUE(m_service.remove("big-job-11A", DeleteMode::cascade).ok()); });
}

TEST_F(IdIndexOperationsTest, ResequenceKeepsTheIndex) {
    expect_kept([&] {
        Result<ParentView> view = m_service.show_parent("big-job-11A");
        ASSERT_TRUE(view.ok());
        std::string second = view->groups.back().subtasks.front().id;
        ASSERT_TRUE(m_service.resequence("big-job-11A", {{second, "05"}}).ok());
    });
}

TEST_F(IdIndexOperationsTest, UpdateThatMovesKeepsTheIndex) {
    expect_kept([&] {
        UpdateRequest update;
        update.move_to = Placement {WorkflowState::archive, "2026-02"};
        ASSERT_TRUE(m_service.update("third-task-11A", update).ok());
    });
}

TEST_F(IdIndexOperationsTest, AParentFolderMovedThatTheIndexDidNotKnowIsStillWalkedIntoNextTime) {
    ::usleep(30'000);
    ASSERT_TRUE(IdIndex::open(tree()).save().ok());
    IdIndex::Options late {INT64_MAX / 2};
    IdIndex index = IdIndex::open(tree(), late);
    // A parent made after the index was opened (by a writer that does not lock), then moved by
    // an operation: the index never visited it, yet the move is a folder's.
    testing::write_file(root() + "/current/outside-11A/_overview.md", testing::task_text("Outside"));
    std::filesystem::create_directories(root() + "/archive/2026-01");
    std::filesystem::rename(root() + "/current/outside-11A", root() + "/archive/2026-01/outside-11A");
    index.applied(
        {{FileChangeKind::folder_created, "archive/2026-01", {}, {}, TreeKind::store},
         {FileChangeKind::renamed, "archive/2026-01/outside-11A", "current/outside-11A", {}, TreeKind::store}});
    ASSERT_TRUE(index.save().ok());
    std::set<std::string> ids = ids_of(IdIndex::open(tree(), late));
    EXPECT_EQ(ids.count("outside-11A"), 1U) << "the archive month's record names the moved folder";
    EXPECT_EQ(ids, ids_in_use(tree()));
}

}  // namespace
}  // namespace sc::tasks
