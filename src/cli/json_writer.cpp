#include "cli/json_writer.hpp"

#include <cstdio>

#include "util/json_string.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

void indent_to(std::string& out, int spaces) {
    out.append(static_cast<size_t>(spaces), ' ');
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    if (text::is_valid_utf8(text)) {
        json::append_string(out, text);
        return;
    }
    // Rare: let nlohmann apply its replacement rules so the two writers never disagree.
    out += nlohmann::ordered_json(std::string(text))
               .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void append_pretty_json(std::string& out, const nlohmann::ordered_json& value, int indent) {
    switch (value.type()) {
        case nlohmann::ordered_json::value_t::object: {
            if (value.empty()) {
                out += "{}";
                return;
            }
            out += "{\n";
            bool first = true;
            for (const auto& [key, member] : value.items()) {
                if (!first)
                    out += ",\n";
                first = false;
                indent_to(out, indent + 2);
                append_json_string(out, key);
                out += ": ";
                append_pretty_json(out, member, indent + 2);
            }
            out += "\n";
            indent_to(out, indent);
            out += "}";
            return;
        }
        case nlohmann::ordered_json::value_t::array: {
            if (value.empty()) {
                out += "[]";
                return;
            }
            out += "[\n";
            bool first = true;
            for (const auto& item : value) {
                if (!first)
                    out += ",\n";
                first = false;
                indent_to(out, indent + 2);
                append_pretty_json(out, item, indent + 2);
            }
            out += "\n";
            indent_to(out, indent);
            out += "]";
            return;
        }
        case nlohmann::ordered_json::value_t::string:
            append_json_string(out, value.get_ref<const std::string&>());
            return;
        case nlohmann::ordered_json::value_t::boolean:
            out += value.get<bool>() ? "true" : "false";
            return;
        case nlohmann::ordered_json::value_t::number_integer:
            out += std::to_string(value.get<int64_t>());
            return;
        case nlohmann::ordered_json::value_t::number_unsigned:
            out += std::to_string(value.get<uint64_t>());
            return;
        default:  // floats, null, binary: nlohmann's own formatting (shortest round-trip for floats)
            out += value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            return;
    }
}

namespace {

void append_member(std::string& out, int indent, std::string_view key, std::string_view value) {
    out += ",\n";
    indent_to(out, indent);
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

void append_sections(std::string& out, const tasks::TaskDocument& document) {
    out += "{";
    bool first = true;
    for (const auto& [name, body] : document.section_entries()) {
        out += first ? "\n        " : ",\n        ";
        first = false;
        append_json_string(out, name);
        out += ": ";
        append_json_string(out, body);
    }
    out += "\n      }";
}

}  // namespace

void TaskListJsonWriter::add(const tasks::TaskRecord& record) {
    constexpr size_t k_piece = 64 * 1024;
    m_buffer += m_count++ == 0 ? "[\n  {\n    \"metadata\": " : ",\n  {\n    \"metadata\": ";
    append_metadata(m_buffer, record);
    m_buffer += ",\n    \"document\": {\n      \"title\": ";
    append_json_string(m_buffer, record.document.title());
    m_buffer += ",\n      \"frontmatter\": ";
    append_pretty_json(m_buffer, record.document.frontmatter(), 6);
    if (m_sections) {
        m_buffer += ",\n      \"sections\": ";
        append_sections(m_buffer, record.document);
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
