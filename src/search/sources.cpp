#include "search/sources.hpp"

#include <nlohmann/json.hpp>

#include "observe/signal_query.hpp"
#include "tasks/schema.hpp"
#include "util/text.hpp"

namespace sc::search {

namespace {

// An event's data is indexed up to this much text: enough for every field a person searches
// by, and a change record's file contents (the task's text, indexed as the task) stay out.
constexpr size_t k_max_event_text = 4096;

std::string canonical(tasks::EnumKind kind, const std::optional<std::string>& value) {
    if (!value)
        return "";
    Result<std::string> normal = tasks::normalise_enum(kind, *value);
    return normal.ok() ? *normal : *value;
}

// The string values of a JSON value, space-separated, leaving out file contents and section
// bodies (the task's own text) and stopping at `limit`.
void collect_text(const nlohmann::json& value, std::string& out, size_t limit) {
    if (out.size() >= limit)
        return;
    if (value.is_string()) {
        out += value.get_ref<const std::string&>();
        out += ' ';
    } else if (value.is_object()) {
        for (const auto& [key, member] : value.items())
            if (key != "content" && key != "old_body" && key != "new_body")
                collect_text(member, out, limit);
    } else if (value.is_array()) {
        for (const auto& item : value)
            collect_text(item, out, limit);
    } else if (value.is_number()) {
        out += value.dump() + ' ';
    }
    if (out.size() > limit)
        out.resize(limit);
}

void attribute_text(const observe::Attributes& attributes, std::string& out) {
    for (const auto& [key, value] : attributes.items())
        if (value.is_string())
            out += key + " " + value.get<std::string>() + "\n";
}

}  // namespace

std::string task_key(tasks::TreeKind tree, std::string_view relative_path) {
    return "task:" + std::string(tasks::to_string(tree)) + ":" + std::string(relative_path);
}

IndexedDoc task_doc(const tasks::TaskRecord& record, int64_t mtime_nanos, int64_t size) {
    const tasks::TaskDocument& document = record.document;
    IndexedDoc doc;
    doc.kind = DocKind::task;
    doc.key = task_key(record.tree, record.relative_path);
    doc.ref = record.id;
    doc.title = document.title();
    for (const auto& [name, body] : document.section_entries()) {
        if (body.empty())
            continue;
        doc.body += name;
        doc.body += "\n";
        doc.body += body;
        doc.body += "\n\n";
    }
    doc.tags = document.field_list("tags");
    doc.status = canonical(tasks::EnumKind::status, document.field("status"));
    doc.type = canonical(tasks::EnumKind::type, document.field("type"));
    doc.priority = canonical(tasks::EnumKind::priority, document.field("priority"));
    doc.phase = canonical(tasks::EnumKind::phase, document.field("phase"));
    doc.area = document.field("area").value_or("");
    doc.assignee = document.field("assignee").value_or("");
    doc.location = record.state == tasks::WorkflowState::archive ? "archive" : "current";
    doc.parent = record.parent_id;
    doc.path = record.path;
    doc.time = mtime_nanos;
    doc.size = size;
    return doc;
}

IndexedDoc project_doc(const std::string& absolute_path, const std::string& relative_path, std::string_view content,
                       int64_t mtime_nanos, int64_t size) {
    IndexedDoc doc;
    doc.kind = DocKind::doc;
    doc.key = "doc:" + relative_path;
    doc.ref = relative_path;
    doc.path = absolute_path;
    // The first Markdown heading names the doc; else its file name.
    size_t start = 0;
    while (start < content.size()) {
        size_t end = content.find('\n', start);
        std::string_view line =
            content.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (line.starts_with("# ")) {
            doc.title = std::string(text::trim(line.substr(2)));
            break;
        }
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    if (doc.title.empty())
        doc.title = relative_path.substr(relative_path.rfind('/') + 1);
    doc.body = std::string(content);
    doc.time = mtime_nanos;
    doc.size = size;
    return doc;
}

namespace {

IndexedDoc event_doc_of(const store::EventView& event) {
    IndexedDoc doc;
    doc.kind = DocKind::event;
    doc.key = "event:" + std::to_string(event.seq);
    doc.ref = std::string(event.stream);
    doc.type = std::string(event.type);
    // The title is the type alone: the stream names the task (task:add-login-page-..), and in
    // the title, weighted as a task's title is, every event of a task would outrank the task.
    doc.title = std::string(event.type);
    doc.extra = std::to_string(event.seq);
    doc.time = event.time_unix_nanos;
    doc.body = std::string(event.stream) + "\n";
    return doc;
}

}  // namespace

IndexedDoc event_doc(const store::EventView& event, const nlohmann::json& data) {
    IndexedDoc doc = event_doc_of(event);
    if (!data.is_discarded())
        collect_text(data, doc.body, k_max_event_text);
    if (data.is_object()) {
        // A change record's operation and task ids make the event findable by task.
        if (auto id = data.find("taskId"); id != data.end() && id->is_string())
            doc.parent = id->get<std::string>();
    }
    return doc;
}

IndexedDoc event_doc(const store::EventView& event, const EventData& data) {
    IndexedDoc doc = event_doc_of(event);
    // collect_text stops appending once the text reaches the limit and cuts it there: the same
    // bytes as the whole text cut at the limit.
    if (doc.body.size() < k_max_event_text) {
        doc.body += data.text;
        if (doc.body.size() > k_max_event_text)
            doc.body.resize(k_max_event_text);
    }
    if (data.object && !data.task_id.empty())
        doc.parent = data.task_id;
    return doc;
}

std::vector<IndexedDoc> span_docs(std::string_view line) {
    std::vector<observe::SpanRecord> spans;
    std::vector<IndexedDoc> docs;
    if (!observe::parse_trace_line(line, spans).ok())
        return docs;
    for (const observe::SpanRecord& span : spans) {
        IndexedDoc doc;
        doc.kind = DocKind::span;
        doc.key = "span:" + span.trace_id + ":" + span.span_id;
        doc.ref = span.trace_id;
        doc.extra = span.span_id;
        doc.title = span.name;
        doc.status = span.status == observe::SpanStatus::error ? "error"
                     : span.status == observe::SpanStatus::ok  ? "ok"
                                                               : "unset";
        doc.body = span.status_message + "\n";
        attribute_text(span.attributes, doc.body);
        for (const observe::SpanEventRecord& event : span.events)
            doc.body += event.name + "\n";
        doc.time = span.start;
        docs.push_back(std::move(doc));
    }
    return docs;
}

std::vector<IndexedDoc> log_docs(std::string_view line) {
    std::vector<observe::LogRecord> records;
    std::vector<IndexedDoc> docs;
    if (!observe::parse_log_line(line, records).ok())
        return docs;
    for (const observe::LogRecord& record : records) {
        IndexedDoc doc;
        doc.kind = DocKind::log;
        doc.ref = record.trace_id;
        doc.extra = record.span_id;
        doc.key = "log:" + std::to_string(record.time) + ":" + record.trace_id + ":" + record.span_id + ":" +
                  std::to_string(std::hash<std::string> {}(record.body));
        doc.status =
            record.severity_text.empty() ? observe::severity_name(record.severity_number) : record.severity_text;
        doc.title = record.body.size() > 120 ? record.body.substr(0, 120) : record.body;
        doc.body = record.body + "\n";
        attribute_text(record.attributes, doc.body);
        doc.time = record.time;
        docs.push_back(std::move(doc));
    }
    return docs;
}

}  // namespace sc::search
