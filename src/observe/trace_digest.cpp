#include "observe/trace_digest.hpp"

#include <algorithm>
#include <cctype>

#include "observe/otlp_ondemand.hpp"
#include "store/hash.hpp"
#include "util/text.hpp"

namespace sc::observe {

namespace {

using text::to_lower_ascii;

// 0 is kept for "no parent", so no id hashes to it.
uint64_t hash_id(std::string_view id) {
    uint64_t hash = store::fnv1a64(id);
    return hash == 0 ? 1 : hash;
}

// An attribute as the filter compares it: KEY and the value as text (a string as is, other
// values as JSON), as attr.KEY=VALUE in trace_query.hpp.
uint64_t hash_attribute(std::string_view key, const Attributes& value) {
    std::string text(key);
    text += '\0';
    if (value.is_string())
        text += value.get_ref<const std::string&>();
    else
        text += value.dump(-1, ' ', false, Attributes::error_handler_t::replace);
    return store::fnv1a64(text);
}

void sort_unique(std::vector<uint64_t>& values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
}

template <class T>
std::vector<T> sorted_union(const std::vector<T>& a, const std::vector<T>& b) {
    std::vector<T> out;
    out.reserve(a.size() + b.size());
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

uint64_t hash_attribute_text(std::string_view key, std::string_view text) {
    std::string bytes(key);
    bytes += '\0';
    bytes += text;
    return store::fnv1a64(bytes);
}

bool has(const std::vector<uint64_t>& sorted, uint64_t value) {
    return std::binary_search(sorted.begin(), sorted.end(), value);
}

// ---- The fast reader (observe/otlp_ondemand.hpp): the fields a digest needs, read as the
// nlohmann reading of signal_query.cpp reads them, giving up (false) where it cannot.

namespace od = otlp_ondemand::od;
using otlp_ondemand::each_object;
using otlp_ondemand::each_trace_span;
using otlp_ondemand::fields;
using otlp_ondemand::int_value;
using otlp_ondemand::is;
using otlp_ondemand::read_attribute_list;
using otlp_ondemand::string_value;
using simdjson::SUCCESS;

// An attribute's value as the filter compares it (any_value then dump), or false.
bool attribute_text(od::value value, std::string& text) {
    text = "null";
    if (!is(value, od::json_type::object))
        return true;
    od::object object;
    if (value.get_object().get(object) != SUCCESS)
        return false;
    int count = 0;
    return fields(object, {}, [&](std::string_view key, od::value inner) {
        if (++count > 1)
            return false;  // nlohmann would pick by precedence: left to it
        if (key == "stringValue") {
            if (!is(inner, od::json_type::string))
                return true;
            std::string_view view;
            if (inner.get_string().get(view) != SUCCESS)
                return false;
            text = view;
            return true;
        }
        if (key == "intValue") {
            int64_t number = 0;
            if (!int_value(inner, number))
                return false;
            text = std::to_string(number);
            return true;
        }
        if (key == "boolValue") {
            bool flag = false;
            if (is(inner, od::json_type::boolean) && inner.get_bool().get(flag) != SUCCESS)
                return false;
            text = flag ? "true" : "false";
            return true;
        }
        return key != "doubleValue" && key != "arrayValue" && key != "kvlistValue" && key != "bytesValue";
    });
}

bool read_span(od::object object, DigestSpan& span) {
    std::vector<std::pair<std::string, std::string>> attributes;  // as text; last value of a key wins
    bool ok = fields(
        object,
        {"traceId", "spanId", "parentSpanId", "name", "startTimeUnixNano", "endTimeUnixNano", "status", "attributes"},
        [&](std::string_view key, od::value value) {
            if (key == "traceId")
                return string_value(value, span.trace_id);
            if (key == "spanId")
                return string_value(value, span.span_id);
            if (key == "parentSpanId")
                return string_value(value, span.parent_span_id);
            if (key == "name")
                return string_value(value, span.name);
            if (key == "startTimeUnixNano")
                return int_value(value, span.start);
            if (key == "endTimeUnixNano")
                return int_value(value, span.end);
            if (key == "status") {
                span.error = false;
                if (!is(value, od::json_type::object))
                    return true;
                od::object status;
                return value.get_object().get(status) == SUCCESS &&
                       fields(status, {"code"}, [&](std::string_view inner, od::value code) {
                           int64_t number = 0;
                           if (inner != "code")
                               return true;
                           if (!int_value(code, number))
                               return false;
                           span.error = number == 2;
                           return true;
                       });
            }
            if (key != "attributes")
                return true;
            return read_attribute_list(value, std::string("null"), attribute_text, attributes);
        });
    for (std::string* id : {&span.trace_id, &span.span_id, &span.parent_span_id})
        std::transform(id->begin(), id->end(), id->begin(), [](unsigned char c) { return std::tolower(c); });
    for (const auto& [name, text] : attributes)
        span.attributes.push_back(hash_attribute_text(name, text));
    return ok;
}

// otlp_json::service_of: the first service.name pair that has a value gives the service.
bool read_service(od::value resource, std::string& service) {
    service.clear();
    if (!is(resource, od::json_type::object))
        return true;
    od::object object;
    if (resource.get_object().get(object) != SUCCESS)
        return false;
    return fields(object, {"attributes"}, [&](std::string_view key, od::value value) {
        if (key != "attributes" || !is(value, od::json_type::array))
            return true;
        bool found = false;
        return each_object(value, [&](od::object pair) {
            if (found)
                return true;
            std::string name;
            std::string text;
            bool has_value = false;
            if (!fields(pair, {"key", "value"}, [&](std::string_view part, od::value inner) {
                    if (part == "key")
                        return string_value(inner, name);
                    if (part != "value")
                        return true;
                    has_value = true;
                    text.clear();
                    if (!is(inner, od::json_type::object))
                        return true;
                    od::object any;
                    return inner.get_object().get(any) == SUCCESS &&
                           fields(any, {"stringValue"}, [&](std::string_view which, od::value string) {
                               return which != "stringValue" || string_value(string, text);
                           });
                }))
                return false;
            if (name == "service.name" && has_value) {
                service = text;
                found = true;
            }
            return true;
        });
    });
}

}  // namespace

bool read_digest_spans(std::string_view line, size_t capacity, std::vector<DigestSpan>& out) {
    static thread_local od::parser parser;
    if (capacity < line.size() + simdjson::SIMDJSON_PADDING)
        return false;
    od::document document;
    od::object top;
    if (parser.iterate(line.data(), line.size(), capacity).get(document) != SUCCESS ||
        document.get_object().get(top) != SUCCESS)
        return false;
    size_t first = out.size();
    size_t from = first;  // the first span of the resourceSpans element being read
    std::string service;
    bool listed = false;
    bool ok = each_trace_span(
        top, listed, [&](od::value resource) { return read_service(resource, service); },
        [&](od::object object) {
            DigestSpan reduced;
            if (!read_span(object, reduced))
                return false;
            if (!reduced.trace_id.empty() && !reduced.span_id.empty())
                out.push_back(std::move(reduced));
            return true;
        },
        [&] {
            // The resource may come after its spans in the line.
            for (size_t i = from; i < out.size(); ++i)
                out[i].service = service;
            from = out.size();
            service.clear();
            return true;
        });
    const char* trailing = nullptr;
    if (!ok || !listed || document.current_location().get(trailing) == SUCCESS) {
        out.resize(first);
        return false;
    }
    return true;
}

DigestSpan DigestSpan::of(const SpanRecord& span) {
    DigestSpan out;
    out.trace_id = span.trace_id;
    out.span_id = span.span_id;
    out.parent_span_id = span.parent_span_id;
    out.name = span.name;
    out.service = span.service;
    out.start = span.start;
    out.end = span.end;
    out.error = span.is_error();
    for (const auto& [key, value] : span.attributes.items())
        out.attributes.push_back(hash_attribute(key, value));
    return out;
}

TraceDigest TraceDigest::of(const std::vector<const SpanRecord*>& spans) {
    std::vector<DigestSpan> reduced;
    reduced.reserve(spans.size());
    for (const SpanRecord* span : spans)
        reduced.push_back(DigestSpan::of(*span));
    std::vector<const DigestSpan*> pointers;
    for (const DigestSpan& span : reduced)
        pointers.push_back(&span);
    return of(pointers);
}

TraceDigest TraceDigest::of(const std::vector<const DigestSpan*>& spans) {
    TraceDigest digest;
    if (spans.empty())
        return digest;
    digest.trace_id = spans.front()->trace_id;
    for (const DigestSpan* span : spans) {
        digest.start = std::min(digest.start, span->start);
        digest.end = std::max(digest.end, span->end);
        ++digest.spans;
        digest.errors += span->error ? 1 : 0;
        digest.span_ids.push_back(hash_id(span->span_id));
        digest.names.push_back(to_lower_ascii(span->name));
        digest.attributes.insert(digest.attributes.end(), span->attributes.begin(), span->attributes.end());
    }
    sort_unique(digest.span_ids);
    sort_unique(digest.attributes);
    std::sort(digest.names.begin(), digest.names.end());
    digest.names.erase(std::unique(digest.names.begin(), digest.names.end()), digest.names.end());
    for (const DigestSpan* span : spans) {
        uint64_t parent = span->parent_span_id.empty() ? 0 : hash_id(span->parent_span_id);
        if (parent == 0 || !has(digest.span_ids, parent))
            digest.roots.push_back({parent, span->start, span->name, span->service});
    }
    return digest;
}

void TraceDigest::merge(TraceDigest&& later) {
    start = std::min(start, later.start);
    end = std::max(end, later.end);
    spans += later.spans;
    errors += later.errors;
    // A root stays one while its parent is in neither part.
    std::vector<Root> kept;
    kept.reserve(roots.size() + later.roots.size());
    for (Root& root : roots)
        if (root.parent == 0 || !has(later.span_ids, root.parent))
            kept.push_back(std::move(root));
    for (Root& root : later.roots)
        if (root.parent == 0 || !has(span_ids, root.parent))
            kept.push_back(std::move(root));
    roots = std::move(kept);
    span_ids = sorted_union(span_ids, later.span_ids);
    attributes = sorted_union(attributes, later.attributes);
    names = sorted_union(names, later.names);
    for (const Line& line : later.lines)
        if (lines.empty() || lines.back() != line)
            lines.push_back(line);
}

TraceSummary TraceDigest::summary() const {
    TraceSummary summary;
    summary.trace_id = trace_id;
    summary.start = start;
    summary.duration = end > start ? end - start : 0;
    summary.span_count = spans;
    summary.error_count = errors;
    const Root* root = nullptr;
    for (const Root& candidate : roots)
        if (root == nullptr || candidate.start < root->start)
            root = &candidate;
    if (root != nullptr) {
        summary.root_name = root->name;
        summary.service = root->service;
    }
    return summary;
}

bool TraceDigest::matches(const TraceFilter& filter) const {
    if (filter.errors_only && errors == 0)
        return false;
    if ((filter.since && start < *filter.since) || (filter.until && start >= *filter.until))
        return false;
    int64_t duration = end > start ? end - start : 0;
    if ((filter.min_duration && duration < *filter.min_duration) ||
        (filter.max_duration && duration > *filter.max_duration))
        return false;
    if (!filter.name.empty()) {
        std::string wanted = to_lower_ascii(filter.name);
        if (std::none_of(names.begin(), names.end(),
                         [&](const std::string& name) { return name.find(wanted) != std::string::npos; }))
            return false;
    }
    for (const auto& [key, value] : filter.attributes)
        if (!has(attributes, hash_attribute(key, Attributes(value))))
            return false;
    if (!filter.service.empty() &&
        to_lower_ascii(summary().service).find(to_lower_ascii(filter.service)) == std::string::npos)
        return false;
    return true;
}

}  // namespace sc::observe
