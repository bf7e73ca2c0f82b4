// Scopecraft's MCP tools, with its names, parameters and defaults (scopecraft-tools.json is its
// server's own `tools/list` answer, embedded at build time). Each runs the registry command the
// CLI runs, or the same service with the CLI's result shape, so `data` is what
// `sc ... --format json` prints. Where Scopecraft's server does not do what its schema says
// (the ignored `location` filter, `adopt`), we do what the schema says (docs/mcp.md).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "cli/commands/task_support.hpp"
#include "cli/json_writer.hpp"
#include "cli/search_handler.hpp"
#include "mcp/scopecraft_support.hpp"
#include "mcp/tool.hpp"
#include "mcp/tool_call.hpp"
#include "tasks/schema.hpp"
#include "util/files.hpp"

extern const char* const sc_scopecraft_tools_json;

namespace sc::mcp {

using namespace detail;

namespace {

using cli::Invocation;

// Replaces each local {"$ref": "#/..."} by what it points at: the schemas stand alone.
void inline_refs(Json& node, const Json& root) {
    if (node.is_object()) {
        if (auto ref = node.find("$ref"); ref != node.end() && ref->is_string() && ref->get<std::string>()[0] == '#') {
            Json target = root.at(Json::json_pointer(ref->get<std::string>().substr(1)));
            node.erase("$ref");
            for (auto& [key, value] : target.items())
                if (!node.contains(key))
                    node[key] = value;
        }
        for (auto& [key, value] : node.items())
            inline_refs(value, root);
    } else if (node.is_array()) {
        for (Json& item : node)
            inline_refs(item, root);
    }
}

const Json& scopecraft_spec(const std::string& name) {
    static const Json tools = [] {
        Json parsed = Json::parse(sc_scopecraft_tools_json);
        Json by_name = Json::object();
        for (Json& tool : parsed["tools"]) {
            Json schema = tool["inputSchema"];
            // Draft-07 in Scopecraft's answer; the keywords used mean the same in 2020-12, the
            // dialect MCP assumes when a schema names none.
            schema.erase("$schema");
            const Json root = schema;
            inline_refs(schema, root);
            tool["inputSchema"] = std::move(schema);
            std::string key = tool["name"].get<std::string>();
            by_name[key] = std::move(tool);
        }
        return by_name;
    }();
    return tools.at(name);
}

Tool scopecraft_tool(const std::string& name, Json data_schema,
                     std::function<Result<Json>(const Json&, ToolCall&)> run) {
    const Json& spec = scopecraft_spec(name);
    Tool tool;
    tool.name = name;
    tool.title = spec["annotations"].value("title", name);
    tool.description = spec.value("description", "");
    tool.input_schema = spec["inputSchema"];
    tool.output_schema = envelope_schema(std::move(data_schema));
    tool.read_only = spec["annotations"].value("readOnlyHint", false);
    tool.destructive = spec["annotations"].value("destructiveHint", false);
    tool.idempotent = spec["annotations"].value("idempotentHint", false);
    tool.run = std::move(run);
    return tool;
}

// A frontmatter member of a listed task as canonical() reads it, from the listing's compact
// JSON of the status, type and priority members (ListedTask::shown_fields): parsed only when
// a member nests or the string holds an escape. Otherwise `"key":` can only be the member's
// key (inside a JSON string every quote is escaped), and its string is what follows it.
// `marker` is the key as it opens the member, `"status":`. Called twice per listed task: the
// scans are plain loops (find_first_of of two bytes called memchr per byte).
Json listed_member(std::string_view shown, std::string_view key, std::string_view marker) {
    bool nested = std::find_if(shown.begin() + (shown.empty() ? 0 : 1), shown.end(),
                               [](char c) { return c == '{' || c == '['; }) != shown.end();
    if (!nested) {
        size_t at = shown.find(marker);
        if (at == std::string_view::npos)
            return Json();
        size_t value = at + marker.size();
        if (value >= shown.size() || shown[value] != '"')
            return Json();  // not a string: canonical() takes strings only
        size_t end = shown.find('"', value + 1);
        if (end != std::string_view::npos) {
            std::string_view text = shown.substr(value + 1, end - value - 1);
            if (text.find('\\') == std::string_view::npos)
                return std::string(text);
        }
    }
    Json members = Json::parse(shown, nullptr, false);
    return members.is_object() ? members.value(std::string(key), Json()) : Json();
}

Result<Json> task_list(const Json& arguments, ToolCall& call) {
    Invocation invocation;
    for (const char* key : {"type", "status", "phase", "area", "assignee"})
        pass(invocation, arguments, key, key);
    pass_list(invocation, arguments, "tags", "tags");
    std::string location = SC_TRY(list_location(arguments, arguments.value("include_archived", false)));
    invocation.add_option("location", {location});
    std::string structure = arguments.value("task_type", "top-level");
    bool parents = arguments.value("include_parent_tasks", true) && structure != "simple" && structure != "subtask";
    if (parents)
        invocation.add_option("include-parents", {});
    // `sc task list` (the registry's filter, the listing cache and the JSON writer), with
    // Scopecraft's further filters applied a task at a time, and written as text: on 1,000
    // tasks, building a JSON tree and serialising it twice (structured and text content) cost
    // more than the listing itself, and reading every file instead of the listing cache's
    // copy of those unchanged cost three times the CLI's listing.
    tasks::ListFilter filter = cli::read_list_filter(invocation, call.context());
    observe::ObservedTaskService service = SC_TRY(call.service());
    std::string priority;
    if (auto wanted = text_of(arguments, "priority"))
        priority = canonical(tasks::EnumKind::priority, *wanted);
    bool completed = arguments.value("include_completed", false);
    std::string listed;
    cli::TaskListJsonWriter writer([&listed](std::string_view piece) { listed += piece; },
                                   arguments.value("include_content", false));
    std::vector<tasks::Diagnostic> diagnostics =
        SC_TRY(service.visit_listed(filter, [&](const tasks::TaskLocation& task, const tasks::ListedTask& entry) {
            bool subtask = task.is_subtask();
            bool parent = task.is_parent;
            if ((structure == "simple" && (subtask || parent)) || (structure == "parent" && !parent) ||
                (structure == "subtask" && !subtask) || (structure == "top-level" && subtask))
                return;
            if (!completed) {
                std::string status =
                    canonical(tasks::EnumKind::status, listed_member(entry.shown_fields, "status", R"("status":)"));
                if (status == "done" || status == "archived")
                    return;
            }
            if (!priority.empty() && canonical(tasks::EnumKind::priority, listed_member(entry.shown_fields, "priority",
                                                                                        R"("priority":)")) != priority)
                return;
            writer.add(task, entry.document);
        }));
    writer.finish();
    cli::report_diagnostics(call.context(), diagnostics);
    call.answer_serialised(R"({"success":true,"data":)" + minify(listed) + R"(,"message":")" +
                           std::to_string(writer.count()) + R"( tasks"})");
    return Json();
}

// `sc task get` (the same service call and warnings as its handler), written as text by the
// listing's JSON writer, which writes a record byte for byte as dump() writes the CLI's JSON
// of it (a test checks): a call spent a third of its time building the record as a JSON tree
// with ordered members and serialising it.
Result<Json> task_get(const Json& arguments, ToolCall& call) {
    std::string id = arguments.value("id", "");
    observe::ObservedTaskService service = SC_TRY(call.service());
    tasks::TaskRecord record = SC_TRY(service.get(id));
    cli::report_diagnostics(call.context(), record.document.diagnostics());
    if (auto parent = text_of(arguments, "parent_id");
        parent && (record.is_subtask() ? record.parent_id : std::string()) != *parent)
        return sc::make_error(ErrorCode::not_found, "task " + id + " is not a subtask of " + *parent,
                              "leave parent_id out, or give the parent the task belongs to");
    std::string listed;
    cli::TaskListJsonWriter writer([&listed](std::string_view piece) { listed += piece; },
                                   arguments.value("format", "full") != "summary");
    writer.add(record);
    writer.finish();
    std::string array = minify(listed);  // [{...}]
    std::string_view task = std::string_view(array).substr(1, array.size() - 2);
    std::string answer = R"({"success":true,"data":)";
    answer.reserve(answer.size() + task.size() + 1);
    answer += task;
    answer += '}';
    call.answer_serialised(std::move(answer));
    return Json();
}

Result<Json> task_create(const Json& arguments, ToolCall& call) {
    Invocation invocation;
    pass(invocation, arguments, "title", "title");
    for (const char* key : {"type", "area", "phase", "assignee"})
        pass(invocation, arguments, key, key);
    // Scopecraft's MCP defaults: status todo, priority medium (always written).
    invocation.add_option("status", {text_of(arguments, "status").value_or("todo")});
    invocation.add_option("priority", {text_of(arguments, "priority").value_or("medium")});
    pass(invocation, arguments, "parent_id", "parent");
    pass_list(invocation, arguments, "tags", "tags");
    Json task = SC_TRY(call.command("task", "create", invocation));
    std::string id = task["metadata"].value("id", "");
    return success(std::move(task), "Created task " + id);
}

// Section text through MCP: a line starting "## " would open a new section, so Scopecraft
// writes it as "### " (format.md); so do we.
std::string demote_headings(const std::string& text) {
    std::string out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (line.rfind("## ", 0) == 0)
            line.insert(0, "#");
        out += line;
        if (end == std::string::npos)
            break;
        out += '\n';
        start = end + 1;
    }
    return out;
}

Result<Json> task_update(const Json& arguments, ToolCall& call) {
    std::string id = arguments.value("id", "");
    const Json updates = arguments.value("updates", Json::object());
    Invocation fields;
    fields.add_argument(id);
    pass(fields, updates, "title", "title");
    for (const char* key : {"status", "priority", "area", "assignee"})
        pass(fields, updates, key, key);
    pass_list(fields, updates, "tags", "tags");
    if (auto metadata = updates.find("metadata"); metadata != updates.end())
        for (const char* key : {"type", "status", "priority", "area", "assignee", "phase"})
            pass(fields, *metadata, key, key);
    std::optional<std::string> instruction = text_of(updates, "instruction");
    if (!instruction)
        instruction = text_of(updates, "content");
    if (instruction)
        fields.add_option("content", {demote_headings(*instruction)});
    Json task = SC_TRY(call.command("task", "update", fields));
    for (const char* section : {"tasks", "deliverable", "log"}) {
        if (auto body = text_of(updates, section)) {
            Invocation set;
            set.add_argument(id);
            set.add_argument(section);
            set.add_option("set", {demote_headings(*body)});
            task = SC_TRY(call.command("task", "section", set));
        }
    }
    if (auto entry = text_of(updates, "add_log_entry")) {
        Invocation log;
        log.add_argument(id);
        log.add_argument(*entry);
        log.add_option("utc-date", {});
        task = SC_TRY(call.command("task", "log", log));
    }
    return success(std::move(task), "Updated task " + id);
}

Result<Json> task_move(const Json& arguments, ToolCall& call) {
    std::string target = arguments.value("target_state", "");
    if (target != "current" && target != "archive")
        return invalid("target_state \"" + target + "\" is not a workflow folder", "use \"current\" or \"archive\"");
    Invocation invocation;
    invocation.add_argument(arguments.value("id", ""));
    invocation.add_option("location", {target});
    pass(invocation, arguments, "archive_date", "archive-date");
    // update_status: Scopecraft 2.1.6 changes no status on a move, whatever it says; nor do we.
    Json task = SC_TRY(call.command("task", "move", invocation));
    return success(std::move(task), "Moved task to " + target);
}

Result<Json> task_delete(const Json& arguments, ToolCall& call) {
    Invocation invocation;
    invocation.add_argument(arguments.value("id", ""));
    invocation.add_option("force", {});
    if (arguments.value("cascade", false))
        invocation.add_option("cascade", {});
    Json deleted = SC_TRY(call.command("task", "delete", invocation));
    return success(std::move(deleted), "Deleted " + arguments.value("id", ""));
}

Result<Json> task_transform(const Json& arguments, ToolCall& call) {
    std::string operation = arguments.value("operation", "");
    std::string id = arguments.value("id", "");
    if (operation == "extract") {
        // parent_id, when given, names the parent the subtask must be in (`PARENT/SUBTASK`).
        Invocation invocation;
        auto parent = text_of(arguments, "parent_id");
        invocation.add_argument(parent ? *parent + "/" + id : id);
        Json task = SC_TRY(call.command("task", "extract", invocation));
        std::string message = "Extracted " + id + " as " + task["metadata"].value("id", "");
        return success(std::move(task), message);
    }
    if (operation == "adopt") {
        auto target = text_of(arguments, "target_parent_id");
        if (!target)
            return invalid("adopt needs target_parent_id", "give the id of the parent to adopt the task into");
        std::optional<std::string> sequence = text_of(arguments, "sequence");
        if (auto after = text_of(arguments, "after"); after && !sequence) {
            // After that subtask: it takes the next number, and the subtasks after it move
            // one on, so it does not run in parallel with the one that followed.
            Invocation show;
            show.add_argument(*target);
            Json tree = SC_TRY(call.command("parent", "show", show));
            int anchor = -1;
            for (size_t i = 1; i < tree.size(); ++i) {
                const Json& metadata = tree[i]["metadata"];
                std::string subtask = metadata.value("id", "");
                if (subtask == *after || (subtask.size() > 3 && subtask.substr(3) == *after))
                    anchor = std::stoi(metadata.value("sequenceNumber", "0"));
            }
            if (anchor < 0)
                return invalid("after \"" + *after + "\" is not a subtask of " + *target,
                               "give the id of one of its subtasks, or use sequence");
            char buffer[16];
            std::snprintf(buffer, sizeof buffer, "%02d", anchor + 1);
            sequence = buffer;
            Invocation shift;
            shift.add_argument(*target);
            std::vector<std::string> pairs;
            for (size_t i = 1; i < tree.size(); ++i) {
                const Json& metadata = tree[i]["metadata"];
                int number = std::stoi(metadata.value("sequenceNumber", "0"));
                if (number > anchor) {
                    std::snprintf(buffer, sizeof buffer, "%02d", number + 1);
                    pairs.push_back(metadata.value("id", "") + "=" + buffer);
                }
            }
            if (!pairs.empty()) {
                shift.add_option("set", pairs);
                if (Result<Json> shifted = call.command("parent", "resequence", shift); !shifted.ok())
                    return std::move(shifted).error();
            }
        }
        Invocation invocation;
        invocation.add_argument(id);
        invocation.add_option("parent", {*target});
        if (sequence)
            invocation.add_option("sequence", {*sequence});
        Json task = SC_TRY(call.command("task", "adopt", invocation));
        return success(std::move(task), "Adopted " + id + " into " + *target);
    }
    Invocation invocation;
    invocation.add_argument(id);
    pass_list(invocation, arguments, "initial_subtasks", "subtask");
    return success(SC_TRY(call.command("task", "promote", invocation)), "Promoted " + id);
}

Json root_json(ToolCall& call) {
    Result<tasks::ProjectPaths> paths = call.context().project();
    if (!paths.ok())
        return {{"configured", false}, {"error", paths.error().describe()}};
    const char* sources[] = {"option", "environment", "git_repository", "current_directory"};
    return {{"configured", true},
            {"projectRoot", paths->project_root},
            {"source", sources[static_cast<int>(paths->root_source)]},
            {"mainRoot", paths->main_root},
            {"tasksDir", paths->tasks_dir},
            {"configDir", paths->config_dir}};
}

Json root_schema() {
    return {{"type", "object"},
            {"properties",
             {{"configured", {{"type", "boolean"}}},
              {"projectRoot", {{"type", "string"}}},
              {"source", {{"type", "string"}}},
              {"tasksDir", {{"type", "string"}}}}},
            {"required", Json::array({"configured"})}};
}

Result<Json> init_root(const Json& arguments, ToolCall& call) {
    std::string path = arguments.value("path", "");
    if (path.empty() || path[0] != '/')
        return invalid("path \"" + path + "\" is not an absolute path", "give the project's absolute path");
    if (!files::is_directory(path))
        return sc::make_error(ErrorCode::not_found, "no folder at " + path, "give an existing project folder");
    call.host().globals.root_dir = path;
    // The rest of this request still sees the old root: run `sc init` for the new one.
    cli::GlobalOptions globals = call.context().globals();
    globals.root_dir = path;
    cli::Context context(call.context().environment(), call.context().clock(), call.context().working_directory(),
                         globals, [&call](const Error& warning) { call.context().warn(warning); });
    // Not observed: this request's observer records into the old root's store.
    ToolCall in_new_root(call.host(), context, call.info());
    Json initialised = SC_TRY(in_new_root.command("", "init", cli::Invocation()));
    return success(std::move(initialised), "Project root set for this session");
}

Result<Json> template_list(const Json&, ToolCall& call) {
    tasks::ProjectPaths paths = SC_TRY(call.context().project());
    std::string folder = paths.project_root + "/.tasks/.templates";
    Json templates = Json::array();
    if (files::is_directory(folder)) {
        std::vector<std::string> names;
        std::error_code error;
        for (const auto& entry : std::filesystem::directory_iterator(folder, error))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        for (const std::string& name : names)
            if (name.size() > 3 && name.ends_with(".md"))
                templates.push_back({{"id", name.substr(0, name.size() - 3)}, {"path", folder + "/" + name}});
    }
    return success(std::move(templates));
}

// Scopecraft's search parameters as `sc search` options; `types` also takes our telemetry
// kinds (event, span, log).
Result<Json> search(const Json& arguments, ToolCall& call) {
    Invocation invocation;
    if (auto query = text_of(arguments, "query"); query && !query->empty())
        invocation.add_argument(*query);
    pass_list(invocation, arguments, "types", "type");
    const Json filters = arguments.value("filters", Json::object());
    for (const char* key : {"status", "phase", "area", "tags"})
        pass_list(invocation, filters, key, key);
    pass_list(invocation, filters, "workflow_state", "location");
    long limit = 50;  // Scopecraft's default
    if (auto given = arguments.find("limit"); given != arguments.end() && given->is_number())
        limit = std::lround(given->get<double>());
    invocation.add_option("limit", {std::to_string(std::clamp(limit, 1L, 100L))});
    Json hits = SC_TRY(call.command("", "search", invocation));
    size_t count = hits.size();
    return success(std::move(hits), std::to_string(count) + (count == 1 ? " result" : " results"));
}

Result<Json> search_reindex(const Json&, ToolCall& call) {
    Invocation invocation;
    invocation.add_option("reindex", {"true"});
    Json report = SC_TRY(call.command("", "search", invocation));
    return success(std::move(report), "Search index rebuilt in " + report.value("seconds", Json(0)).dump() + " s");
}

Json search_hits_schema() {
    Json string = {{"type", "string"}};
    Json hit = {{"type", "object"},
                {"properties",
                 {{"type", {{"type", "string"}, {"enum", Json::array({"task", "doc", "event", "span", "log"})}}},
                  {"id", string},
                  {"title", string},
                  {"score", {{"type", "number"}}},
                  {"excerpt", string},
                  {"status", string},
                  {"area", string},
                  {"location", string},
                  {"tags", {{"type", "array"}, {"items", string}}},
                  {"path", string},
                  {"time", string}}},
                {"required", Json::array({"type", "id", "title", "score", "excerpt"})}};
    return {{"type", "array"}, {"items", std::move(hit)}};
}

Json reindex_schema() {
    Json count = {{"type", "integer"}};
    return {{"type", "object"},
            {"properties",
             {{"rebuilt", {{"type", "boolean"}}},
              {"tasks", count},
              {"docs", count},
              {"events", count},
              {"spans", count},
              {"logs", count},
              {"seconds", {{"type", "number"}}},
              {"index", {{"type", "string"}}}}},
            {"required", Json::array({"rebuilt", "tasks", "seconds"})}};
}

}  // namespace

std::vector<Tool> scopecraft_tools() {
    std::vector<Tool> tools;
    tools.push_back(scopecraft_tool("task_list", task_list_schema(), task_list));
    tools.push_back(scopecraft_tool("task_get", task_schema(), task_get));
    tools.push_back(scopecraft_tool("task_create", task_schema(), task_create));
    Tool update = scopecraft_tool("task_update", task_schema(), task_update);
    update.idempotent = false;  // add_log_entry appends a line each time
    tools.push_back(std::move(update));
    tools.push_back(scopecraft_tool("task_move", task_schema(), task_move));
    tools.push_back(scopecraft_tool(
        "task_delete",
        {{"type", "object"}, {"properties", {{"deleted", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}},
        task_delete));
    // promote answers the parent's tree, extract and adopt the task as it now is.
    tools.push_back(scopecraft_tool("task_transform", {{"anyOf", Json::array({task_list_schema(), task_schema()})}},
                                    task_transform));
    tools.push_back(scopecraft_tool("parent_list", task_list_schema(), parent_list));
    tools.push_back(scopecraft_tool("parent_get", task_list_schema(), parent_get));
    tools.push_back(scopecraft_tool("parent_create", task_list_schema(), parent_create));
    // add_subtask answers the new subtask, resequence and parallelize the parent's tree.
    tools.push_back(scopecraft_tool("parent_operations", {{"anyOf", Json::array({task_schema(), task_list_schema()})}},
                                    parent_operations));
    tools.push_back(scopecraft_tool("template_list", {{"type", "array"}}, template_list));
    tools.push_back(scopecraft_tool("init_root", {{"type", "object"}}, init_root));
    tools.push_back(scopecraft_tool("get_current_root", root_schema(), [](const Json&, ToolCall& call) -> Result<Json> {
        return success(root_json(call));
    }));
    tools.push_back(
        scopecraft_tool("list_projects", {{"type", "array"}}, [](const Json&, ToolCall& call) -> Result<Json> {
            // One project per server: the one this session works on (Scopecraft lists its
            // ~/.scopecraft/config.json entries, which sc does not keep).
            Json current = root_json(call);
            Json projects = Json::array();
            if (current.value("configured", false))
                projects.push_back(std::move(current));
            return success(std::move(projects));
        }));
    tools.push_back(
        scopecraft_tool("debug_code_path", {{"type", "object"}}, [](const Json&, ToolCall&) -> Result<Json> {
            return success(Json {{"server", "sc-server mcp"}, {"implementation", "scopecraft C++"}});
        }));
    // The registry's `search` runs here, not through a hand-over to another process.
    cli::install_search_handler();
    Tool search_tool = scopecraft_tool("search", search_hits_schema(), search);
    // Our extra kinds: telemetry is searchable too.
    search_tool.input_schema["properties"]["types"]["items"]["enum"] =
        Json::array({"task", "doc", "event", "span", "log"});
    search_tool.input_schema["properties"]["types"]["description"] =
        "Filter by content type: task and doc (Scopecraft's), event, span and log (telemetry)";
    tools.push_back(std::move(search_tool));
    tools.push_back(scopecraft_tool("search_reindex", reindex_schema(), search_reindex));
    return tools;
}

}  // namespace sc::mcp
