#pragma once
// Writing JSON exactly as nlohmann::json's dump(2) does, but straight into a string: listing
// 1,000 tasks as JSON spent more time building and serialising a JSON tree than reading and
// parsing the files (docs/performance.md). Output is byte-identical to render()'s, which a
// test checks on every corpus tree.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tasks/task_record.hpp"

namespace sc::cli {

/// Appends `text` as a JSON string: the escapes nlohmann uses, UTF-8 kept as is, invalid
/// UTF-8 replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view text);

/// Appends `value` pretty-printed with two-space indentation, starting at `indent` spaces.
void append_pretty_json(std::string& out, const nlohmann::ordered_json& value, int indent = 0);

/// Writes the JSON array of `sc task list --format json` (Scopecraft's shape) a task at a
/// time, handing the text to `out` in pieces of about 64 KiB: a listing of any size needs
/// only that much memory.
class TaskListJsonWriter {
public:
    /// `sections`: false leaves each document's sections out (MCP's task_list without
    /// include_content).
    explicit TaskListJsonWriter(std::function<void(std::string_view)> out, bool sections = true)
        : m_out(std::move(out)), m_sections(sections) {}
    /// Tasks added so far.
    [[nodiscard]] size_t count() const { return m_count; }
    void add(const tasks::TaskRecord& record);
    /// A task whose document members come ready-written (tasks::append_listed_document, or
    /// the listing cache's copy of them).
    void add(const tasks::TaskLocation& location, std::string_view listed_document);
    /// Closes the array (`[]` when nothing was added) and hands out what is left.
    void finish();

private:
    void append_metadata(const tasks::TaskLocation& task);
    bool append_plain_metadata(const tasks::TaskLocation& task);
    bool plain_names(const tasks::TaskLocation& task);
    void append_path(const tasks::TaskLocation& task);

    std::function<void(std::string_view)> m_out;
    std::string m_buffer;
    std::string m_root;          // the tree root the last path started with, `/.../tasks/`
    std::string m_root_json;     // the same escaped, after an opening quote
    std::string m_plain_folder;  // the last folder (path in the tree, with its '/') found plain
    size_t m_count = 0;
    bool m_sections = true;
};

/// The whole array as one string, with a final newline.
std::string task_list_json(const std::vector<tasks::TaskRecord>& records);

}  // namespace sc::cli
