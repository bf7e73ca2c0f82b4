#pragma once
// Internal helpers shared by task_service.cpp and parent_service.cpp: building and editing
// frontmatter, planning folder creation and moves, and turning a plan into a record.
// Not part of the public API.

#include <string>
#include <string_view>
#include <vector>

#include "tasks/change.hpp"
#include "tasks/task_service.hpp"

namespace sc::tasks::support {

/// A title is one non-empty line (the title line is not YAML).
Status check_title(std::string_view title);

/// The frontmatter of a new task in Scopecraft's order (type, status, area, phase, tags,
/// priority, assignee, parent, depends, previous, next, then custom fields), enum values
/// normalised. `defaults` supplies type/status/area when the request leaves them out.
Result<nlohmann::ordered_json> new_frontmatter(const TaskFields& fields);

/// Applies every set field of `fields` to `document` (existing keys rewritten in place, new
/// ones appended in the CLI's update order), normalising enum values, and also rewrites
/// non-canonical enum values already in the file (as Scopecraft does on every write).
/// Appends a FieldChange per field that really changed.
Status apply_fields(TaskDocument& document, const TaskFields& fields, std::vector<FieldChange>& changes);

/// Sets one field and records the change when the value differs.
Status set_field(TaskDocument& document, const std::string& key, const nlohmann::ordered_json& value,
                 std::vector<FieldChange>& changes);

/// Replaces a section body and records the change. Lines starting `## ` become `### ` so a
/// body can never end its own section (as Scopecraft's MCP does).
void set_section(TaskDocument& document, std::string_view name, std::string_view body,
                 std::vector<SectionChange>& changes);

/// Sections of a new document: Instruction first (when given), then the request's others.
std::vector<Section> new_sections(const std::string& instruction, const std::vector<Section>& sections);

/// folder_created changes for every missing folder of `relative_folder` (parents first).
std::vector<FileChange> create_folders(const TreeRoot& root, const std::string& relative_folder);

/// Changes removing a folder and everything in it (supporting material too): every file,
/// then the folders, deepest first.
Result<std::vector<FileChange>> remove_folder(const TreeRoot& root, const std::string& relative_folder);

/// The container folder for a placement: `current`, `archive`, `archive/YYYY-MM`.
Result<std::string> container_for(const Placement& placement, const std::string& default_month);

/// A record for a task just written: its location from the layout, its document as written.
TaskRecord record_at(const TreeRoot& root, const std::string& relative_path, TaskDocument document);

/// The subtasks of a parent folder, loaded, in sequence order (by file name).
struct LoadedSubtasks {
    std::vector<TaskRecord> subtasks;
    std::vector<Diagnostic> diagnostics;
};
LoadedSubtasks load_subtasks(const TaskLocation& parent);

/// The warning for a file a listing leaves out because it is no task (TaskDocument::is_task):
/// its first diagnostic, which names the file, as "skipped: ...".
Diagnostic skipped(const TaskDocument& document);

/// The subtasks' locations only (no file read), in sequence order.
std::vector<TaskLocation> subtask_locations(const TaskLocation& parent);

/// "YYYY-MM-DD HH:MM" local, or "YYYY-MM-DD" UTC.
std::string log_stamp(int64_t unix_nanos, LogStyle style);

/// Whether an error is the "somebody else created this name first" kind, worth retrying
/// with the next candidate id.
bool is_name_taken(const Error& error);

}  // namespace sc::tasks::support
