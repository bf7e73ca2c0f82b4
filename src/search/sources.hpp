#pragma once
// What the index holds of each kind of thing (docs/search.md, "What is indexed"): a task's
// title, sections, tags and fields; a project doc's first heading and text; an event's type,
// stream and the text of its data; a span's name, status message and string attributes; a
// log record's body and attributes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/event_reader.hpp"
#include "search/search_index.hpp"
#include "store/event_parser.hpp"
#include "tasks/task_record.hpp"

namespace sc::search {

/// The key of a task file in the index: its tree and path within the tree.
std::string task_key(tasks::TreeKind tree, std::string_view relative_path);

IndexedDoc task_doc(const tasks::TaskRecord& record, int64_t mtime_nanos, int64_t size);
/// `relative_path` from the project root.
IndexedDoc project_doc(const std::string& absolute_path, const std::string& relative_path, std::string_view content,
                       int64_t mtime_nanos, int64_t size);
/// `data` is the event's data, parsed (discarded when it is not JSON).
IndexedDoc event_doc(const store::EventView& event, const nlohmann::json& data);
/// The same document from data read by read_event_data (event_reader.hpp).
IndexedDoc event_doc(const store::EventView& event, const EventData& data);
/// The spans of one line of traces/, the records of one line of logs/ (none when the line is
/// not OTLP of that signal).
std::vector<IndexedDoc> span_docs(std::string_view line);
std::vector<IndexedDoc> log_docs(std::string_view line);

}  // namespace sc::search
