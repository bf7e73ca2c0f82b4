#pragma once
// Domain events of the task tree (docs/events.md): what each task operation records in the
// store, and how an event's recorded file changes are read back for replay.
//
// Every mutating operation becomes exactly one event whose `data` is the operation's
// ChangeRecord (tasks/change.hpp): the semantic half (fields and sections with old and new
// values, ids created, removed or renamed) says what happened; the physical half (`files`,
// with full contents for created and modified files) is what replay applies, so a rebuilt
// tree is byte-identical to the live one.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/envelope.hpp"
#include "tasks/change.hpp"
#include "util/result.hpp"

namespace sc::observe {

/// Event type names, one per operation (docs/events.md lists their data).
namespace event_types {
inline constexpr std::string_view tree_initialized = "TaskTreeInitialized";
inline constexpr std::string_view task_created = "TaskCreated";
inline constexpr std::string_view task_updated = "TaskUpdated";
inline constexpr std::string_view task_section_updated = "TaskSectionUpdated";
inline constexpr std::string_view task_log_appended = "TaskLogAppended";
inline constexpr std::string_view task_started = "TaskStarted";
inline constexpr std::string_view task_completed = "TaskCompleted";
inline constexpr std::string_view task_moved = "TaskMoved";
inline constexpr std::string_view task_archived = "TaskArchived";
inline constexpr std::string_view task_deleted = "TaskDeleted";
inline constexpr std::string_view task_promoted = "TaskPromoted";
inline constexpr std::string_view task_extracted = "TaskExtracted";
inline constexpr std::string_view task_adopted = "TaskAdopted";
inline constexpr std::string_view parent_created = "ParentCreated";
inline constexpr std::string_view subtask_added = "SubtaskAdded";
inline constexpr std::string_view subtasks_resequenced = "SubtasksResequenced";
inline constexpr std::string_view subtasks_parallelized = "SubtasksParallelized";
inline constexpr std::string_view task_changed_externally = "TaskChangedExternally";
}  // namespace event_types

/// Every task event type, for `sc events list --type` help and checks.
const std::vector<std::string_view>& task_event_types();

/// The event type an operation's change record becomes.
std::string_view event_type_for(const tasks::ChangeRecord& change);

/// `task:<id>` with a subtask's `NN_` prefix left out, so a subtask's stream survives
/// resequencing (its id's prefix changes, the task does not). A task whose file sits in a task
/// folder (a subtask: `folder` is its parent's id) has the stream `task:<folder>/<id>`, so
/// subtasks of two parents that share an id never share a stream. Events recorded before
/// this rule used `task:<id>` for subtasks too (docs/events.md, "Streams").
std::string stream_for_task(std::string_view task_id, std::string_view folder = {});

/// The stream of an operation's event: its task's, with the folder read from the path of the
/// task's own file among the change's files (every recorded change has some).
std::string stream_for_change(const tasks::ChangeRecord& change);

/// The task folder holding the file at `relative_path` (`current/p-11A/01_x-11A.task.md` ->
/// p-11A); empty when the file sits directly in a workflow or archive month folder.
std::string task_folder_of(std::string_view relative_path);

/// The event for one change record, carrying the trace context in `meta`.
store::NewEvent make_task_event(const tasks::ChangeRecord& change, const store::EventMeta& meta);

/// Reads the `files` array of an event's data back into FileChanges (ErrorCode::parse with
/// the offending index when the data is not what make_task_event writes).
Result<std::vector<tasks::FileChange>> file_changes_from_data(const nlohmann::json& data);

}  // namespace sc::observe
