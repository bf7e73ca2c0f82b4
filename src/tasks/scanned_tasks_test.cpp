// A scan's tasks kept compactly (tasks/scanned_tasks.hpp) read back as the TaskLocations the
// scan describes, also when one TaskLocation is reused from task to task (as a listing does):
// nothing of the previous task may be left in it.
#include "tasks/scanned_tasks.hpp"

#include <gtest/gtest.h>

namespace sc::tasks {
namespace {

void expect_same(const TaskLocation& a, const TaskLocation& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.filename, b.filename);
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.relative_path, b.relative_path);
    EXPECT_EQ(a.tree, b.tree);
    EXPECT_EQ(a.state, b.state);
    EXPECT_EQ(a.archive_month, b.archive_month);
    EXPECT_EQ(a.is_parent, b.is_parent);
    EXPECT_EQ(a.parent_id, b.parent_id);
    EXPECT_EQ(a.sequence, b.sequence);
    EXPECT_EQ(a.stat.known, b.stat.known);
    EXPECT_EQ(a.stat.inode, b.stat.inode);
}

ScannedTasks sample() {
    FileStat stat;
    stat.known = true;
    stat.inode = 7;
    ScannedTasks tasks;
    tasks.add_root(TreeKind::store, "/tree");
    tasks.add_folder("current", {}, {}, WorkflowState::current);
    tasks.add_task("a-long-task-name-for-the-heap-11A.task.md", ScannedTasks::Kind::plain, 33, 0, stat);
    tasks.add_folder("current/parent-one-11B", "parent-one-11B", {}, WorkflowState::current);
    tasks.add_task("_overview.md", ScannedTasks::Kind::overview, 0, 0, {});
    tasks.add_task("02_second-step-11C.task.md", ScannedTasks::Kind::subtask, 18, 2, stat);
    tasks.add_folder("archive/2026-11", {}, "2026-11", WorkflowState::archive);
    tasks.add_task("b-11D.task.md", ScannedTasks::Kind::plain, 5, 0, {});
    ScannedTasks local;
    local.add_root(TreeKind::project_local, "/repo/.tasks");
    local.add_folder("backlog/loose-11E", "loose-11E", {}, WorkflowState::backlog);
    local.add_task("03_x-11F.task.md", ScannedTasks::Kind::plain, 8, 0, stat);
    tasks.append(std::move(local));
    return tasks;
}

TEST(ScannedTasks, EachTaskReadsBackAsItsLayoutSaysWithAllMembersSet) {
    ScannedTasks tasks = sample();
    ASSERT_EQ(tasks.size(), 5U);
    TaskLocation subtask = tasks.location(2);
    EXPECT_EQ(subtask.id, "02_second-step-11C");
    EXPECT_EQ(subtask.filename, "02_second-step-11C.task.md");
    EXPECT_EQ(subtask.relative_path, "current/parent-one-11B/02_second-step-11C.task.md");
    EXPECT_EQ(subtask.path, "/tree/current/parent-one-11B/02_second-step-11C.task.md");
    EXPECT_EQ(subtask.parent_id, "parent-one-11B");
    EXPECT_EQ(subtask.sequence, "02");
    EXPECT_TRUE(subtask.is_subtask());
    TaskLocation overview = tasks.location(1);
    EXPECT_EQ(overview.id, "parent-one-11B");
    EXPECT_TRUE(overview.is_parent);
    EXPECT_TRUE(overview.parent_id.empty());
    TaskLocation archived = tasks.location(3);
    EXPECT_EQ(archived.archive_month, "2026-11");
    EXPECT_EQ(archived.state, WorkflowState::archive);
    EXPECT_EQ(archived.id, "b-11D");
    TaskLocation local = tasks.location(4);
    EXPECT_EQ(local.tree, TreeKind::project_local);
    EXPECT_EQ(local.path, "/repo/.tasks/backlog/loose-11E/03_x-11F.task.md");
    EXPECT_EQ(local.state, WorkflowState::backlog);
    EXPECT_TRUE(local.sequence.empty());  // a plain task: its folder has no overview
    EXPECT_TRUE(local.parent_id.empty());
    EXPECT_EQ(tasks.id(1), "parent-one-11B");
    EXPECT_EQ(tasks.parent_id(2), "parent-one-11B");
    EXPECT_EQ(tasks.parent_id(0), "");
}

TEST(ScannedTasks, AReusedLocationHoldsNothingOfThePreviousTask) {
    ScannedTasks tasks = sample();
    for (size_t order : {0, 1}) {
        TaskLocation reused;
        TaskLocation next;
        size_t previous = tasks.size();  // none
        for (size_t step = 0; step < tasks.size(); ++step) {
            size_t i = order == 0 ? step : tasks.size() - 1 - step;
            tasks.location(i, reused);
            expect_same(reused, tasks.location(i));
            tasks.next_location(i, previous, next);  // from the previous task of the loop
            expect_same(next, tasks.location(i));
            previous = i;
        }
    }
}

}  // namespace
}  // namespace sc::tasks
