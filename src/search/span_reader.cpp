#include "search/span_reader.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "observe/otlp_ondemand.hpp"
#include "search/sources.hpp"
#include "util/json_check.hpp"

namespace sc::search {

namespace {

namespace od = observe::otlp_ondemand::od;
using observe::otlp_ondemand::each_object;
using observe::otlp_ondemand::each_trace_span;
using observe::otlp_ondemand::fields;
using observe::otlp_ondemand::int_value;
using observe::otlp_ondemand::is;
using observe::otlp_ondemand::read_attribute_list;
using observe::otlp_ondemand::string_value;
using simdjson::SUCCESS;

// What the index keeps of one span, as parse_trace_line reads it.
struct SpanText {
    std::string trace_id, span_id, name, status_message;
    int64_t start = 0;
    int64_t status_code = 0;
    // Attributes in their first place, with the last value given (an ordered_json object
    // assigned key by key); nullopt: a value that is not a string.
    std::vector<std::pair<std::string, std::optional<std::string>>> attributes;
    std::vector<std::string> events;
};

// any_value(value).is_string(): a stringValue or bytesValue that is a string. An AnyValue with
// several kinds is left to the full reader (it picks one by precedence).
bool attribute_string(od::value value, std::optional<std::string>& out) {
    out.reset();
    if (!is(value, od::json_type::object))
        return true;
    od::object object;
    if (value.get_object().get(object) != SUCCESS)
        return false;
    int kinds = 0;
    return fields(object, {}, [&](std::string_view key, od::value inner) {
        if (++kinds > 1)
            return false;
        if ((key != "stringValue" && key != "bytesValue") || !is(inner, od::json_type::string))
            return true;
        std::string text;
        if (!string_value(inner, text))
            return false;
        out = std::move(text);
        return true;
    });
}

bool read_attributes(od::value value, SpanText& span) {
    return read_attribute_list(value, std::optional<std::string>(), attribute_string, span.attributes);
}

bool read_events(od::value value, SpanText& span) {
    span.events.clear();
    if (!is(value, od::json_type::array))
        return true;
    return each_object(value, [&](od::object event) {
        std::string name;
        if (!fields(event, {"name"},
                    [&](std::string_view key, od::value inner) { return key != "name" || string_value(inner, name); }))
            return false;
        span.events.push_back(std::move(name));
        return true;
    });
}

bool read_status(od::value value, SpanText& span) {
    span.status_code = 0;
    span.status_message.clear();
    if (!is(value, od::json_type::object))
        return true;
    od::object status;
    return value.get_object().get(status) == SUCCESS &&
           fields(status, {"code", "message"}, [&](std::string_view key, od::value inner) {
               if (key == "code")
                   return int_value(inner, span.status_code);
               if (key == "message")
                   return string_value(inner, span.status_message);
               return true;
           });
}

bool read_span(od::object object, SpanText& span) {
    return fields(object, {"traceId", "spanId", "name", "startTimeUnixNano", "status", "attributes", "events"},
                  [&](std::string_view key, od::value value) {
                      if (key == "traceId")
                          return string_value(value, span.trace_id);
                      if (key == "spanId")
                          return string_value(value, span.span_id);
                      if (key == "name")
                          return string_value(value, span.name);
                      if (key == "startTimeUnixNano")
                          return int_value(value, span.start);
                      if (key == "status")
                          return read_status(value, span);
                      if (key == "attributes")
                          return read_attributes(value, span);
                      if (key == "events")
                          return read_events(value, span);
                      return true;
                  });
}

// The document span_docs makes of a span.
IndexedDoc doc_of(SpanText& span) {
    for (std::string* id : {&span.trace_id, &span.span_id})
        std::transform(id->begin(), id->end(), id->begin(), [](unsigned char c) { return std::tolower(c); });
    IndexedDoc doc;
    doc.kind = DocKind::span;
    doc.key = "span:" + span.trace_id + ":" + span.span_id;
    doc.ref = span.trace_id;
    doc.extra = span.span_id;
    doc.title = std::move(span.name);
    doc.status = span.status_code == 2 ? "error" : span.status_code == 1 ? "ok" : "unset";
    doc.body = std::move(span.status_message);
    doc.body += '\n';
    for (const auto& [key, value] : span.attributes)
        if (value) {
            doc.body += key;
            doc.body += ' ';
            doc.body += *value;
            doc.body += '\n';
        }
    for (const std::string& name : span.events) {
        doc.body += name;
        doc.body += '\n';
    }
    doc.time = span.start;
    return doc;
}

}  // namespace

bool read_span_docs_fast(std::string_view line, size_t capacity, std::vector<IndexedDoc>& out) {
    static thread_local od::parser parser;
    if (capacity < line.size() + simdjson::SIMDJSON_PADDING)
        return false;
    // On-Demand skips what it is not asked for without checking all of it; the full reader
    // refuses a line that is not valid JSON anywhere, so the line is checked first (one pass).
    if (json::check(line).verdict != json::Verdict::valid)
        return false;
    od::document document;
    od::object top;
    if (parser.iterate(line.data(), line.size(), capacity).get(document) != SUCCESS ||
        document.get_object().get(top) != SUCCESS)
        return false;
    std::vector<IndexedDoc> docs;
    bool listed = false;
    SpanText span;
    bool ok = each_trace_span(
        top, listed, [](od::value) { return true; },
        [&](od::object object) {
            span = SpanText {};
            if (!read_span(object, span))
                return false;
            // A span without ids cannot be placed in any trace.
            if (!span.trace_id.empty() && !span.span_id.empty())
                docs.push_back(doc_of(span));
            return true;
        },
        [] { return true; });
    if (!ok || !listed)
        return false;
    out.insert(out.end(), std::make_move_iterator(docs.begin()), std::make_move_iterator(docs.end()));
    return true;
}

std::vector<IndexedDoc> read_span_docs(std::string_view line, size_t capacity) {
    std::vector<IndexedDoc> docs;
    if (read_span_docs_fast(line, capacity, docs))
        return docs;
    return span_docs(line);
}

}  // namespace sc::search
