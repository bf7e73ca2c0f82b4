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

void append_member(std::string& out, int indent, std::string_view key, std::string_view value) {
    out += ",\n";
    out.append(static_cast<size_t>(indent), ' ');
    append_json_string(out, key);
    out += ": ";
    append_json_string(out, value);
}

/// TaskLocation::metadata_json() written straight out (the corpus test holds the two equal).
void append_metadata(std::string& out, const tasks::TaskLocation& task) {
    out += "{\n      \"id\": ";
    append_json_string(out, task.id);
    append_member(out, 6, "filename", task.filename);
    append_member(out, 6, "path", task.path);
    out += ",\n      \"location\": {\n        \"workflowState\": ";
    append_json_string(out, tasks::to_string(task.state));
    if (!task.archive_month.empty())
        append_member(out, 8, "archiveDate", task.archive_month);
    out += task.is_parent ? "\n      },\n      \"isParentTask\": true" : "\n      },\n      \"isParentTask\": false";
    if (task.is_subtask()) {
        append_member(out, 6, "parentTask", task.parent_id);
        if (!task.sequence.empty())
            append_member(out, 6, "sequenceNumber", task.sequence);
    }
    out += "\n    }";
}

}  // namespace

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
    append_metadata(m_buffer, location);
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
