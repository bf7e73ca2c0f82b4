#include "tasks/service_support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "tasks/schema.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::tasks::support {

namespace {

Result<std::string> normalised(EnumKind kind, const std::string& field, const std::string& value) {
    Result<std::string> name = normalise_enum(kind, value);
    if (!name.ok()) {
        Error error = std::move(name).error();
        if (error.where.field.empty())
            error.where.field = field;
        return error;
    }
    return name;
}

nlohmann::ordered_json string_list(const std::vector<std::string>& items) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const std::string& item : items)
        list.push_back(item);
    return list;
}

/// The known fields of a request in the order they are written, as (key, value) pairs,
/// enum values normalised. `create_order` selects the create order over the update order.
Result<std::vector<std::pair<std::string, nlohmann::ordered_json>>> ordered_fields(const TaskFields& fields,
                                                                                   bool create_order) {
    std::vector<std::pair<std::string, nlohmann::ordered_json>> out;
    auto add_enum = [&](EnumKind kind, const char* key, const std::optional<std::string>& value) -> Status {
        // An empty value means "none" (MCP's parent_create writes no phase).
        if (value && !value->empty())
            out.emplace_back(key, SC_TRY(normalised(kind, key, *value)));
        return {};
    };
    auto add_text = [&](const char* key, const std::optional<std::string>& value) {
        if (value)
            out.emplace_back(key, *value);
    };
    auto add_list = [&](const char* key, const std::optional<std::vector<std::string>>& value) {
        if (value)
            out.emplace_back(key, string_list(*value));
    };
    SC_TRY(add_enum(EnumKind::type, "type", fields.type));
    SC_TRY(add_enum(EnumKind::status, "status", fields.status));
    add_text("area", fields.area);
    if (create_order) {
        SC_TRY(add_enum(EnumKind::phase, "phase", fields.phase));
        add_list("tags", fields.tags);
        SC_TRY(add_enum(EnumKind::priority, "priority", fields.priority));
        add_text("assignee", fields.assignee);
    } else {
        SC_TRY(add_enum(EnumKind::priority, "priority", fields.priority));
        add_text("assignee", fields.assignee);
        add_list("tags", fields.tags);
        SC_TRY(add_enum(EnumKind::phase, "phase", fields.phase));
    }
    add_text("parent", fields.parent);
    add_list("depends", fields.depends);
    add_text("previous", fields.previous);
    add_text("next", fields.next);
    for (const auto& [key, value] : fields.custom) {
        if (std::optional<EnumKind> kind = enum_kind_of_field(key); kind && value.is_string())
            out.emplace_back(key, SC_TRY(normalised(*kind, key, value.get<std::string>())));
        else
            out.emplace_back(key, value);
    }
    return out;
}

}  // namespace

Status check_title(std::string_view title) {
    if (text::trim(title).empty())
        return make_error(ErrorCode::invalid_argument, "the title is empty", Location {{}, 0, "title"},
                          "give a title such as --title 'Add login page'");
    if (title.find('\n') != std::string_view::npos || title.find('\r') != std::string_view::npos)
        return make_error(ErrorCode::invalid_argument, "the title has a line break", Location {{}, 0, "title"},
                          "a title is one line");
    return {};
}

Result<nlohmann::ordered_json> new_frontmatter(const TaskFields& fields) {
    TaskFields with_defaults = fields;
    if (!with_defaults.type || with_defaults.type->empty())
        with_defaults.type = "feature";
    if (!with_defaults.status || with_defaults.status->empty())
        with_defaults.status = "todo";
    if (!with_defaults.area || with_defaults.area->empty())
        with_defaults.area = "general";
    auto ordered = SC_TRY(ordered_fields(with_defaults, true));
    nlohmann::ordered_json frontmatter = nlohmann::ordered_json::object();
    for (auto& [key, value] : ordered)
        if (!value.is_null())
            frontmatter[key] = std::move(value);
    return frontmatter;
}

Status set_field(TaskDocument& document, const std::string& key, const nlohmann::ordered_json& value,
                 std::vector<FieldChange>& changes) {
    const nlohmann::ordered_json& frontmatter = document.frontmatter();
    nlohmann::ordered_json old_value = frontmatter.contains(key) ? frontmatter.at(key) : nlohmann::ordered_json();
    if (old_value == value)
        return {};
    SC_TRY(document.set_field(key, value));
    changes.push_back({key, std::move(old_value), value});
    return {};
}

Status apply_fields(TaskDocument& document, const TaskFields& fields, std::vector<FieldChange>& changes) {
    auto ordered = SC_TRY(ordered_fields(fields, false));
    // Only the fields asked for. Scopecraft rewrites every enum value canonical on each write,
    // but it reads `High` as well as `high`: rewriting lines nobody asked to change would make
    // every edit touch more than its own field.
    for (const auto& [key, value] : ordered)
        SC_TRY(set_field(document, key, value, changes));
    return {};
}

void set_section(TaskDocument& document, std::string_view name, std::string_view body,
                 std::vector<SectionChange>& changes) {
    std::string safe;
    safe.reserve(body.size());
    size_t position = 0;
    while (position <= body.size()) {
        size_t newline = body.find('\n', position);
        std::string_view line =
            body.substr(position, newline == std::string_view::npos ? body.npos : newline - position);
        if (text::starts_with(line, "## "))
            safe += '#';
        safe += line;
        if (newline == std::string_view::npos)
            break;
        safe += '\n';
        position = newline + 1;
    }
    std::string old_body = document.section(name);
    if (old_body == safe && document.text().size() > 0)
        return;
    document.set_section(name, safe);
    changes.push_back({std::string(name), std::move(old_body), document.section(name)});
}

std::vector<Section> new_sections(const std::string& instruction, const std::vector<Section>& sections) {
    std::vector<Section> all;
    if (!instruction.empty())
        all.push_back({"Instruction", instruction});
    for (const Section& section : sections)
        all.push_back(section);
    return all;
}

std::vector<FileChange> create_folders(const TreeRoot& root, const std::string& relative_folder) {
    std::vector<FileChange> changes;
    std::string partial;
    for (std::string_view part : text::split(relative_folder, '/')) {
        partial += (partial.empty() ? "" : "/") + std::string(part);
        if (!files::is_directory(root.path + "/" + partial))
            changes.push_back({FileChangeKind::folder_created, partial, {}, {}, root.kind});
    }
    return changes;
}

Result<std::vector<FileChange>> remove_folder(const TreeRoot& root, const std::string& relative_folder) {
    std::vector<FileChange> changes;
    std::vector<std::string> pending {relative_folder};
    std::vector<std::string> folders;
    while (!pending.empty()) {
        std::string folder = pending.back();
        pending.pop_back();
        folders.push_back(folder);
        std::string absolute = root.path + "/" + folder;
        DIR* directory = ::opendir(absolute.c_str());
        if (directory == nullptr)
            return files::from_errno(errno, "reading folder", absolute);
        std::vector<std::pair<std::string, bool>> entries;
        while (dirent* entry = ::readdir(directory)) {
            std::string name = entry->d_name;
            if (name == "." || name == "..")
                continue;
            struct stat info {};
            bool is_folder =
                ::fstatat(::dirfd(directory), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(info.st_mode);
            entries.emplace_back(std::move(name), is_folder);
        }
        ::closedir(directory);
        std::sort(entries.begin(), entries.end());
        for (const auto& [name, is_folder] : entries) {
            if (is_folder)
                pending.push_back(folder + "/" + name);
            else
                changes.push_back({FileChangeKind::file_removed, folder + "/" + name, {}, {}, root.kind});
        }
    }
    // Folders were found parents first; remove them children first.
    for (auto it = folders.rbegin(); it != folders.rend(); ++it)
        changes.push_back({FileChangeKind::folder_removed, *it, {}, {}, root.kind});
    return changes;
}

Result<std::vector<FileChange>> merge_folder(const TreeRoot& root, const std::string& from_folder,
                                             const std::string& to_folder) {
    std::string absolute = root.path + "/" + from_folder;
    DIR* directory = ::opendir(absolute.c_str());
    if (directory == nullptr)
        return files::from_errno(errno, "reading folder", absolute);
    std::vector<std::string> names;
    while (dirent* entry = ::readdir(directory)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..")
            names.push_back(std::move(name));
    }
    ::closedir(directory);
    std::sort(names.begin(), names.end());
    std::vector<FileChange> changes;
    for (const std::string& name : names) {
        std::string target = to_folder + "/" + name;
        struct stat info {};
        if (::lstat((root.path + "/" + target).c_str(), &info) == 0)
            return make_error(ErrorCode::already_exists,
                              "cannot merge " + from_folder + " into " + to_folder + ": " + target + " already exists",
                              Location {root.path + "/" + target, 0, {}},
                              "move or rename one of the two " + name + " first, then try again");
        changes.push_back({FileChangeKind::renamed, target, from_folder + "/" + name, {}, root.kind});
    }
    changes.push_back({FileChangeKind::folder_removed, from_folder, {}, {}, root.kind});
    return changes;
}

Result<std::string> container_for(const Placement& placement, const std::string& default_month) {
    switch (placement.state) {
        case WorkflowState::current:
            return std::string("current");
        case WorkflowState::backlog:
            return make_error(ErrorCode::invalid_argument, "the backlog folder is read-only",
                              Location {{}, 0, "location"},
                              "use current or archive; backlog is the pre-2.x layout, read for compatibility");
        case WorkflowState::archive:
            break;
    }
    std::string month = placement.archive_month.empty() ? default_month : placement.archive_month;
    if (month.empty())
        return std::string("archive");
    SC_TRY(validate_archive_month(month));
    return "archive/" + month;
}

TaskRecord record_at(const TreeRoot& root, const std::string& relative_path, TaskDocument document) {
    TaskRecord record;
    static_cast<TaskLocation&>(record) = locate(root, relative_path);
    record.document = std::move(document);
    return record;
}

std::vector<TaskLocation> subtask_locations(const TaskLocation& parent) {
    TreeRoot root {parent.tree, parent.path.substr(0, parent.path.size() - parent.relative_path.size() - 1)};
    std::vector<TaskLocation> subtasks;
    for (TaskLocation& location : scan_parent_folder(root, parent).tasks)
        if (location.is_subtask())
            subtasks.push_back(std::move(location));
    std::stable_sort(subtasks.begin(), subtasks.end(), [](const TaskLocation& a, const TaskLocation& b) {
        return a.sequence != b.sequence ? (!a.sequence.empty() && (b.sequence.empty() || a.sequence < b.sequence))
                                        : a.filename < b.filename;
    });
    return subtasks;
}

LoadedSubtasks load_subtasks(const TaskLocation& parent) {
    LoadedSubtasks loaded;
    for (const TaskLocation& location : subtask_locations(parent)) {
        Result<TaskRecord> record = load_record(location);
        if (!record.ok())
            loaded.diagnostics.push_back({record.error().where, record.error().message, record.error().hint});
        else if (!record->document.is_task())
            loaded.diagnostics.push_back(skipped(record->document));
        else
            loaded.subtasks.push_back(std::move(record).value());
    }
    return loaded;
}

Diagnostic skipped(const TaskDocument& document) {
    if (document.diagnostics().empty())
        return {{}, "skipped: not a task", {}};
    Diagnostic diagnostic = document.diagnostics().front();
    diagnostic.message = "skipped: " + diagnostic.message;
    return diagnostic;
}

std::string log_stamp(int64_t unix_nanos, LogStyle style) {
    if (style == LogStyle::utc_date)
        return utc_date(unix_nanos);
    std::time_t seconds = static_cast<std::time_t>(unix_nanos / 1'000'000'000);
    std::tm parts {};
    ::localtime_r(&seconds, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &parts);
    return buffer;
}

bool is_name_taken(const Error& error) {
    return error.code == ErrorCode::already_exists;
}

Status KeptIdIndex::apply(const TreeRoots& roots, const std::vector<FileChange>& changes) {
    SC_TRY(apply_file_changes(roots, changes));
    index.applied(changes);
    return {};
}

IdVisitor KeptIdIndex::ids(std::vector<std::string> except) const {
    return [this, except = std::move(except)](std::string_view prefix,
                                              const std::function<void(std::string_view)>& on_id) {
        // One claim of each excepted id is the operation's own: another claim of it still counts.
        std::vector<bool> skipped(except.size(), false);
        index.visit(prefix, [&](std::string_view id) {
            for (size_t i = 0; i < except.size(); ++i)
                if (!skipped[i] && except[i] == id) {
                    skipped[i] = true;
                    return;
                }
            on_id(id);
        });
    };
}

}  // namespace sc::tasks::support
