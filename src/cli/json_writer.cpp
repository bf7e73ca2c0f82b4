#include "cli/json_writer.hpp"

#include <cstdio>

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

/// TaskLocation::metadata_json() written straight out (the corpus test holds the two equal).
void TaskListJsonWriter::append_metadata(const tasks::TaskLocation& task) {
    std::string& out = m_buffer;
    out += "{\n      \"id\": ";
    append_json_string(out, task.id);
    append_member(out, ",\n      \"filename\": ", task.filename);
    out += ",\n      \"path\": ";
    append_path(task);
    out += ",\n      \"location\": {\n        \"workflowState\": ";
    append_json_string(out, tasks::to_string(task.state));
    if (!task.archive_month.empty())
        append_member(out, ",\n        \"archiveDate\": ", task.archive_month);
    out += task.is_parent ? "\n      },\n      \"isParentTask\": true" : "\n      },\n      \"isParentTask\": false";
    if (task.is_subtask()) {
        append_member(out, ",\n      \"parentTask\": ", task.parent_id);
        if (!task.sequence.empty())
            append_member(out, ",\n      \"sequenceNumber\": ", task.sequence);
    }
    out += "\n    }";
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
