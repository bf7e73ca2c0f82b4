// Scopecraft's parent tools: parent_list, parent_get, parent_create and parent_operations,
// over the registry's `parent` commands and the same task service.

#include "cli/commands/task_support.hpp"
#include "mcp/scopecraft_support.hpp"
#include "mcp/tool.hpp"
#include "util/activity.hpp"

namespace sc::mcp::detail {

using cli::Invocation;

namespace {

Json progress_of(const Json& subtasks) {
    int64_t total = 0;
    int64_t done = 0;
    for (const Json& subtask : subtasks) {
        ++total;
        std::string status = canonical(tasks::EnumKind::status, frontmatter_of(subtask).value("status", Json()));
        done += status == "done" || status == "archived";
    }
    return {{"total", total}, {"completed", done}, {"percentage", total == 0 ? 0 : done * 100 / total}};
}

}  // namespace

Result<Json> parent_list(const Json& arguments, ToolCall& call) {
    std::string location = SC_TRY(list_location(arguments, false));
    Invocation invocation;
    if (location != "current")
        invocation.add_option("all", {});
    Json listed = SC_TRY(call.command("parent", "list", invocation));
    std::optional<std::string> area = text_of(arguments, "area");
    bool with_progress = arguments.value("include_progress", true);
    bool with_subtasks = arguments.value("include_subtasks", false);
    Json kept = Json::array();
    Json progress = Json::object();
    Json subtasks = Json::object();
    uint64_t done = 0;
    for (Json& parent : listed) {
        // Each parent's tree is read in turn: a client may follow, and stop, a long walk.
        call.progress(done++, listed.size());
        if (activity::cancelled())
            return sc::make_error(ErrorCode::cancelled, "the listing was cancelled");
        if (location == "archive" && parent["metadata"]["location"].value("workflowState", "") != "archive")
            continue;
        if (area && frontmatter_of(parent).value("area", Json()) != *area)
            continue;
        std::string id = parent["metadata"].value("id", "");
        if (with_progress || with_subtasks) {
            Invocation show;
            show.add_argument(id);
            Json tree = SC_TRY(call.command("parent", "show", show));
            Json children = Json::array();
            for (size_t i = 1; i < tree.size(); ++i)
                children.push_back(std::move(tree[i]));
            if (with_progress)
                progress[id] = progress_of(children);
            if (with_subtasks)
                subtasks[id] = std::move(children);
        }
        kept.push_back(std::move(parent));
    }
    Json result = success(std::move(kept));
    // Beside `data`, so `data` stays exactly `sc parent list --format json`.
    if (with_progress)
        result["progress"] = std::move(progress);
    if (with_subtasks)
        result["subtasks"] = std::move(subtasks);
    return result;
}

Result<Json> parent_get(const Json& arguments, ToolCall& call) {
    Invocation invocation;
    invocation.add_argument(arguments.value("id", ""));
    Json tree = SC_TRY(call.command("parent", "show", invocation));
    return success(std::move(tree));
}

Result<Json> parent_create(const Json& arguments, ToolCall& call) {
    observe::ObservedTaskService service = SC_TRY(call.service());
    tasks::CreateRequest request;
    request.title = arguments.value("title", "");
    request.fields.type = text_of(arguments, "type");
    request.fields.area = text_of(arguments, "area").value_or("general");
    request.fields.status = text_of(arguments, "status").value_or("todo");
    request.fields.priority = text_of(arguments, "priority").value_or("medium");
    request.fields.assignee = text_of(arguments, "assignee");
    if (auto tags = arguments.find("tags"); tags != arguments.end())
        request.fields.tags = tags->get<std::vector<std::string>>();
    request.instruction = text_of(arguments, "overview_content").value_or("");
    std::string location = arguments.value("location", "current");
    if (location != "current" && location != "archive")
        return invalid("location \"" + location + "\" is not a workflow folder", "use \"current\" or \"archive\"");
    request.placement.state = location == "archive" ? tasks::WorkflowState::archive : tasks::WorkflowState::current;
    std::vector<std::string> titles;
    const Json subtasks = arguments.value("subtasks", Json::array());
    for (const Json& subtask : subtasks)
        titles.push_back(subtask.value("title", ""));
    auto created = SC_TRY(service.create_parent(request, titles));
    tasks::ParentView view = std::move(created.value);
    // `sequence` gives a subtask its number; `parallel_with` names another subtask (by title or
    // id) whose number it shares. Only the named subtasks are renamed (resequence), so the
    // others keep their order.
    for (size_t i = 0; i < subtasks.size(); ++i) {
        auto sequence = text_of(subtasks[i], "sequence");
        auto with = text_of(subtasks[i], "parallel_with");
        if (!sequence && !with)
            continue;
        std::string mine;
        std::string theirs_sequence;
        for (const auto& group : view.groups)
            for (const tasks::TaskRecord& record : group.subtasks) {
                if (record.document.title() == titles[i] && mine.empty())
                    mine = record.id;
                if (with && (record.document.title() == *with || record.id == *with))
                    theirs_sequence = record.sequence;
            }
        if (with && theirs_sequence.empty())
            return invalid("subtask \"" + titles[i] + "\": parallel_with \"" + *with + "\" names no other subtask",
                           "give the title or id of another subtask in the list");
        std::string target = sequence ? *sequence : theirs_sequence;
        view = SC_TRY(service.resequence(view.parent.id, {tasks::SequenceAssignment {mine, target}})).value;
    }
    std::string id = view.parent.id;
    return success(cli::parent_result(view, "").data, "Created parent task " + id);
}

Result<Json> parent_operations(const Json& arguments, ToolCall& call) {
    std::string parent = arguments.value("parent_id", "");
    std::string operation = arguments.value("operation", "");
    if (operation == "resequence") {
        auto map = arguments.find("sequence_map");
        if (map == arguments.end() || map->empty())
            return invalid("resequence needs sequence_map", "give [{\"id\": SUBTASK, \"sequence\": \"NN\"}, ...]");
        Invocation invocation;
        invocation.add_argument(parent);
        std::vector<std::string> pairs;
        for (const Json& entry : *map)
            pairs.push_back(entry.value("id", "") + "=" + entry.value("sequence", ""));
        invocation.add_option("set", pairs);
        return success(SC_TRY(call.command("parent", "resequence", invocation)), "Resequenced subtasks of " + parent);
    }
    if (operation == "parallelize") {
        auto ids = arguments.find("subtask_ids");
        if (ids == arguments.end() || ids->size() < 2)
            return invalid("parallelize needs two or more subtask_ids");
        Invocation invocation;
        invocation.add_argument(parent);
        invocation.add_option("subtasks", ids->get<std::vector<std::string>>());
        pass(invocation, arguments, "target_sequence", "sequence");
        return success(SC_TRY(call.command("parent", "parallelize", invocation)),
                       "Subtasks of " + parent + " now run in parallel");
    }
    // add_subtask
    auto subtask = arguments.find("subtask");
    if (subtask == arguments.end())
        return invalid("add_subtask needs subtask", "give {\"title\": ...}");
    Invocation invocation;
    invocation.add_argument(parent);
    pass(invocation, *subtask, "title", "title");
    pass(invocation, *subtask, "type", "type");
    Json added = SC_TRY(call.command("parent", "add-subtask", invocation));
    // Scopecraft ignores `after` and `sequence`; we honour an explicit sequence.
    if (auto sequence = text_of(*subtask, "sequence")) {
        Invocation renumber;
        renumber.add_argument(parent);
        renumber.add_option("set", {added["metadata"].value("id", "") + "=" + *sequence});
        if (Result<Json> renumbered = call.command("parent", "resequence", renumber); !renumbered.ok())
            return std::move(renumbered).error();
        Invocation get;
        get.add_argument(parent);
        Json tree = SC_TRY(call.command("parent", "show", get));
        for (Json& task : tree)
            if (task["document"].value("title", "") == added["document"].value("title", "") && is_subtask(task))
                added = task;
    }
    return success(std::move(added), "Added subtask to " + parent);
}

}  // namespace sc::mcp::detail
