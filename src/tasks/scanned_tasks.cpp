#include "tasks/scanned_tasks.hpp"

#include <algorithm>

namespace sc::tasks {

uint32_t ScannedTasks::keep(std::string_view text) {
    auto at = static_cast<uint32_t>(m_names.size());
    m_names.append(text);
    return at;
}

void ScannedTasks::add_root(TreeKind kind, const std::string& path) {
    m_roots.push_back({kind, path});
}

void ScannedTasks::add_folder(std::string relative, std::string_view name, std::string_view month,
                              WorkflowState state) {
    Folder folder {static_cast<uint32_t>(m_roots.size() - 1), state, std::move(relative), 0, 0, 0, 0};
    folder.name_at = keep(name);
    folder.name_size = static_cast<uint32_t>(name.size());
    folder.month_at = keep(month);
    folder.month_size = static_cast<uint32_t>(month.size());
    m_folders.push_back(std::move(folder));
}

void ScannedTasks::add_task(std::string_view name, Kind kind, size_t id_size, size_t sequence_size,
                            const FileStat& stat) {
    Task task {static_cast<uint32_t>(m_folders.size() - 1),
               keep(name),
               static_cast<uint32_t>(name.size()),
               static_cast<uint32_t>(id_size),
               static_cast<uint8_t>(sequence_size),
               kind,
               stat};
    m_tasks.push_back(task);
}

void ScannedTasks::reserve(size_t more) {
    if (m_tasks.size() + more > m_tasks.capacity())
        m_tasks.reserve(std::max(m_tasks.size() + more, m_tasks.capacity() * 3 / 2));
}

void ScannedTasks::append(ScannedTasks&& other) {
    if (m_roots.empty() && m_tasks.empty()) {
        *this = std::move(other);
        return;
    }
    auto roots = static_cast<uint32_t>(m_roots.size());
    auto folders = static_cast<uint32_t>(m_folders.size());
    auto names = static_cast<uint32_t>(m_names.size());
    m_names += other.m_names;
    for (Root& root : other.m_roots)
        m_roots.push_back(std::move(root));
    for (Folder& folder : other.m_folders) {
        folder.root += roots;
        folder.name_at += names;
        folder.month_at += names;
        m_folders.push_back(std::move(folder));
    }
    m_tasks.reserve(m_tasks.size() + other.m_tasks.size());
    for (Task task : other.m_tasks) {
        task.folder += folders;
        task.name_at += names;
        m_tasks.push_back(task);
    }
}

std::string_view ScannedTasks::id(size_t index) const {
    const Task& task = m_tasks[index];
    if (task.kind == Kind::overview) {
        const Folder& folder = m_folders[task.folder];
        return text(folder.name_at, folder.name_size);
    }
    return text(task.name_at, task.id_size);
}

std::string_view ScannedTasks::parent_id(size_t index) const {
    const Task& task = m_tasks[index];
    if (task.kind != Kind::subtask)
        return {};
    const Folder& folder = m_folders[task.folder];
    return text(folder.name_at, folder.name_size);
}

void ScannedTasks::location(size_t index, TaskLocation& out) const {
    const Task& task = m_tasks[index];
    const Folder& folder = m_folders[task.folder];
    const Root& root = m_roots[folder.root];
    std::string_view name = text(task.name_at, task.name_size);
    out.filename.assign(name);
    out.relative_path.assign(folder.relative);
    out.relative_path.push_back('/');
    out.relative_path.append(name);
    out.path.assign(root.path);
    out.path.push_back('/');
    out.path.append(out.relative_path);
    out.tree = root.kind;
    out.state = folder.state;
    out.archive_month.assign(text(folder.month_at, folder.month_size));
    out.is_parent = task.kind == Kind::overview;
    out.id.assign(id(index));
    out.parent_id.assign(parent_id(index));
    out.sequence.assign(task.kind == Kind::subtask ? name.substr(0, task.sequence_size) : std::string_view());
    out.stat = task.stat;
}

void ScannedTasks::next_location(size_t index, size_t previous, TaskLocation& out) const {
    const Task& task = m_tasks[index];
    if (previous >= m_tasks.size() || m_tasks[previous].folder != task.folder) {
        location(index, out);
        return;
    }
    // The tree, state, archive month and the folder's part of both paths stay as they are.
    std::string_view name = text(task.name_at, task.name_size);
    size_t old_name = m_tasks[previous].name_size;
    out.relative_path.resize(out.relative_path.size() - old_name);
    out.relative_path.append(name);
    out.path.resize(out.path.size() - old_name);
    out.path.append(name);
    out.filename.assign(name);
    out.is_parent = task.kind == Kind::overview;
    out.id.assign(id(index));
    out.parent_id.assign(parent_id(index));
    out.sequence.assign(task.kind == Kind::subtask ? name.substr(0, task.sequence_size) : std::string_view());
    out.stat = task.stat;
}

TaskLocation ScannedTasks::location(size_t index) const {
    TaskLocation out;
    location(index, out);
    return out;
}

}  // namespace sc::tasks
