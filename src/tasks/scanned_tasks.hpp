#pragma once
// A scan's task files in listing order, kept without strings of their own: each name once in
// one buffer, each folder once. A cached listing of 10,000 tasks spent about a quarter of its
// instructions making, moving and freeing the four heap strings (id, file name, path, path in
// the tree) of a TaskLocation per task that it then served from the listing cache; a listing
// writes each task into one TaskLocation whose strings keep their memory from task to task.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/task_record.hpp"

namespace sc::tasks {

struct TreeRoot;

class ScannedTasks {
public:
    /// What a file is in its folder's layout.
    enum class Kind : uint8_t { plain, overview, subtask };

    [[nodiscard]] size_t size() const { return m_tasks.size(); }
    [[nodiscard]] bool empty() const { return m_tasks.empty(); }
    /// Writes task `index` into `out`, every member set (strings assigned, not reallocated
    /// when their capacity suffices): what TaskLocation the scan would have made.
    void location(size_t index, TaskLocation& out) const;
    /// The same, where `out` holds task `previous` as written by these two (a listing's loop):
    /// a task of the same folder only changes its names, not the folder's part of its paths.
    void next_location(size_t index, size_t previous, TaskLocation& out) const;
    /// Task `index` as a new TaskLocation.
    [[nodiscard]] TaskLocation location(size_t index) const;
    /// Task `index`'s id (a view into this scan).
    [[nodiscard]] std::string_view id(size_t index) const;
    [[nodiscard]] Kind kind(size_t index) const { return m_tasks[index].kind; }
    /// A subtask's parent id (a view into this scan), empty for others.
    [[nodiscard]] std::string_view parent_id(size_t index) const;

    /// Building (the tree scan): a tree, a folder in it, a file in the last folder added.
    void add_root(TreeKind kind, const std::string& path);
    /// `relative`: the folder in the tree; `name`: its last component (a parent's id);
    /// `month`: the archive month it is in, if any.
    void add_folder(std::string relative, std::string_view name, std::string_view month, WorkflowState state);
    /// A file of the last folder: `id_size` bytes of `name` are its id (ignored for an
    /// overview, whose id is its folder's name), `sequence_size` of them a subtask's `NN`.
    void add_task(std::string_view name, Kind kind, size_t id_size, size_t sequence_size, const FileStat& stat);
    /// Room for `more` tasks.
    void reserve(size_t more);
    /// Appends another scan's roots, folders and tasks after these.
    void append(ScannedTasks&& other);

private:
    struct Root {
        TreeKind kind;
        std::string path;
    };
    struct Folder {
        uint32_t root;
        WorkflowState state;
        std::string relative;
        uint32_t name_at, name_size;  // in m_names
        uint32_t month_at, month_size;
    };
    struct Task {
        uint32_t folder;
        uint32_t name_at;
        uint32_t name_size;
        uint32_t id_size;
        uint8_t sequence_size;
        Kind kind;
        FileStat stat;
    };
    [[nodiscard]] std::string_view text(uint32_t at, uint32_t size) const { return {m_names.data() + at, size}; }
    uint32_t keep(std::string_view text);

    std::vector<Root> m_roots;
    std::vector<Folder> m_folders;
    std::vector<Task> m_tasks;
    std::string m_names;
};

}  // namespace sc::tasks
