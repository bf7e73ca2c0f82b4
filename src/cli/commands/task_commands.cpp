// `sc task ...`: create, read, change, move and list task files.

#include <unistd.h>

#include "cli/commands/commands.hpp"
#include "cli/commands/task_support.hpp"
#include "cli/json_writer.hpp"
#include "tasks/task_tree.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;
using tasks::TaskRecord;
using TaskService = observe::ObservedTaskService;

std::vector<OptionSpec> concat(std::vector<OptionSpec> first, const std::vector<OptionSpec>& second) {
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

std::string where(const TaskRecord& record) {
    return record.relative_path;
}

Result<CommandResult> create(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    tasks::CreateRequest request;
    request.title = invocation.get("title").value_or("");
    request.fields = read_fields(invocation);
    request.instruction = invocation.get("content").value_or("");
    request.parent_id = invocation.get("parent").value_or("");
    if (auto placement = SC_TRY(read_placement(invocation)))
        request.placement = *placement;
    auto created = SC_TRY(service.create(request));
    report_written(context, created.value);
    return task_result(created.value, "Created task " + created.value.id + " (" + where(created.value) + ")");
}

Result<CommandResult> get(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    TaskRecord record = SC_TRY(service.get(invocation.argument(0)));
    for (const tasks::Diagnostic& diagnostic : record.document.diagnostics())
        context.warn(make_error(ErrorCode::parse, diagnostic.message, diagnostic.where, diagnostic.hint));
    return CommandResult {record.to_json(), View::task, ""};
}

Result<CommandResult> update(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    tasks::UpdateRequest request;
    request.title = invocation.get("title");
    request.fields = read_fields(invocation);
    request.instruction = invocation.get("content");
    if (auto parent = invocation.get("parent"))
        request.fields.parent = parent;
    request.move_to = SC_TRY(read_placement(invocation));
    auto updated = SC_TRY(service.update(invocation.argument(0), request));
    report_written(context, updated.value);
    std::string message = updated.change.empty() ? "Task " + updated.value.id + " already had those values"
                                                 : "Updated task " + updated.value.id;
    return task_result(updated.value, message);
}

Result<CommandResult> remove(const Invocation& invocation, Context& context) {
    std::string id = invocation.argument(0);
    if (!invocation.has("force"))
        return make_error(ErrorCode::invalid_argument, "not deleting " + id + " without --force",
                          "deleting removes the file for good: add --force (and --cascade for a parent)");
    TaskService service = SC_TRY(open_task_service(context));
    auto mode = invocation.has("cascade") ? tasks::DeleteMode::cascade : tasks::DeleteMode::single;
    tasks::ChangeRecord change = SC_TRY(service.remove(id, mode));
    Json data = {{"deleted", change.removed}};
    return CommandResult {data, View::message, "Deleted " + text_list(change.removed)};
}

/// What a table, tree or minimal listing shows of a task, in the shape of TaskRecord::to_json()
/// (so the renderers read both alike) but only the members they show: id, location, parent,
/// title, status, type and priority.
Json listing_summary(const tasks::TaskLocation& task, const tasks::ListedTask& listed) {
    Json location = {{"workflowState", std::string(tasks::to_string(task.state))}};
    if (!task.archive_month.empty())
        location["archiveDate"] = task.archive_month;
    Json metadata = {{"id", task.id}, {"location", std::move(location)}};
    if (task.is_subtask())
        metadata["parentTask"] = task.parent_id;
    return {{"metadata", std::move(metadata)},
            {"document", {{"title", std::string(listed.title)}, {"frontmatter", Json::parse(listed.shown_fields)}}}};
}

Result<CommandResult> list(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    tasks::ListFilter filter = read_list_filter(invocation, context);
    if (context.globals().format == OutputFormat::json) {
        // Streamed a task at a time: memory stays flat whatever the size of the tree.
        TaskListJsonWriter writer([&context](std::string_view piece) { context.write_out(piece); });
        std::vector<tasks::Diagnostic> diagnostics = SC_TRY(service.visit_listed(
            filter,
            [&writer](const tasks::TaskLocation& task, const tasks::ListedTask& listed) {
                writer.add(task, listed.document);
            },
            nullptr, tasks::ListedFields::document));
        writer.finish();
        report_diagnostics(context, diagnostics);
        CommandResult result {Json(), View::task_list, ""};
        result.streamed = true;
        return result;
    }
    // Tables, trees and minimal lines show a few fields: keep only those, not whole documents.
    Json data = Json::array();
    std::vector<tasks::Diagnostic> diagnostics =
        SC_TRY(service.visit_listed(filter, [&data](const tasks::TaskLocation& task, const tasks::ListedTask& listed) {
            data.push_back(listing_summary(task, listed));
        }));
    report_diagnostics(context, diagnostics);
    return CommandResult {std::move(data), View::task_list, ""};
}

Result<CommandResult> set_status(const Invocation& invocation, Context& context, const char* status) {
    TaskService service = SC_TRY(open_task_service(context));
    tasks::UpdateRequest request;
    request.fields.status = status;
    auto updated = SC_TRY(service.update(invocation.argument(0), request));
    return task_result(updated.value, "Task " + updated.value.id + " is now " + status);
}

Result<CommandResult> start(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    auto started = SC_TRY(service.start(invocation.argument(0)));
    return task_result(started.value, "Started task " + started.value.id);
}

Result<CommandResult> complete(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    auto completed = SC_TRY(service.complete(invocation.argument(0), invocation.get("archive-date").value_or("")));
    return task_result(completed.value, "Completed task " + completed.value.id + ", now in " + where(completed.value));
}

Result<CommandResult> move(const Invocation& invocation, Context& context) {
    int targets =
        int(invocation.has("to-archive")) + int(invocation.has("to-current")) + int(invocation.has("location"));
    if (targets != 1)
        return make_error(ErrorCode::invalid_argument, "say where to move the task",
                          "use exactly one of --to-archive, --to-current or --location current|archive");
    tasks::Placement target;
    if (invocation.has("to-archive") || invocation.get("location") == "archive")
        target.state = tasks::WorkflowState::archive;
    if (auto month = invocation.get("archive-date")) {
        Invocation placement_only;
        placement_only.add_option("location", {"archive"});
        placement_only.add_option("archive-date", {*month});
        auto checked = SC_TRY(read_placement(placement_only));
        if (target.state != tasks::WorkflowState::archive)
            return make_error(ErrorCode::invalid_argument, "--archive-date only applies when moving to the archive");
        target = *checked;
    }
    TaskService service = SC_TRY(open_task_service(context));
    auto moved = SC_TRY(service.move(invocation.argument(0), target));
    return task_result(moved.value, "Moved task " + moved.value.id + " to " + where(moved.value));
}

Result<CommandResult> section(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    std::string id = invocation.argument(0);
    std::string name = invocation.argument(1);
    std::optional<std::string> body = invocation.get("set");
    if (invocation.has("stdin")) {
        if (body)
            return make_error(ErrorCode::invalid_argument, "--set and --stdin both give the new text",
                              "use one of them");
        std::string input;
        char buffer[8192];
        ssize_t got = 0;
        // Read no further than a task file may hold: a section longer than that could never be
        // written (tasks::apply_file_changes refuses the file), and a runaway pipe would
        // otherwise be held in memory whole.
        while ((got = ::read(0, buffer, sizeof buffer)) > 0) {
            input.append(buffer, static_cast<size_t>(got));
            if (input.size() > tasks::k_max_task_file_bytes)
                return make_error(ErrorCode::invalid_argument,
                                  "the text on stdin is larger than 8 MiB, the most sc reads of a task file",
                                  "keep large material in a file of its own and link to it from the task");
        }
        // Piped text ends in a newline (`echo`, a file) that is not part of the section, as a
        // shell's $(...) drops it: kept, it became one more blank line before the next heading.
        while (!input.empty() && input.back() == '\n')
            input.pop_back();
        body = input;
    }
    if (!body) {
        std::string text = SC_TRY(service.section(id, name));
        return CommandResult {Json {{"id", id}, {"section", name}, {"body", text}}, View::text, text};
    }
    auto updated = SC_TRY(service.set_section(id, name, *body));
    return task_result(updated.value, "Updated section " + name + " of " + updated.value.id);
}

Result<CommandResult> log(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    auto style = invocation.has("utc-date") ? tasks::LogStyle::utc_date : tasks::LogStyle::local_date_time;
    auto updated = SC_TRY(service.append_log(invocation.argument(0), invocation.argument(1), style));
    return task_result(updated.value, "Logged on " + updated.value.id);
}

Result<CommandResult> promote(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    auto promoted = SC_TRY(service.promote(invocation.argument(0), invocation.get_all("subtask")));
    return parent_result(promoted.value, "Promoted " + invocation.argument(0) + " to parent task " +
                                             promoted.value.parent.id + " (" + promoted.value.parent.relative_path +
                                             ")");
}

Result<CommandResult> extract(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    auto extracted = SC_TRY(service.extract(invocation.argument(0)));
    return task_result(extracted.value, "Extracted " + invocation.argument(0) + " as " + extracted.value.id + " (" +
                                            extracted.value.relative_path + ")");
}

Result<CommandResult> adopt(const Invocation& invocation, Context& context) {
    if (!invocation.get("parent"))
        return make_error(ErrorCode::invalid_argument, "adopt needs the parent to put the task in",
                          Location {{}, 0, "parent"}, "add --parent PARENT_ID");
    TaskService service = SC_TRY(open_task_service(context));
    auto adopted = SC_TRY(service.adopt(invocation.argument(0), invocation.get("parent").value_or(""),
                                        invocation.get("sequence").value_or("")));
    return task_result(adopted.value, "Moved " + invocation.argument(0) + " into " + adopted.value.parent_id + " as " +
                                          adopted.value.id);
}

}  // namespace

std::string text_list(const std::vector<std::string>& items) {
    std::string joined;
    for (const std::string& item : items)
        joined += (joined.empty() ? "" : ", ") + item;
    return joined;
}

void register_task_commands(Registry& registry) {
    registry.add_group({"task", "Create, show, change, move and list tasks"});
    if (!registry.wants("task"))
        return;
    const ArgumentSpec id {"id", "Task id, e.g. add-login-page-11A", true};

    registry.add({
        .group = "task",
        .name = "create",
        .summary = "Create a task in current/ (or a subtask with --parent)",
        .description = "Defaults: type feature, status todo, area general. Values are normalised: "
                       "\"To Do\", \"wip\" and \"🔼 High\" are accepted.",
        .arguments = {},
        .options = concat(concat({{"title", OptionKind::value, "Title (required)", "TEXT", {}, {}},
                                  {"content", OptionKind::value, "Text of the Instruction section", "TEXT", {}, {}},
                                  {"parent", OptionKind::value, "Create it as a subtask of this parent", "ID", {}, {}}},
                                 field_options()),
                          placement_options()),
        .examples = {"sc task create --title 'Add login page' --type feature --priority high --tags ui auth"},
        .mutates = true,
        .handler = create,
    });
    registry.add({
        .group = "task",
        .name = "get",
        .summary = "Show a task",
        .description = "",
        .arguments = {id},
        .options = {},
        .examples = {"sc task get add-login-page-11A", "sc task get add-login-page-11A --format json"},
        .mutates = false,
        .handler = get,
    });
    registry.add({
        .group = "task",
        .name = "update",
        .summary = "Change a task's fields, title or Instruction; only those bytes change",
        .description = "The id and file name never change with the title.",
        .arguments = {id},
        .options = concat(concat({{"title", OptionKind::value, "New title", "TEXT", {}, {}},
                                  {"content", OptionKind::value, "New Instruction section", "TEXT", {}, {}},
                                  {"parent", OptionKind::value, "The frontmatter field `parent`", "ID", {}, {}}},
                                 field_options()),
                          placement_options()),
        .examples = {"sc task update add-login-page-11A --status wip --assignee carol"},
        .mutates = true,
        .handler = update,
    });
    registry.add({
        .group = "task",
        .name = "delete",
        .summary = "Delete a task (a parent with --cascade)",
        .description = "",
        .arguments = {id},
        .options = {{"force", OptionKind::flag, "Really delete", "", {}, {}},
                    {"cascade", OptionKind::flag, "Delete a parent with all its subtasks", "", {}, {}}},
        .examples = {"sc task delete old-experiment-11A --force"},
        .mutates = true,
        .handler = remove,
    });
    registry.add({
        .group = "task",
        .name = "list",
        .summary = "List tasks, filtered",
        .description = "Lists current/ by default. Filters combine; enum filters accept labels and aliases.",
        .arguments = {},
        .options = {{"status", OptionKind::value, "Only this status", "STATUS", {}, {}},
                    {"type", OptionKind::value, "Only this type", "TYPE", {}, {}},
                    {"area", OptionKind::value, "Only this area", "AREA", {}, {"subdirectory"}},
                    {"assignee", OptionKind::value, "Only tasks of this person", "NAME", {}, {}},
                    {"tags", OptionKind::values, "Only tasks with any of these tags", "TAG", {}, {}},
                    {"phase", OptionKind::value, "Only this phase", "PHASE", {}, {}},
                    {"location", OptionKind::value, "Which folders", "WHERE", {"current", "archive", "all"}, {}},
                    {"all", OptionKind::flag, "Current and archive (same as --location all)", "", {}, {}},
                    {"parent", OptionKind::value, "Only subtasks of this parent", "ID", {}, {}},
                    {"include-parents", OptionKind::flag, "Also list parents' overviews", "", {}, {}}},
        .examples = {"sc task list --status todo", "sc task list --all --format json", "sc task list --format tree"},
        .mutates = false,
        .handler = list,
    });
    registry.add({
        .group = "task",
        .name = "start",
        .summary = "Mark a task in progress",
        .description = "",
        .arguments = {id},
        .options = {},
        .examples = {"sc task start add-login-page-11A"},
        .mutates = true,
        .handler = start,
    });
    registry.add({
        .group = "task",
        .name = "complete",
        .summary = "Mark a task done and archive it into archive/YYYY-MM/",
        .description = "",
        .arguments = {id},
        .options =
            {{"archive-date", OptionKind::value, "Archive month (default: this month)", "YYYY-MM", {}, {"date"}}},
        .examples = {"sc task complete add-login-page-11A"},
        .mutates = true,
        .handler = complete,
    });
    registry.add({
        .group = "task",
        .name = "block",
        .summary = "Mark a task blocked",
        .description = "",
        .arguments = {id},
        .options = {},
        .examples = {},
        .mutates = true,
        .handler = [](const Invocation& invocation,
                      Context& context) { return set_status(invocation, context, "blocked"); },
    });
    registry.add({
        .group = "task",
        .name = "review",
        .summary = "Mark a task ready for review",
        .description = "",
        .arguments = {id},
        .options = {},
        .examples = {},
        .mutates = true,
        .handler = [](const Invocation& invocation,
                      Context& context) { return set_status(invocation, context, "reviewing"); },
    });
    registry.add({
        .group = "task",
        .name = "move",
        .summary = "Move a task (a parent as one folder) between current/ and archive/",
        .description = "Status never moves files and moving never changes status.",
        .arguments = {id},
        .options =
            {{"to-archive", OptionKind::flag, "Into archive/YYYY-MM/", "", {}, {}},
             {"to-current", OptionKind::flag, "Back into current/", "", {}, {}},
             {"location", OptionKind::value, "Target folder", "WHERE", {"current", "archive"}, {}},
             {"archive-date", OptionKind::value, "Archive month (default: this month)", "YYYY-MM", {}, {"date"}}},
        .examples = {"sc task move ship-release-11A --to-archive", "sc task move x-11A --to-archive --date 2025-01"},
        .mutates = true,
        .handler = move,
    });
    registry.add({
        .group = "task",
        .name = "section",
        .summary = "Print a section of a task, or replace it with --set / --stdin",
        .description = "Section names match case-insensitively: instruction, tasks, deliverable, log, or any other.",
        .arguments = {id, {"name", "Section name", true}},
        .options = {{"set", OptionKind::value, "Replace the section's text", "TEXT", {}, {}},
                    {"stdin",
                     OptionKind::flag,
                     "Replace the section's text with standard input (final newlines dropped)",
                     "",
                     {},
                     {}}},
        .examples = {"sc task section add-login-page-11A tasks",
                     "sc task section add-login-page-11A deliverable --set 'A login form with tests.'"},
        .mutates = true,
        .handler = section,
    });
    registry.add({
        .group = "task",
        .name = "log",
        .summary = "Append a timestamped entry to a task's Log",
        .description = "Writes `- YYYY-MM-DD HH:MM: text` (local time); --utc-date writes Scopecraft's MCP form "
                       "`- YYYY-MM-DD: text`.",
        .arguments = {id, {"text", "The entry", true}},
        .options = {{"utc-date", OptionKind::flag, "Date only, in UTC", "", {}, {}}},
        .examples = {"sc task log add-login-page-11A 'Form renders; validation next'"},
        .mutates = true,
        .handler = log,
    });
    registry.add({
        .group = "task",
        .name = "promote",
        .summary = "Turn a task into a parent folder, optionally with subtasks",
        .description = "The task's file becomes the parent's _overview.md, unchanged. The id is chosen while the "
                       "old file exists, so its letter usually moves on, as in Scopecraft.",
        .arguments = {id},
        .options = {{"subtask", OptionKind::values, "Titles of subtasks to add", "TITLE", {}, {}}},
        .examples = {"sc task promote export-reports-11A --subtask 'CSV export' 'PDF export'"},
        .mutates = true,
        .handler = promote,
    });
    registry.add({
        .group = "task",
        .name = "extract",
        .summary = "Take a subtask out of its parent, as a plain task beside the parent",
        .description = "The file moves unchanged; the id loses its NN_ prefix (another letter when a task has it).",
        .arguments = {{"id", "Subtask id, e.g. 02_csv-export-11B", true}},
        .options = {},
        .examples = {"sc task extract 02_csv-export-11B"},
        .mutates = true,
        .handler = extract,
    });
    registry.add({
        .group = "task",
        .name = "adopt",
        .summary = "Put a plain task into a parent as its subtask",
        .description = "The file moves unchanged and is named NN_<id>, so the old id still finds it. Without "
                       "--sequence it goes after the last subtask.",
        .arguments = {id},
        .options = {{"parent", OptionKind::value, "The parent to put it in", "ID", {}, {}},
                    {"sequence", OptionKind::value, "Its sequence number, two digits", "NN", {}, {}}},
        .examples = {"sc task adopt csv-export-11C --parent export-reports-11B --sequence 02"},
        .mutates = true,
        .handler = adopt,
    });
}

}  // namespace sc::cli
