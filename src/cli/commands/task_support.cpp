#include "cli/commands/task_support.hpp"

#include "tasks/project.hpp"

namespace sc::cli {

Result<observe::ObservedTaskService> open_task_service(Context& context) {
    const Result<tasks::ProjectPaths>& paths = context.project();
    if (!paths.ok())
        return paths.error();
    return observe::ObservedTaskService(tasks::TaskService::for_project(*paths, context.clock()), context.observer());
}

tasks::ListFilter read_list_filter(const Invocation& invocation, const Context& context) {
    tasks::ListFilter filter;
    filter.status = invocation.get("status");
    filter.type = invocation.get("type");
    filter.area = invocation.get("area");
    filter.assignee = invocation.get("assignee");
    filter.tags = invocation.get_all("tags");
    filter.phase = invocation.get("phase");
    filter.parent = invocation.get("parent");
    // A tree needs its parents to hang the subtasks on.
    filter.include_parents = invocation.has("include-parents") || context.globals().format == OutputFormat::tree;
    std::string location = invocation.has("all") ? "all" : invocation.get("location").value_or("current");
    filter.location = location == "all"       ? tasks::LocationScope::all
                      : location == "archive" ? tasks::LocationScope::archive
                                              : tasks::LocationScope::current;
    return filter;
}

std::vector<OptionSpec> field_options() {
    return {
        {"type", OptionKind::value, "Task type: feature, bug, chore, documentation, test, spike, idea", "TYPE", {}, {}},
        {"status",
         OptionKind::value,
         "Status: todo, in_progress, done, blocked, reviewing, archived",
         "STATUS",
         {},
         {}},
        {"priority", OptionKind::value, "Priority: highest, high, medium, low", "PRIORITY", {}, {}},
        {"area", OptionKind::value, "Area of the code base", "AREA", {}, {"subdirectory"}},
        {"phase", OptionKind::value, "Phase: backlog, active, released", "PHASE", {}, {}},
        {"assignee", OptionKind::value, "Who works on it", "NAME", {}, {}},
        {"tags", OptionKind::values, "Tags (several values after one --tags)", "TAG", {}, {}},
        {"depends", OptionKind::values, "Ids of tasks this one depends on", "ID", {}, {}},
        {"previous", OptionKind::value, "Id of the previous task in a sequence", "ID", {}, {}},
        {"next", OptionKind::value, "Id of the next task in a sequence", "ID", {}, {}},
    };
}

tasks::TaskFields read_fields(const Invocation& invocation) {
    tasks::TaskFields fields;
    fields.type = invocation.get("type");
    fields.status = invocation.get("status");
    fields.priority = invocation.get("priority");
    fields.area = invocation.get("area");
    fields.phase = invocation.get("phase");
    fields.assignee = invocation.get("assignee");
    if (invocation.has("tags"))
        fields.tags = invocation.get_all("tags");
    if (invocation.has("depends"))
        fields.depends = invocation.get_all("depends");
    fields.previous = invocation.get("previous");
    fields.next = invocation.get("next");
    return fields;
}

std::vector<OptionSpec> placement_options() {
    return {
        {"location", OptionKind::value, "Workflow folder", "WHERE", {"current", "archive"}, {}},
        {"archive-date", OptionKind::value, "Archive month folder, YYYY-MM", "YYYY-MM", {}, {"date"}},
    };
}

static bool is_year_month(const std::string& text) {
    if (text.size() != 7 || text[4] != '-')
        return false;
    for (size_t i = 0; i < text.size(); ++i)
        if (i != 4 && (text[i] < '0' || text[i] > '9'))
            return false;
    int month = (text[5] - '0') * 10 + (text[6] - '0');
    return month >= 1 && month <= 12;
}

Result<std::optional<tasks::Placement>> read_placement(const Invocation& invocation) {
    std::optional<std::string> location = invocation.get("location");
    std::optional<std::string> month = invocation.get("archive-date");
    if (!location && !month)
        return std::optional<tasks::Placement> {};
    tasks::Placement placement;
    placement.state =
        location.value_or("archive") == "archive" ? tasks::WorkflowState::archive : tasks::WorkflowState::current;
    if (month) {
        if (!is_year_month(*month))
            return make_error(ErrorCode::invalid_argument, "archive month \"" + *month + "\" is not YYYY-MM",
                              Location {"", 0, "--archive-date"}, "give a month such as 2026-11");
        if (placement.state != tasks::WorkflowState::archive)
            return make_error(ErrorCode::invalid_argument, "--archive-date only applies to the archive",
                              Location {"", 0, "--archive-date"}, "drop it, or use --location archive");
        placement.archive_month = *month;
    }
    return std::optional<tasks::Placement> {placement};
}

void report_diagnostics(Context& context, const std::vector<tasks::Diagnostic>& diagnostics) {
    for (const tasks::Diagnostic& diagnostic : diagnostics)
        context.warn(make_error(ErrorCode::parse, diagnostic.message, diagnostic.where, diagnostic.hint));
}

void report_written(Context& context, const tasks::TaskRecord& record) {
    for (const tasks::Diagnostic& diagnostic : record.document.diagnostics()) {
        Location where = diagnostic.where;
        if (where.file.empty())
            where.file = record.path;  // a new document does not know its path yet
        context.warn(make_error(ErrorCode::parse, diagnostic.message, std::move(where), diagnostic.hint));
    }
}

CommandResult task_result(const tasks::TaskRecord& record, std::string message) {
    return CommandResult {record.to_json(), View::message, std::move(message)};
}

CommandResult parent_result(const tasks::ParentView& view, std::string message) {
    nlohmann::ordered_json tasks_json = nlohmann::ordered_json::array();
    tasks_json.push_back(view.parent.to_json());
    for (const auto& group : view.groups)
        for (const tasks::TaskRecord& subtask : group.subtasks)
            tasks_json.push_back(subtask.to_json());
    return CommandResult {std::move(tasks_json), message.empty() ? View::tree : View::message, std::move(message)};
}

}  // namespace sc::cli
