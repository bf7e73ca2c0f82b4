#include "observe/domain_events.hpp"

#include "tasks/layout.hpp"
#include "util/text.hpp"

namespace sc::observe {

const std::vector<std::string_view>& task_event_types() {
    static const std::vector<std::string_view> types = {
        event_types::tree_initialized,      event_types::task_created,
        event_types::task_updated,          event_types::task_section_updated,
        event_types::task_log_appended,     event_types::task_started,
        event_types::task_completed,        event_types::task_moved,
        event_types::task_archived,         event_types::task_deleted,
        event_types::task_promoted,         event_types::parent_created,
        event_types::subtask_added,         event_types::subtasks_resequenced,
        event_types::subtasks_parallelized, event_types::task_changed_externally,
        event_types::task_extracted,        event_types::task_adopted,
    };
    return types;
}

namespace {

// A move is an archiving when the task's file ends up under archive/.
bool moves_into_archive(const tasks::ChangeRecord& change) {
    for (const tasks::FileChange& file : change.files)
        if (file.kind == tasks::FileChangeKind::renamed)
            return text::starts_with(file.path, "archive/") && !text::starts_with(file.old_path, "archive/");
    return false;
}

}  // namespace

std::string_view event_type_for(const tasks::ChangeRecord& change) {
    const std::string& operation = change.operation;
    if (operation == "tree.init")
        return event_types::tree_initialized;
    if (operation == "task.create")
        return event_types::task_created;
    if (operation == "task.update")
        return event_types::task_updated;
    if (operation == "task.section")
        return event_types::task_section_updated;
    if (operation == "task.log")
        return event_types::task_log_appended;
    if (operation == "task.start")
        return event_types::task_started;
    if (operation == "task.complete")
        return event_types::task_completed;
    if (operation == "task.move")
        return moves_into_archive(change) ? event_types::task_archived : event_types::task_moved;
    if (operation == "task.delete")
        return event_types::task_deleted;
    if (operation == "task.promote")
        return event_types::task_promoted;
    if (operation == "task.extract")
        return event_types::task_extracted;
    if (operation == "task.adopt")
        return event_types::task_adopted;
    if (operation == "parent.create")
        return event_types::parent_created;
    if (operation == "parent.add_subtask")
        return event_types::subtask_added;
    if (operation == "parent.resequence")
        return event_types::subtasks_resequenced;
    if (operation == "parent.parallelize")
        return event_types::subtasks_parallelized;
    return event_types::task_changed_externally;
}

std::string stream_for_task(std::string_view task_id, std::string_view folder) {
    if (task_id.size() > 3 && task_id[0] >= '0' && task_id[0] <= '9' && task_id[1] >= '0' && task_id[1] <= '9' &&
        (task_id[2] == '_' || task_id[2] == '-'))
        task_id.remove_prefix(3);
    if (task_id.empty())
        return "task:tree";
    if (folder.empty())
        return "task:" + std::string(task_id);
    return "task:" + std::string(folder) + "/" + std::string(task_id);
}

std::string task_folder_of(std::string_view relative_path) {
    std::vector<std::string_view> parts = text::split(relative_path, '/');
    // <workflow>/[<YYYY-MM>/]<folder>/<file>: a month folder only under archive/.
    size_t first = parts.size() > 2 && parts[0] == "archive" && tasks::is_month_folder(parts[1]) ? 2 : 1;
    return parts.size() == first + 2 ? std::string(parts[first]) : std::string();
}

std::string stream_for_change(const tasks::ChangeRecord& change) {
    const std::string own_file = change.task_id + std::string(tasks::k_task_file_suffix);
    for (const tasks::FileChange& file : change.files) {
        std::string_view path = file.path;
        if (path.size() > own_file.size() && text::ends_with(path, own_file) &&
            path[path.size() - own_file.size() - 1] == '/')
            return stream_for_task(change.task_id, task_folder_of(path));
    }
    return stream_for_task(change.task_id);
}

store::NewEvent make_task_event(const tasks::ChangeRecord& change, const store::EventMeta& meta) {
    store::NewEvent event;
    event.stream = stream_for_change(change);
    event.type = std::string(event_type_for(change));
    event.data_json = change.to_json();
    event.meta = meta;
    return event;
}

Result<std::vector<tasks::FileChange>> file_changes_from_data(const nlohmann::json& data) {
    std::vector<tasks::FileChange> changes;
    auto files = data.find("files");
    if (files == data.end())
        return changes;
    if (!files->is_array())
        return make_error(ErrorCode::parse, "event data field `files` is not an array");
    for (size_t i = 0; i < files->size(); ++i) {
        const nlohmann::json& item = (*files)[i];
        auto bad = [&](const std::string& what) {
            return make_error(ErrorCode::parse, "event data files[" + std::to_string(i) + "]: " + what);
        };
        if (!item.is_object() || !item.contains("kind") || !item.contains("path") || !item["kind"].is_string() ||
            !item["path"].is_string())
            return bad("needs string fields kind and path");
        tasks::FileChange change;
        std::string kind = item["kind"].get<std::string>();
        bool known = false;
        for (auto candidate : {tasks::FileChangeKind::folder_created, tasks::FileChangeKind::file_created,
                               tasks::FileChangeKind::file_modified, tasks::FileChangeKind::renamed,
                               tasks::FileChangeKind::file_removed, tasks::FileChangeKind::folder_removed})
            if (tasks::to_string(candidate) == kind) {
                change.kind = candidate;
                known = true;
            }
        if (!known)
            return bad("unknown kind \"" + kind + "\"");
        change.path = item["path"].get<std::string>();
        if (item.contains("oldPath") && item["oldPath"].is_string())
            change.old_path = item["oldPath"].get<std::string>();
        if (auto oversized = item.find("oversizedBytes"); oversized != item.end()) {
            if (!oversized->is_number_unsigned() || oversized->get<uint64_t>() == 0 ||
                (change.kind != tasks::FileChangeKind::file_created &&
                 change.kind != tasks::FileChangeKind::file_modified))
                return bad("oversizedBytes must be a positive size, on a created or modified file");
            change.oversized_bytes = oversized->get<uint64_t>();
        } else if (item.contains("content") && item["content"].is_string())
            change.content = item["content"].get<std::string>();
        else if (auto encoded = item.find("contentBase64"); encoded != item.end()) {
            if (!encoded->is_string() || !text::base64_decode(encoded->get_ref<const std::string&>(), change.content))
                return bad("contentBase64 is not base64");
        }
        std::string tree = item.value("tree", std::string("store"));
        change.tree = tree == tasks::to_string(tasks::TreeKind::project_local) ? tasks::TreeKind::project_local
                                                                               : tasks::TreeKind::store;
        if (change.kind == tasks::FileChangeKind::renamed && change.old_path.empty())
            return bad("a rename needs oldPath");
        changes.push_back(std::move(change));
    }
    return changes;
}

}  // namespace sc::observe
