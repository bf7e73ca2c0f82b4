#include "mcp/scopecraft_support.hpp"

namespace sc::mcp::detail {

using cli::Invocation;

const Json& task_schema() {
    static const Json schema = {
        {"type", "object"},
        {"properties",
         {{"metadata",
           {{"type", "object"},
            {"properties",
             {{"id", {{"type", "string"}}},
              {"filename", {{"type", "string"}}},
              {"path", {{"type", "string"}}},
              {"location", {{"type", "object"}, {"properties", {{"workflowState", {{"type", "string"}}}}}}},
              {"isParentTask", {{"type", "boolean"}}},
              {"parentTask", {{"type", "string"}}},
              {"sequenceNumber", {{"type", "string"}}}}},
            {"required", Json::array({"id", "location"})}}},
          {"document",
           {{"type", "object"},
            {"properties",
             {{"title", {{"type", "string"}}},
              {"frontmatter", {{"type", "object"}}},
              {"sections", {{"type", "object"}}}}},
            {"required", Json::array({"title", "frontmatter"})}}}}},
        {"required", Json::array({"metadata", "document"})}};
    return schema;
}

Json task_list_schema() {
    return {{"type", "array"}, {"items", task_schema()}};
}

std::optional<std::string> text_of(const Json& arguments, const char* key) {
    auto found = arguments.find(key);
    if (found == arguments.end() || !found->is_string())
        return std::nullopt;
    return found->get<std::string>();
}

void pass(Invocation& invocation, const Json& arguments, const char* key, const char* option) {
    if (auto value = text_of(arguments, key))
        invocation.add_option(option, {*value});
}

void pass_list(Invocation& invocation, const Json& arguments, const char* key, const char* option) {
    auto found = arguments.find(key);
    if (found != arguments.end() && found->is_array())
        invocation.add_option(option, found->get<std::vector<std::string>>());
}

Error invalid(std::string message, std::string hint) {
    return sc::make_error(ErrorCode::invalid_argument, std::move(message), std::move(hint));
}

// The canonical name of a stored enum value, or the value itself when it is not one.
std::string canonical(tasks::EnumKind kind, const Json& value) {
    if (!value.is_string())
        return "";
    Result<std::string> name = tasks::normalise_enum(kind, value.get<std::string>());
    return name.ok() ? name.value() : value.get<std::string>();
}

const Json& frontmatter_of(const Json& task) {
    static const Json empty = Json::object();
    auto document = task.find("document");
    if (document == task.end() || !document->contains("frontmatter"))
        return empty;
    return (*document)["frontmatter"];
}

bool is_subtask(const Json& task) {
    return task["metadata"].contains("parentTask");
}

bool is_parent(const Json& task) {
    return task["metadata"].value("isParentTask", false);
}

void drop_sections(Json& task) {
    if (auto document = task.find("document"); document != task.end())
        document->erase("sections");
}

// Scopecraft's `location` (a string or a list) and `include_archived`, as `task list
// --location`. Scopecraft's server ignores the filter; we apply it.
Result<std::string> list_location(const Json& arguments, bool include_archived) {
    bool current = false;
    bool archive = false;
    if (auto found = arguments.find("location"); found != arguments.end()) {
        std::vector<std::string> wanted = found->is_array() ? found->get<std::vector<std::string>>()
                                                            : std::vector<std::string> {found->get<std::string>()};
        for (const std::string& one : wanted) {
            if (one == "current")
                current = true;
            else if (one == "archive")
                archive = true;
            else
                return invalid("location \"" + one + "\" is not a workflow folder",
                               one == "backlog" ? "Scopecraft 2.x has no backlog folder: use phase \"backlog\" "
                                                  "with location \"current\""
                                                : "use \"current\" or \"archive\"");
        }
    } else {
        current = true;
    }
    archive = archive || include_archived;
    return std::string(current && archive ? "all" : archive ? "archive" : "current");
}

}  // namespace sc::mcp::detail
