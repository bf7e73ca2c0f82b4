#pragma once
// The shape of a task tree on disk (docs/layout.md): workflow folders, archive month folders,
// parent folders with `_overview.md`, task and subtask file names, and the checks that keep a
// user-given id or path inside the tree.

#include <optional>
#include <string>
#include <string_view>

#include "tasks/naming.hpp"
#include "util/result.hpp"

namespace sc::tasks {

/// A workflow folder. `backlog` is the pre-2.x layout's folder: read, listed with the current
/// tasks, never written to.
enum class WorkflowState { current, archive, backlog };

std::string_view to_string(WorkflowState state);
/// "current" / "archive" / "backlog" (exact, lower case).
std::optional<WorkflowState> parse_workflow_state(std::string_view name);

/// Created in the tasks root to serialise writers; hidden, so never listed or replayed.
inline constexpr std::string_view k_lock_filename = ".sc-tasks.lock";

/// A task file name split into its parts: `NN_name-MML.task.md` gives sequence "NN" and id
/// `NN_name-MML`; a plain `name-MML.task.md` gives no sequence.
struct TaskFileName {
    std::string id;        // the file name without `.task.md`
    std::string sequence;  // "NN" for a subtask-style name, else empty
    std::string base_id;   // the id without its `NN_` / `NN-` prefix
};

/// Parses a file name ending in `.task.md`; nullopt for anything else (hidden files,
/// `_overview.md`, supporting `.md` material, editor backups).
std::optional<TaskFileName> parse_task_filename(std::string_view filename);

/// What parse_task_filename() finds, as sizes within the name (no string made): the id is the
/// first `id_size` bytes, the sequence the first `sequence_size` (0 or 2).
struct TaskFileNameParts {
    size_t id_size = 0;
    size_t sequence_size = 0;
};
std::optional<TaskFileNameParts> task_filename_parts(std::string_view filename);

/// True for an archive month folder name `YYYY-MM` (month 01..12).
bool is_month_folder(std::string_view name);

/// Checks a user-given archive month: `YYYY-MM` with a month from 01 to 12.
Status validate_archive_month(std::string_view month);

/// Checks that a user-given task id can name a file or folder inside the tree: not empty, no
/// `/`, `\`, NUL or control character, not `.`/`..`, not starting with `.` (hidden files are
/// ours), at most 255 bytes. Errors are ErrorCode::unsafe_path.
Status validate_id_for_path(std::string_view id);

/// Checks a path relative to a tasks root (as found in change records): no absolute path, no
/// empty, `.` or `..` component, no NUL. Errors are ErrorCode::unsafe_path.
Status validate_relative_path(std::string_view relative_path);

/// "YYYY-MM" sorts chronologically as text, so month folders sort newest first by comparing
/// names in reverse.
bool newer_month_first(const std::string& left, const std::string& right);

}  // namespace sc::tasks
