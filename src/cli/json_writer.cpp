#include "cli/json_writer.hpp"

#include <cstdio>
#include <cstring>

#include "tasks/document_json.hpp"

namespace sc::cli {

void append_json_string(std::string& out, std::string_view text) {
    tasks::append_json_string(out, text);
}

void append_pretty_json(std::string& out, const nlohmann::ordered_json& value, int indent) {
    tasks::append_pretty_json(out, value, indent);
}

namespace {

/// `member` is `,\n<indent>"<key>": `, written as it is: the keys are ours and need no escape.
void append_member(std::string& out, std::string_view member, std::string_view value) {
    out += member;
    append_json_string(out, value);
}

}  // namespace

namespace {

constexpr std::string_view k_id = "{\n      \"id\": ";
constexpr std::string_view k_filename = ",\n      \"filename\": ";
constexpr std::string_view k_path = ",\n      \"path\": ";
constexpr std::string_view k_state = ",\n      \"location\": {\n        \"workflowState\": ";
constexpr std::string_view k_archive_date = ",\n        \"archiveDate\": ";
constexpr std::string_view k_parent = "\n      },\n      \"isParentTask\": true";
constexpr std::string_view k_not_parent = "\n      },\n      \"isParentTask\": false";
constexpr std::string_view k_parent_task = ",\n      \"parentTask\": ";
constexpr std::string_view k_sequence = ",\n      \"sequenceNumber\": ";
constexpr std::string_view k_end = "\n    }";

char* put(char* at, std::string_view text) {
    std::memcpy(at, text.data(), text.size());
    return at + text.size();
}

char* put_string(char* at, std::string_view text) {  // a string plain_json_ascii() accepted
    *at++ = '"';
    at = put(at, text);
    *at++ = '"';
    return at;
}

}  // namespace

/// TaskLocation::metadata_json() written straight out (the corpus test holds the two equal).
void TaskListJsonWriter::append_metadata(const tasks::TaskLocation& task) {
    if (append_plain_metadata(task))
        return;
    std::string& out = m_buffer;
    out += k_id;
    append_json_string(out, task.id);
    append_member(out, k_filename, task.filename);
    out += k_path;
    append_path(task);
    out += k_state;
    append_json_string(out, tasks::to_string(task.state));
    if (!task.archive_month.empty())
        append_member(out, k_archive_date, task.archive_month);
    out += task.is_parent ? k_parent : k_not_parent;
    if (task.is_subtask()) {
        append_member(out, k_parent_task, task.parent_id);
        if (!task.sequence.empty())
            append_member(out, k_sequence, task.sequence);
    }
    out += k_end;
}

/// The usual case, a task whose names need no escape under a root already escaped: its size
/// is known before writing, so the buffer grows once and the pieces are copied in, instead
/// of a dozen appends and escaping checks (a fifth of a cached listing's instructions).
bool TaskListJsonWriter::append_plain_metadata(const tasks::TaskLocation& task) {
    std::string_view path = task.path;
    std::string_view relative = task.relative_path;
    if (m_root.empty() || path.size() != m_root.size() + relative.size() || !path.starts_with(m_root) ||
        !path.ends_with(relative))
        return false;
    bool subtask = task.is_subtask();
    std::string_view state = tasks::to_string(task.state);  // one of our words: nothing to escape
    if (!plain_names(task))
        return false;
    size_t size = k_id.size() + task.id.size() + 2 + k_filename.size() + task.filename.size() + 2 + k_path.size() +
                  m_root_json.size() + relative.size() + 1 + k_state.size() + state.size() + 2 +
                  (task.is_parent ? k_parent.size() : k_not_parent.size()) + k_end.size();
    if (!task.archive_month.empty())
        size += k_archive_date.size() + task.archive_month.size() + 2;
    if (subtask) {
        size += k_parent_task.size() + task.parent_id.size() + 2;
        if (!task.sequence.empty())
            size += k_sequence.size() + task.sequence.size() + 2;
    }
    size_t start = m_buffer.size();
    m_buffer.resize(start + size);
    char* at = m_buffer.data() + start;
    at = put_string(put(at, k_id), task.id);
    at = put_string(put(at, k_filename), task.filename);
    at = put(put(put(at, k_path), m_root_json), relative);  // m_root_json: `"<root>`
    *at++ = '"';
    at = put_string(put(at, k_state), state);
    if (!task.archive_month.empty())
        at = put_string(put(at, k_archive_date), task.archive_month);
    at = put(at, task.is_parent ? k_parent : k_not_parent);
    if (subtask) {
        at = put_string(put(at, k_parent_task), task.parent_id);
        if (!task.sequence.empty())
            at = put_string(put(at, k_sequence), task.sequence);
    }
    put(at, k_end);
    return true;
}

/// Whether none of the task's names needs an escape, checking each byte once per folder, not
/// once per member: tasks come folder by folder, and a scanned location's id is the start of
/// its file name (a parent's, the end of its folder), its file name the end of its path in the
/// tree, its parent's id a folder in that path, its sequence the start of its id. A name that
/// is not where the scan puts it is checked on its own. (A fifth of a cached listing's
/// instructions at 10,000 tasks went to checking the same bytes four times.)
bool TaskListJsonWriter::plain_names(const tasks::TaskLocation& task) {
    std::string_view relative = task.relative_path;
    std::string_view name = task.filename;
    bool named =
        relative.size() > name.size() && relative.ends_with(name) && relative[relative.size() - name.size() - 1] == '/';
    if (!named) {
        if (!tasks::plain_json_ascii(relative) || !tasks::plain_json_ascii(name))
            return false;
    } else {
        std::string_view folder = relative.substr(0, relative.size() - name.size());
        if (folder != m_plain_folder) {
            if (!tasks::plain_json_ascii(folder))
                return false;
            m_plain_folder.assign(folder);
        }
        if (!tasks::plain_json_ascii(name))
            return false;
    }
    std::string_view id = task.id;
    std::string_view in_folder = named ? relative.substr(0, relative.size() - name.size() - 1) : std::string_view();
    bool id_placed =
        name.starts_with(id) || (named && in_folder.ends_with(id) &&
                                 (in_folder.size() == id.size() || in_folder[in_folder.size() - id.size() - 1] == '/'));
    if (!id_placed && !tasks::plain_json_ascii(id))
        return false;
    if (!task.archive_month.empty() && !tasks::plain_json_ascii(task.archive_month))
        return false;
    if (task.is_subtask()) {
        std::string_view parent = task.parent_id;
        bool parent_placed =
            named && in_folder.ends_with(parent) &&
            (in_folder.size() == parent.size() || in_folder[in_folder.size() - parent.size() - 1] == '/');
        if (!parent_placed && !tasks::plain_json_ascii(parent))
            return false;
        if (!id.starts_with(task.sequence) && !tasks::plain_json_ascii(task.sequence))  // the id is plain here
            return false;
    }
    return true;
}

void TaskListJsonWriter::append_path(const tasks::TaskLocation& task) {
    // Every path of a listing starts with its tree's root: that part is escaped once, and only
    // the path in the tree for each task. The cut is after a '/', an ASCII byte no multibyte
    // sequence spans, so the two pieces escaped (invalid bytes replaced, as nlohmann does)
    // read as the whole path escaped.
    std::string_view path = task.path;
    std::string_view relative = task.relative_path;
    bool has_root = path.size() > relative.size() && path.substr(path.size() - relative.size()) == relative &&
                    path[path.size() - relative.size() - 1] == '/';
    std::string_view root = has_root ? path.substr(0, path.size() - relative.size()) : std::string_view();
    if (!has_root) {
        append_json_string(m_buffer, path);
        return;
    }
    if (root != m_root) {
        m_root = root;
        m_root_json.clear();
        append_json_string(m_root_json, root);
        m_root_json.pop_back();  // `"<root>`, without the closing quote
    }
    size_t at = m_buffer.size();
    append_json_string(m_buffer, relative);  // `"<relative>"`: its opening quote becomes `"<root>`
    m_buffer.replace(at, 1, m_root_json);
}

void TaskListJsonWriter::add(const tasks::TaskRecord& record) {
    std::string document;
    if (m_sections) {
        tasks::append_listed_document(document, record.document);
    } else {
        tasks::append_json_string(document, record.document.title());
        document += ",\n      \"frontmatter\": ";
        tasks::append_pretty_json(document, record.document.frontmatter(), 6);
    }
    add(record, document);
}

void TaskListJsonWriter::add(const tasks::TaskLocation& location, std::string_view listed_document) {
    constexpr size_t k_piece = 64 * 1024;
    m_buffer += m_count++ == 0 ? "[\n  {\n    \"metadata\": " : ",\n  {\n    \"metadata\": ";
    append_metadata(location);
    m_buffer += ",\n    \"document\": {\n      \"title\": ";
    if (m_sections) {
        m_buffer += listed_document;
    } else {
        // The sections are the document's last member, at this indentation only (a key of
        // the frontmatter sits deeper, and a string's newlines are escaped).
        constexpr std::string_view k_sections = ",\n      \"sections\": ";
        m_buffer += listed_document.substr(0, listed_document.rfind(k_sections));
    }
    m_buffer += "\n    }\n  }";
    if (m_buffer.size() >= k_piece) {
        m_out(m_buffer);
        m_buffer.clear();
    }
}

void TaskListJsonWriter::finish() {
    m_buffer += m_count == 0 ? "[]\n" : "\n]\n";
    m_out(m_buffer);
    m_buffer.clear();
}

std::string task_list_json(const std::vector<tasks::TaskRecord>& records) {
    std::string out;
    TaskListJsonWriter writer([&out](std::string_view piece) { out += piece; });
    for (const tasks::TaskRecord& record : records)
        writer.add(record);
    writer.finish();
    return out;
}

}  // namespace sc::cli
