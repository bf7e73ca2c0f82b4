// `sc parent ...`: parent tasks (folders with _overview.md) and their ordered subtasks.

#include "cli/commands/commands.hpp"
#include "cli/commands/task_support.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;
using TaskService = observe::ObservedTaskService;

Result<CommandResult> create(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    tasks::CreateRequest request;
    request.title = invocation.get("title").value_or("");
    request.fields = read_fields(invocation);
    request.instruction = invocation.get("description").value_or("");
    auto created = SC_TRY(service.create_parent(request, invocation.get_all("subtask")));
    report_written(context, created.value.parent);
    return parent_result(created.value, "Created parent task " + created.value.parent.id + " (" +
                                            created.value.parent.relative_path + ")");
}

Result<CommandResult> add_subtask(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    tasks::CreateRequest request;
    request.title = invocation.get("title").value_or("");
    request.fields = read_fields(invocation);
    request.instruction = invocation.get("content").value_or("");
    auto added = SC_TRY(service.add_subtask(invocation.argument(0), request));
    report_written(context, added.value);
    return task_result(added.value, "Added subtask " + added.value.id + " (" + added.value.relative_path + ")");
}

Result<CommandResult> show(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    tasks::ParentView view = SC_TRY(service.show_parent(invocation.argument(0)));
    report_diagnostics(context, view.diagnostics);
    return parent_result(view, "");
}

Result<CommandResult> list(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    tasks::ListFilter filter;
    filter.include_parents = true;
    filter.location = invocation.has("all") ? tasks::LocationScope::all : tasks::LocationScope::current;
    tasks::ListResult listed = SC_TRY(service.list(filter));
    report_diagnostics(context, listed.diagnostics);
    Json data = Json::array();
    for (const tasks::TaskRecord& record : listed.tasks)
        if (record.is_parent)
            data.push_back(record.to_json());
    return CommandResult {std::move(data), View::task_list, ""};
}

Result<CommandResult> move(const Invocation& invocation, Context& context) {
    if (invocation.has("to-archive") == invocation.has("to-current"))
        return make_error(ErrorCode::invalid_argument, "say where to move the parent",
                          "use exactly one of --to-archive or --to-current");
    tasks::Placement target;
    target.state = invocation.has("to-archive") ? tasks::WorkflowState::archive : tasks::WorkflowState::current;
    if (auto month = invocation.get("archive-date")) {
        Invocation placement_only;
        placement_only.add_option("location", {"archive"});
        placement_only.add_option("archive-date", {*month});
        target = *SC_TRY(read_placement(placement_only));
    }
    TaskService service = SC_TRY(open_task_service(context));
    auto moved = SC_TRY(service.move(invocation.argument(0), target));
    return task_result(moved.value, "Moved parent " + moved.value.id + " to " + moved.value.folder());
}

Result<CommandResult> resequence(const Invocation& invocation, Context& context) {
    std::vector<tasks::SequenceAssignment> assignments;
    for (const std::string& pair : invocation.get_all("set")) {
        size_t equals = pair.rfind('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == pair.size())
            return make_error(ErrorCode::invalid_argument, "\"" + pair + "\" is not SUBTASK=NN",
                              Location {"", 0, "--set"}, "write e.g. --set design-token-format-11Y=03");
        assignments.push_back({pair.substr(0, equals), pair.substr(equals + 1)});
    }
    if (assignments.empty())
        return make_error(ErrorCode::invalid_argument, "nothing to resequence", "give one or more --set SUBTASK=NN");
    TaskService service = SC_TRY(open_task_service(context));
    auto changed = SC_TRY(service.resequence(invocation.argument(0), assignments));
    return parent_result(changed.value, "Resequenced subtasks of " + changed.value.parent.id);
}

Result<CommandResult> parallelize(const Invocation& invocation, Context& context) {
    TaskService service = SC_TRY(open_task_service(context));
    auto changed = SC_TRY(service.parallelize(invocation.argument(0), invocation.get_all("subtasks"),
                                              invocation.get("sequence").value_or("")));
    return parent_result(changed.value, "Subtasks of " + changed.value.parent.id + " now run in parallel");
}

std::vector<OptionSpec> with(std::vector<OptionSpec> first, const std::vector<OptionSpec>& second) {
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

}  // namespace

void register_parent_commands(Registry& registry) {
    registry.add_group({"parent", "Parent tasks and their ordered subtasks"});
    if (!registry.wants("parent"))
        return;
    const ArgumentSpec parent {"parent", "Parent task id", true};

    registry.add({
        .group = "parent",
        .name = "create",
        .summary = "Create a parent task folder with its _overview.md",
        .description = "Defaults as Scopecraft's CLI: phase backlog, a starter Instruction and checklist.",
        .arguments = {},
        .options = with({{"title", OptionKind::value, "Title (required)", "TEXT", {}, {}},
                         {"description", OptionKind::value, "Text of the Instruction section", "TEXT", {}, {}},
                         {"subtask", OptionKind::values, "Titles of subtasks to add, in order", "TITLE", {}, {}}},
                        field_options()),
        .examples = {"sc parent create --title 'User authentication overhaul' --type feature --subtask 'Design' "
                     "'Build'"},
        .mutates = true,
        .handler = create,
    });
    registry.add({
        .group = "parent",
        .name = "add-subtask",
        .summary = "Add a subtask with the next sequence number",
        .description = "",
        .arguments = {parent},
        .options = with({{"title", OptionKind::value, "Title (required)", "TEXT", {}, {}},
                         {"content", OptionKind::value, "Text of the Instruction section", "TEXT", {}, {}}},
                        field_options()),
        .examples = {"sc parent add-subtask user-authentication-overhaul-11A --title 'Design token format'"},
        .mutates = true,
        .handler = add_subtask,
    });
    registry.add({
        .group = "parent",
        .name = "show",
        .summary = "Show a parent and its subtasks as a tree, in sequence order",
        .description = "Subtasks sharing a sequence number run in parallel.",
        .arguments = {parent},
        .options = {},
        .examples = {"sc parent show user-authentication-overhaul-11A"},
        .mutates = false,
        .handler = show,
    });
    registry.add({
        .group = "parent",
        .name = "list",
        .summary = "List parent tasks",
        .description = "",
        .arguments = {},
        .options = {{"all", OptionKind::flag, "Include the archive", "", {}, {}}},
        .examples = {"sc parent list"},
        .mutates = false,
        .handler = list,
    });
    registry.add({
        .group = "parent",
        .name = "move",
        .summary = "Move a parent folder between current/ and archive/",
        .description = "",
        .arguments = {parent},
        .options =
            {{"to-archive", OptionKind::flag, "Into archive/YYYY-MM/", "", {}, {}},
             {"to-current", OptionKind::flag, "Back into current/", "", {}, {}},
             {"archive-date", OptionKind::value, "Archive month (default: this month)", "YYYY-MM", {}, {"date"}}},
        .examples = {"sc parent move quarterly-cleanup-11A --to-archive"},
        .mutates = true,
        .handler = move,
    });
    registry.add({
        .group = "parent",
        .name = "resequence",
        .summary = "Give subtasks new sequence numbers (renames their files)",
        .description = "",
        .arguments = {parent},
        .options = {{"set", OptionKind::values, "SUBTASK=NN pairs", "SUBTASK=NN", {}, {}}},
        .examples = {"sc parent resequence search-revamp-11A --set pick-an-index-library-11R=01"},
        .mutates = true,
        .handler = resequence,
    });
    registry.add({
        .group = "parent",
        .name = "parallelize",
        .summary = "Make subtasks share one sequence number, renumbering the rest after them",
        .description = "",
        .arguments = {parent},
        .options = {{"subtasks", OptionKind::values, "The subtasks (two or more)", "SUBTASK", {}, {}},
                    {"sequence", OptionKind::value, "The shared number (default: the lowest of theirs)", "NN", {}, {}}},
        .examples =
            {"sc parent parallelize search-revamp-11A --subtasks build-the-indexer-11S build-the-query-api-11T"},
        .mutates = true,
        .handler = parallelize,
    });
}

}  // namespace sc::cli
