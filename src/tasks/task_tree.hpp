#pragma once
// Reading a task tree: scanning its folders for task files (readdir only, no file opened),
// finding a task by id in Scopecraft's lookup order, and loading documents. Bad files never
// stop a scan: they become diagnostics naming the file and, where known, the line.

#include <string>
#include <string_view>
#include <vector>

#include "tasks/scanned_tasks.hpp"
#include "tasks/task_record.hpp"
#include "util/result.hpp"

namespace sc::tasks {

/// One tree to read: its kind and absolute root folder (the folder holding `current/`).
struct TreeRoot {
    TreeKind kind = TreeKind::store;
    std::string path;
};

/// Which workflow folders a listing covers. `current` includes the legacy `backlog/` folder.
enum class LocationScope { current, archive, all };

struct TreeScan {
    std::vector<TaskLocation> tasks;  // current, backlog, archive (root, then months newest first)
    std::vector<Diagnostic> diagnostics;
};

/// The same scan with its tasks kept compactly (tasks/scanned_tasks.hpp): what a listing walks.
struct ScannedTree {
    ScannedTasks tasks;
    std::vector<Diagnostic> diagnostics;
};

/// Task files of one tree, in listing order: per folder, tasks by name, then each parent's
/// `_overview.md` followed by its subtasks in sequence order. Symlinks are skipped with a
/// diagnostic (a link could lead out of the tree). A missing tree gives an empty scan.
/// With `stat_files`, each location carries its file's stat (TaskLocation::stat), taken beside
/// the folder's listing: what the listing cache validates with.
TreeScan scan_tree(const TreeRoot& root, LocationScope scope, bool stat_files = false);
/// scan_tree() without a TaskLocation per task.
ScannedTree scan_tree_compact(const TreeRoot& root, LocationScope scope, bool stat_files = false);

/// The files of one parent folder: its `_overview.md` then its subtasks by file name (which
/// is sequence order). `parent` is the parent's location (its `_overview.md`).
TreeScan scan_parent_folder(const TreeRoot& root, const TaskLocation& parent);

/// What the layout says about the file at `relative_path` in `root` (workflow folder,
/// archive month, parent or subtask or plain task), as a scan would report it. Used after
/// a write, without rescanning the tree.
TaskLocation locate(const TreeRoot& root, std::string_view relative_path);

/// Nothing, or a folder, at `path`: anything else (a file where the tree needs a folder) is
/// ErrorCode::io "<path> is not a folder", with what to do.
Status require_folder_or_nothing(const std::string& path);

/// The largest task file read: a hand-written task is a few KB, and a file of hundreds of MB
/// would otherwise be held in memory whole by every listing that meets it.
inline constexpr size_t k_max_task_file_bytes = size_t {8} << 20;

/// Reads and parses one task file. Errors name the file (and line, for frontmatter syntax); a
/// file larger than k_max_task_file_bytes is refused after reading no more than that.
Result<TaskRecord> load_record(const TaskLocation& location);

/// The task tree of a project: the store tree (where new tasks go) and, optionally, the
/// repository's `.tasks/` tree, read after it.
class TaskTree {
public:
    explicit TaskTree(TreeRoot store, std::vector<TreeRoot> extra = {});

    [[nodiscard]] const TreeRoot& store() const { return m_store; }
    [[nodiscard]] const std::vector<TreeRoot>& roots() const { return m_roots; }
    /// The absolute root folder of a tree kind (the store's when the kind is not configured).
    [[nodiscard]] const std::string& root_path(TreeKind kind) const;

    /// ErrorCode::not_found with "run `sc init`" when the store tree does not exist;
    /// ErrorCode::io naming the path when the tree root or its `current/` is not a folder.
    [[nodiscard]] Status require_initialised() const;

    /// All trees' task files, plus a diagnostic for each id claimed by more than one file.
    [[nodiscard]] Result<TreeScan> scan(LocationScope scope, bool stat_files = false) const;
    /// scan() without a TaskLocation per task: the same tasks and diagnostics, in the same order.
    [[nodiscard]] Result<ScannedTree> scan_compact(LocationScope scope, bool stat_files = false) const;

    /// Every location claiming `id`, best first in Scopecraft's lookup order: store tree
    /// before `.tasks/`; current, backlog, archive (its root, then months newest first); in
    /// each, the file `<id>.task.md`, then a parent folder `<id>/`, then subtasks of parent
    /// folders, then files in folders without `_overview.md`. When nothing has exactly this
    /// id, a subtask whose id without its `NN_` prefix equals it is found instead (sequence
    /// numbers change on resequencing; the rest of the id does not). `<parent-id>/<subtask-id>`
    /// finds the subtask (by either form of its id) in that parent's folder only: the name that
    /// tells apart twins, subtasks of different parents with one id. Each id is checked for
    /// path safety first (ErrorCode::unsafe_path).
    [[nodiscard]] Result<std::vector<TaskLocation>> find_all(std::string_view id) const;

    /// The best location for `id`; ErrorCode::not_found when none.
    [[nodiscard]] Result<TaskLocation> find(std::string_view id) const;
    /// The best location for `id`, refusing (ErrorCode::conflict, both paths named) when two
    /// files claim it: used before changing anything. For subtasks the hint gives the
    /// parent-qualified ids that name each one.
    [[nodiscard]] Result<TaskLocation> find_unique(std::string_view id) const;
    /// find() and load_record().
    [[nodiscard]] Result<TaskRecord> get(std::string_view id) const;

private:
    Result<std::vector<TaskLocation>> find_qualified(std::string_view parent_id, std::string_view subtask_id) const;

    TreeRoot m_store;
    std::vector<TreeRoot> m_roots;  // the store first
};

}  // namespace sc::tasks
