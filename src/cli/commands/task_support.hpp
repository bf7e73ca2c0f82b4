#pragma once
// Shared by the task and parent commands: opening the project's TaskService, reading task
// fields from options, and turning records into results.

#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/context.hpp"
#include "observe/observed_tasks.hpp"
#include "tasks/task_service.hpp"

namespace sc::cli {

/// Opens the project's task tree, observed by the invocation's observer (when telemetry is on).
Result<observe::ObservedTaskService> open_task_service(Context& context);

/// The options every command that writes frontmatter accepts.
std::vector<OptionSpec> field_options();

/// The filter of `task list` from its options (the MCP task_list tool reads the same).
tasks::ListFilter read_list_filter(const Invocation& invocation, const Context& context);
/// Reads those options into TaskFields (unset options stay unset).
tasks::TaskFields read_fields(const Invocation& invocation);

/// `--location current|archive` and `--archive-date YYYY-MM` (alias `--date`).
std::vector<OptionSpec> placement_options();
Result<std::optional<tasks::Placement>> read_placement(const Invocation& invocation);

/// Prints unreadable files and duplicate ids found while scanning as warnings.
void report_diagnostics(Context& context, const std::vector<tasks::Diagnostic>& diagnostics);

/// Prints what is odd in a file just written (a "---" Scopecraft would take for a delimiter, a
/// required field missing, ...) as warnings naming the file.
void report_written(Context& context, const tasks::TaskRecord& record);

/// A task record as a result: JSON in Scopecraft's shape, and a one-line confirmation.
CommandResult task_result(const tasks::TaskRecord& record, std::string message);
/// A parent and its subtasks (sequence order) as a list result, drawn as a tree by default.
CommandResult parent_result(const tasks::ParentView& view, std::string message);

}  // namespace sc::cli
