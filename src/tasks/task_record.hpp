#pragma once
// One task as found in a tree: where its file is, what the layout says about it (workflow
// folder, archive month, parent, sequence) and, once loaded, its document.

#include <string>

#include <nlohmann/json.hpp>

#include "tasks/document.hpp"
#include "tasks/file_stat.hpp"
#include "tasks/layout.hpp"

namespace sc::tasks {

/// Which tree a task lives in: the per-project store (`~/.scopecraft/projects/<p>/tasks`,
/// where new tasks go) or the repository's own `.tasks/` folder (read, and edited in place).
enum class TreeKind { store, project_local };

std::string_view to_string(TreeKind kind);

/// Where a task's file is and what its place in the layout means. Found by reading folders
/// only, without opening the file.
struct TaskLocation {
    std::string id;             // file name without `.task.md`, or the parent folder's name
    std::string filename;       // `add-login-page-11A.task.md`, `_overview.md`
    std::string path;           // absolute path of the file
    std::string relative_path;  // the same, relative to the tree root: `current/x-11A.task.md`
    TreeKind tree = TreeKind::store;
    WorkflowState state = WorkflowState::current;
    std::string archive_month;  // `2026-11` when inside an archive month folder, else empty
    bool is_parent = false;     // an `_overview.md` of a parent folder
    std::string parent_id;      // a subtask's parent folder (only folders with `_overview.md`)
    std::string sequence;       // a subtask's `NN`, empty otherwise
    FileStat stat;              // the file's stat when the folder's listing carried one

    [[nodiscard]] bool is_subtask() const { return !parent_id.empty() && !is_parent; }
    /// The folder holding the file, relative to the tree root (`current`, `archive/2026-11/p-11A`).
    [[nodiscard]] std::string folder() const;

    /// Scopecraft's `metadata` object: id, filename, path, location {workflowState,
    /// archiveDate?}, isParentTask, and for subtasks parentTask and sequenceNumber (when the
    /// file name has one). Legacy `backlog/` tasks show workflowState "backlog".
    [[nodiscard]] nlohmann::ordered_json metadata_json() const;
};

/// A located task with its parsed document.
struct TaskRecord : TaskLocation {
    TaskDocument document;

    /// Scopecraft's `task get --format json` object: {"metadata": ..., "document": ...}.
    [[nodiscard]] nlohmann::ordered_json to_json() const;
};

}  // namespace sc::tasks
