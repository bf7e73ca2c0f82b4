#pragma once
// Internal helpers shared by task_service.cpp and parent_service.cpp: building and editing
// frontmatter, planning folder creation and moves, and turning a plan into a record.
// Not part of the public API.

#include <string>
#include <string_view>
#include <vector>

#include "tasks/change.hpp"
#include "tasks/id_index.hpp"
#include "tasks/task_service.hpp"

namespace sc::tasks::support {

/// A title is one non-empty line (the title line is not YAML).
Status check_title(std::string_view title);

/// The frontmatter of a new task in Scopecraft's order (type, status, area, phase, tags,
/// priority, assignee, parent, depends, previous, next, then custom fields), enum values
/// normalised. `defaults` supplies type/status/area when the request leaves them out.
Result<nlohmann::ordered_json> new_frontmatter(const TaskFields& fields);

/// Applies every set field of `fields` to `document` (existing keys rewritten in place, new
/// ones appended in the CLI's update order), normalising the enum values given. Fields not
/// given keep their bytes, a non-canonical `priority: High` included. Appends a FieldChange
/// per field that really changed.
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

/// Changes moving every entry of `from_folder` (hidden ones too) into the existing folder
/// `to_folder`, one rename each, then removing the emptied `from_folder`: how a parent joins
/// the partial folder an older `sc` left when it archived subtasks alone. An entry present in
/// both is an error (ErrorCode::already_exists) naming it.
Result<std::vector<FileChange>> merge_folder(const TreeRoot& root, const std::string& from_folder,
                                             const std::string& to_folder);

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

/// The tree's id index for an operation that creates, moves or removes task files, opened under
/// the writers' lock the operation holds and saved when it goes (derived data: a save that
/// fails changes nothing). Changes applied through it are recorded in it, so the next create
/// lists none of the folders they touched (docs/layout.md, "The id index").
struct KeptIdIndex {
    explicit KeptIdIndex(const TaskTree& tree) : index(IdIndex::open(tree)) {}
    ~KeptIdIndex() { (void)index.save(); }
    KeptIdIndex(const KeptIdIndex&) = delete;
    KeptIdIndex& operator=(const KeptIdIndex&) = delete;
    /// apply_file_changes(), then the changes it applied recorded in the index.
    Status apply(const TreeRoots& roots, const std::vector<FileChange>& changes);
    /// The ids in use, for IdCandidates, leaving out `except` (ids that are free once the
    /// operation is done: an extracted subtask's own).
    IdVisitor ids(std::vector<std::string> except = {}) const;

    IdIndex index;
};

}  // namespace sc::tasks::support
