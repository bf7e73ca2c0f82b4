#pragma once
// Every task operation of `sc task`, `sc parent` and `sc init`, as a library: it returns data
// and change records and never prints (docs/layout.md, "Operations").
//
// Each mutating operation plans its FileChanges against the tree as it is, then applies them
// with apply_file_changes() while holding the tree's writer lock, and returns the
// ChangeRecord it applied. Values of type, status, priority and phase are normalised through
// the schema before anything is written; an unknown value is an error naming the valid ones.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tasks/change.hpp"
#include "tasks/id_allocator.hpp"
#include "tasks/listed_task.hpp"
#include "tasks/project.hpp"
#include "tasks/task_tree.hpp"
#include "util/clock.hpp"

namespace sc::tasks {

/// Frontmatter values as a user gave them. Unset fields are left alone (update) or take
/// their default (create: type feature, status todo, area general).
struct TaskFields {
    std::optional<std::string> type;
    std::optional<std::string> status;
    std::optional<std::string> area;
    std::optional<std::string> phase;
    std::optional<std::string> priority;
    std::optional<std::string> assignee;
    std::optional<std::vector<std::string>> tags;
    std::optional<std::string> parent;  // the frontmatter field `parent`, not a folder
    std::optional<std::vector<std::string>> depends;
    std::optional<std::string> previous;
    std::optional<std::string> next;
    /// Any other field, written after the known ones; a null value removes it (update).
    std::vector<std::pair<std::string, nlohmann::ordered_json>> custom;
};

/// Where a task goes: a workflow folder and, for the archive, an optional month
/// (`YYYY-MM`; empty means "the archive folder itself" on create and "the current local
/// month" on move).
struct Placement {
    WorkflowState state = WorkflowState::current;
    std::string archive_month;
};

struct CreateRequest {
    std::string title;
    TaskFields fields;
    std::string instruction;        // the Instruction section (`--content`)
    std::vector<Section> sections;  // other sections by name (Tasks, Deliverable, Log, custom)
    std::string parent_id;          // non-empty: create a subtask of this parent
    Placement placement;            // ignored for subtasks (they go into the parent's folder)
};

struct UpdateRequest {
    std::optional<std::string> title;  // changes the title line only, never the id
    TaskFields fields;
    std::optional<std::string> instruction;
    std::vector<Section> sections;
    std::optional<Placement> move_to;  // move after updating (`task update --location`)
};

/// Filters of `task list`; every set filter must match. Enum filters are normalised, so
/// `--status "To Do"` finds todo tasks (Scopecraft compares stored text; see docs).
struct ListFilter {
    std::optional<std::string> status;
    std::optional<std::string> type;
    std::optional<std::string> area;
    std::optional<std::string> assignee;
    std::vector<std::string> tags;  // a task matches when it has any of them
    std::optional<std::string> phase;
    LocationScope location = LocationScope::current;
    std::optional<std::string> parent;  // only subtasks of this parent
    /// Scopecraft's `task list` leaves parents' overviews out; MCP's task_list shows them.
    bool include_parents = false;
};

struct ListResult {
    std::vector<TaskRecord> tasks;
    std::vector<Diagnostic> diagnostics;  // unreadable files, duplicate ids, symlinks
};

/// A mutation's result and what it changed.
template <class T>
struct Changed {
    T value;
    ChangeRecord change;
};

enum class DeleteMode { single, cascade };

/// How a listing was served (TaskService::visit_listed): entries copied from the listing cache,
/// and files read and parsed.
struct ListingCounts {
    size_t cached = 0;
    size_t read = 0;
    size_t vouched = 0;  // of the cached: listed without a stat, on the watch service's word
};

/// `- YYYY-MM-DD HH:MM: text` in local time (the default), or `- YYYY-MM-DD: text` with the
/// UTC date, the form Scopecraft's MCP `add_log_entry` writes.
enum class LogStyle { local_date_time, utc_date };

/// A parent and its subtasks in sequence order; subtasks sharing a sequence number form one
/// parallel group.
struct ParentView {
    TaskRecord parent;
    struct Group {
        std::string sequence;
        std::vector<TaskRecord> subtasks;
    };
    std::vector<Group> groups;
    std::vector<Diagnostic> diagnostics;
};

struct SequenceAssignment {
    std::string subtask;   // a subtask id, with or without `NN_`, or its name part
    std::string sequence;  // "01".."99"
};

class TaskService {
public:
    TaskService(TaskTree tree, const Clock& clock, RandomSource random = default_random_source());
    /// The project's store tree plus its `.tasks/` tree when that exists.
    static TaskService for_project(const ProjectPaths& paths, const Clock& clock,
                                   RandomSource random = default_random_source());

    [[nodiscard]] const TaskTree& tree() const { return m_tree; }

    /// Creates `current/` and `archive/` in the store tree (and the store's `config/` when
    /// `config_dir` is given). Existing folders are kept; the change lists what was made.
    Result<ChangeRecord> init(const std::string& config_dir = {});

    Result<Changed<TaskRecord>> create(const CreateRequest& request);
    Result<TaskRecord> get(std::string_view id) const;
    Result<ListResult> list(const ListFilter& filter) const;
    /// The tasks list() would return, in the same order, handed to `visit` one at a time and
    /// not kept: memory stays flat however many tasks there are (each is the visitor's to move
    /// from or drop). Gives the same diagnostics as list().
    Result<std::vector<Diagnostic>> visit(const ListFilter& filter,
                                          const std::function<void(TaskRecord&&)>& visit) const;
    /// What `sc task list` runs: the tasks visit() would give, in the same order and with the
    /// same diagnostics, as ListedTask summaries. A file whose stat matches its entry in the
    /// listing cache (docs/layout.md, "The listing cache") is not read; the others are read,
    /// parsed and their entries saved for the next listing.
    /// `fields`: what the visitor reads of each ListedTask (with a filter on the other members,
    /// they are decoded anyway).
    Result<std::vector<Diagnostic>> visit_listed(
        const ListFilter& filter, const std::function<void(const TaskLocation&, const ListedTask&)>& visit,
        ListingCounts* counts = nullptr, ListedFields fields = ListedFields::all) const;
    Result<Changed<TaskRecord>> update(std::string_view id, const UpdateRequest& request);
    /// A parent needs DeleteMode::cascade, which removes its folder and everything in it.
    Result<ChangeRecord> remove(std::string_view id, DeleteMode mode = DeleteMode::single);

    /// status: in_progress.
    Result<Changed<TaskRecord>> start(std::string_view id);
    /// status: done, then archived into `archive/<month>/` (the current local month when
    /// empty). A task already in the archive only changes status, and so does a subtask: it
    /// stays in its parent's folder, which moves when the parent is completed or archived.
    Result<Changed<TaskRecord>> complete(std::string_view id, std::string archive_month = {});
    /// Moves a task (a parent as one folder) between current/ and archive/; moving to where it
    /// is already is an error. A subtask moved alone goes to `<target>/<parent-id>/`. A parent
    /// whose target folder exists without `_overview.md` (subtasks an older version archived
    /// alone) is merged into it, entry by entry.
    Result<Changed<TaskRecord>> move(std::string_view id, const Placement& target);

    /// A section's body ("" when absent); the name matches case-insensitively.
    Result<std::string> section(std::string_view id, std::string_view name) const;
    Result<Changed<TaskRecord>> set_section(std::string_view id, std::string_view name, std::string_view body);
    Result<Changed<TaskRecord>> append_log(std::string_view id, std::string_view text,
                                           LogStyle style = LogStyle::local_date_time);

    /// A parent folder `<id>/` with `_overview.md`. Defaults as the CLI's `parent create`:
    /// phase backlog, the Instruction "This is a parent task that will be broken down into
    /// subtasks." and a three-item Tasks checklist, each unless given. `subtask_titles` are
    /// added in order.
    Result<Changed<ParentView>> create_parent(const CreateRequest& request,
                                              const std::vector<std::string>& subtask_titles = {});
    /// A subtask with the next sequence number (highest + 1).
    Result<Changed<TaskRecord>> add_subtask(std::string_view parent_id, CreateRequest request);
    Result<ParentView> show_parent(std::string_view parent_id) const;
    /// Renames the listed subtasks to the given sequence numbers; others keep theirs.
    Result<Changed<ParentView>> resequence(std::string_view parent_id,
                                           const std::vector<SequenceAssignment>& assignments);
    /// Gives the chosen subtasks (at least two) one number, the lowest of theirs or
    /// `target`, and renumbers every other subtask after it, in their old order.
    Result<Changed<ParentView>> parallelize(std::string_view parent_id, const std::vector<std::string>& subtasks,
                                            std::string target = {});
    /// Turns a plain task into a parent: a new folder whose id is chosen while the old file
    /// still exists (so the letter usually moves on), holding the task's bytes unchanged as
    /// `_overview.md`, then the given subtasks; the old file goes.
    Result<Changed<ParentView>> promote(std::string_view id, const std::vector<std::string>& subtask_titles = {});
    /// Takes a subtask out of its parent: a plain task beside the parent's folder, its bytes
    /// unchanged, its id the subtask's without `NN_` (another letter when a task has it).
    Result<Changed<TaskRecord>> extract(std::string_view subtask_id);
    /// Puts a plain task into a parent as a subtask, its bytes unchanged, named
    /// `NN_<its id>` (so the old id still finds it): `sequence` NN, or after the last subtask.
    Result<Changed<TaskRecord>> adopt(std::string_view id, std::string_view parent_id, std::string sequence = {});

private:
    TaskTree m_tree;
    const Clock& m_clock;
    RandomSource m_random;
};

}  // namespace sc::tasks
