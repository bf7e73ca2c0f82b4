#include "tasks/layout.hpp"

#include "util/text.hpp"

namespace sc::tasks {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

Error unsafe(std::string message, std::string_view subject) {
    return make_error(ErrorCode::unsafe_path, std::move(message), Location {std::string(subject), 0, {}},
                      "give a task id such as `add-login-page-11A`, without folders");
}

}  // namespace

std::string_view to_string(WorkflowState state) {
    switch (state) {
        case WorkflowState::current:
            return "current";
        case WorkflowState::archive:
            return "archive";
        case WorkflowState::backlog:
            return "backlog";
    }
    return "current";
}

std::optional<WorkflowState> parse_workflow_state(std::string_view name) {
    if (name == "current")
        return WorkflowState::current;
    if (name == "archive")
        return WorkflowState::archive;
    if (name == "backlog")
        return WorkflowState::backlog;
    return std::nullopt;
}

std::optional<TaskFileNameParts> task_filename_parts(std::string_view filename) {
    if (filename.size() <= k_task_file_suffix.size() || !text::ends_with(filename, k_task_file_suffix) ||
        filename.front() == '.')
        return std::nullopt;
    TaskFileNameParts parts;
    parts.id_size = filename.size() - k_task_file_suffix.size();
    std::string_view id = filename.substr(0, parts.id_size);
    // `NN_rest` (Scopecraft) or `NN-rest` (older files); the rest must not be empty.
    if (id.size() > 3 && is_digit(id[0]) && is_digit(id[1]) && (id[2] == '_' || id[2] == '-'))
        parts.sequence_size = 2;
    return parts;
}

std::optional<TaskFileName> parse_task_filename(std::string_view filename) {
    std::optional<TaskFileNameParts> parts = task_filename_parts(filename);
    if (!parts)
        return std::nullopt;
    TaskFileName parsed;
    parsed.id = std::string(filename.substr(0, parts->id_size));
    parsed.sequence = parsed.id.substr(0, parts->sequence_size);
    parsed.base_id = parts->sequence_size == 0 ? parsed.id : parsed.id.substr(3);
    return parsed;
}

bool is_month_folder(std::string_view name) {
    if (name.size() != 7 || name[4] != '-')
        return false;
    for (size_t i : {0, 1, 2, 3, 5, 6})
        if (!is_digit(name[i]))
            return false;
    int month = (name[5] - '0') * 10 + (name[6] - '0');
    return month >= 1 && month <= 12;
}

Status validate_archive_month(std::string_view month) {
    if (is_month_folder(month))
        return {};
    return make_error(ErrorCode::invalid_argument, "the archive month '" + std::string(month) + "' is not YYYY-MM",
                      Location {{}, 0, "archive_date"}, "give a month such as 2025-01");
}

Status validate_id_for_path(std::string_view id) {
    if (id.empty())
        return unsafe("the task id is empty", id);
    if (id.size() > 255)
        return unsafe("the task id is longer than 255 bytes", id.substr(0, 40));
    if (id == "." || id == ".." || id.front() == '.')
        return unsafe(
            "the task id '" + std::string(id) + "' starts with a dot and could name a folder outside the task", id);
    for (char c : id) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '/' || c == '\\')
            return unsafe("the task id '" + std::string(id) + "' contains a path separator", id);
        if (byte < 0x20 || byte == 0x7f)
            return unsafe("the task id contains a NUL or control character", {});
    }
    return {};
}

Status validate_relative_path(std::string_view relative_path) {
    if (relative_path.empty())
        return make_error(ErrorCode::unsafe_path, "an empty path was given for a file in the task tree");
    if (relative_path.front() == '/')
        return make_error(ErrorCode::unsafe_path, "the path '" + std::string(relative_path) + "' is absolute",
                          "paths in the task tree are relative to its root");
    if (relative_path.find('\0') != std::string_view::npos)
        return make_error(ErrorCode::unsafe_path, "a path in the task tree contains a NUL byte");
    for (std::string_view part : text::split(relative_path, '/')) {
        if (part.empty() || part == "." || part == "..")
            return make_error(ErrorCode::unsafe_path,
                              "the path '" + std::string(relative_path) + "' has an empty, '.' or '..' component",
                              "paths in the task tree must stay inside it");
    }
    return {};
}

bool newer_month_first(const std::string& left, const std::string& right) {
    return left > right;
}

}  // namespace sc::tasks
