#include "receiver/otlp_json_writer.hpp"

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "opentelemetry/proto/common/v1/common.pb.h"
#include "receiver/otlp_ids.hpp"
#include "telemetry/exporters/json_text.hpp"

namespace sc::receiver {

namespace {

namespace pb = google::protobuf;
namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
namespace logs = opentelemetry::proto::logs::v1;
using telemetry::exporters::append_json_double;
using telemetry::exporters::append_json_int64_string;
using telemetry::exporters::append_json_string;
using telemetry::exporters::append_json_uint;
using telemetry::exporters::append_json_uint64_string;

void append_message(std::string& out, const pb::Message& message, int depth);

void append_key_values(std::string& out, const pb::RepeatedPtrField<common::KeyValue>& values, int depth);

// AnyValue and KeyValue hold most of the bytes of every request: written through the
// generated accessors rather than reflection.
void append_any_value(std::string& out, const common::AnyValue& value, int depth) {
    if (depth > k_max_any_value_depth) {
        out += "{}";
        return;
    }
    switch (value.value_case()) {
        case common::AnyValue::kStringValue:
            out += "{\"stringValue\":";
            append_json_string(out, value.string_value());
            out += '}';
            return;
        case common::AnyValue::kBoolValue:
            out += value.bool_value() ? "{\"boolValue\":true}" : "{\"boolValue\":false}";
            return;
        case common::AnyValue::kIntValue:
            out += "{\"intValue\":";
            append_json_int64_string(out, value.int_value());
            out += '}';
            return;
        case common::AnyValue::kDoubleValue:
            out += "{\"doubleValue\":";
            append_json_double(out, value.double_value());
            out += '}';
            return;
        case common::AnyValue::kArrayValue: {
            out += "{\"arrayValue\":{\"values\":[";
            const auto& values = value.array_value().values();
            for (int i = 0; i < values.size(); ++i) {
                if (i > 0)
                    out += ',';
                append_any_value(out, values[i], depth + 1);
            }
            out += "]}}";
            return;
        }
        case common::AnyValue::kKvlistValue:
            out += "{\"kvlistValue\":{\"values\":";
            append_key_values(out, value.kvlist_value().values(), depth + 1);
            out += "}}";
            return;
        case common::AnyValue::kBytesValue:
            out += "{\"bytesValue\":\"";
            append_base64(out, value.bytes_value());
            out += "\"}";
            return;
        case common::AnyValue::VALUE_NOT_SET:
            out += "{}";
            return;
    }
    out += "{}";
}

void append_key_value(std::string& out, const common::KeyValue& key_value, int depth) {
    out += "{\"key\":";
    append_json_string(out, key_value.key());
    out += ",\"value\":";
    append_any_value(out, key_value.value(), depth);
    out += '}';
}

void append_key_values(std::string& out, const pb::RepeatedPtrField<common::KeyValue>& values, int depth) {
    out += '[';
    for (int i = 0; i < values.size(); ++i) {
        if (i > 0)
            out += ',';
        append_key_value(out, values[i], depth);
    }
    out += ']';
}

bool is_id_field(const pb::FieldDescriptor* field) {
    const std::string& name = field->name();
    return name == "trace_id" || name == "span_id" || name == "parent_span_id";
}

void append_bytes(std::string& out, const pb::FieldDescriptor* field, const std::string& bytes) {
    out += '"';
    if (is_id_field(field))
        append_hex(out, bytes);
    else
        append_base64(out, bytes);
    out += '"';
}

void append_value(std::string& out, const pb::Message& message, const pb::FieldDescriptor* field, int index,
                  int depth) {
    const pb::Reflection* reflection = message.GetReflection();
    const bool repeated = field->is_repeated();
    using Type = pb::FieldDescriptor::Type;
    switch (field->type()) {
        case Type::TYPE_INT64:
        case Type::TYPE_SINT64:
        case Type::TYPE_SFIXED64:
            append_json_int64_string(out, repeated ? reflection->GetRepeatedInt64(message, field, index)
                                                   : reflection->GetInt64(message, field));
            return;
        case Type::TYPE_UINT64:
        case Type::TYPE_FIXED64:
            append_json_uint64_string(out, repeated ? reflection->GetRepeatedUInt64(message, field, index)
                                                    : reflection->GetUInt64(message, field));
            return;
        case Type::TYPE_INT32:
        case Type::TYPE_SINT32:
        case Type::TYPE_SFIXED32: {
            int32_t value =
                repeated ? reflection->GetRepeatedInt32(message, field, index) : reflection->GetInt32(message, field);
            if (value < 0)
                out += '-';
            append_json_uint(
                out, value < 0 ? static_cast<uint64_t>(-static_cast<int64_t>(value)) : static_cast<uint64_t>(value));
            return;
        }
        case Type::TYPE_UINT32:
        case Type::TYPE_FIXED32:
            append_json_uint(out, repeated ? reflection->GetRepeatedUInt32(message, field, index)
                                           : reflection->GetUInt32(message, field));
            return;
        case Type::TYPE_DOUBLE:
            append_json_double(out, repeated ? reflection->GetRepeatedDouble(message, field, index)
                                             : reflection->GetDouble(message, field));
            return;
        case Type::TYPE_FLOAT:
            append_json_double(out, repeated ? reflection->GetRepeatedFloat(message, field, index)
                                             : reflection->GetFloat(message, field));
            return;
        case Type::TYPE_BOOL:
            out += (repeated ? reflection->GetRepeatedBool(message, field, index) : reflection->GetBool(message, field))
                       ? "true"
                       : "false";
            return;
        case Type::TYPE_ENUM: {
            int value = repeated ? reflection->GetRepeatedEnumValue(message, field, index)
                                 : reflection->GetEnumValue(message, field);
            if (value < 0)
                out += '-';
            append_json_uint(out, static_cast<uint64_t>(value < 0 ? -static_cast<int64_t>(value) : value));
            return;
        }
        case Type::TYPE_STRING: {
            std::string scratch;
            const std::string& text = repeated ? reflection->GetRepeatedStringReference(message, field, index, &scratch)
                                               : reflection->GetStringReference(message, field, &scratch);
            append_json_string(out, text);
            return;
        }
        case Type::TYPE_BYTES: {
            std::string scratch;
            const std::string& bytes = repeated
                                           ? reflection->GetRepeatedStringReference(message, field, index, &scratch)
                                           : reflection->GetStringReference(message, field, &scratch);
            append_bytes(out, field, bytes);
            return;
        }
        case Type::TYPE_MESSAGE:
        case Type::TYPE_GROUP: {
            const pb::Message& child = repeated ? reflection->GetRepeatedMessage(message, field, index)
                                                : reflection->GetMessage(message, field);
            append_message(out, child, depth + 1);
            return;
        }
    }
    out += "null";
}

void append_message(std::string& out, const pb::Message& message, int depth) {
    const pb::Descriptor* descriptor = message.GetDescriptor();
    if (descriptor == common::KeyValue::descriptor()) {
        append_key_value(out, static_cast<const common::KeyValue&>(message), 0);
        return;
    }
    if (descriptor == common::AnyValue::descriptor()) {
        append_any_value(out, static_cast<const common::AnyValue&>(message), 0);
        return;
    }
    const pb::Reflection* reflection = message.GetReflection();
    out += '{';
    bool first = true;
    for (int i = 0; i < descriptor->field_count(); ++i) {
        const pb::FieldDescriptor* field = descriptor->field(i);
        int count = 0;
        if (field->is_repeated()) {
            count = reflection->FieldSize(message, field);
            if (count == 0)
                continue;
        } else if (!reflection->HasField(message, field)) {
            continue;
        }
        if (!first)
            out += ',';
        first = false;
        out += '"';
        out += field->json_name();
        out += "\":";
        if (!field->is_repeated()) {
            append_value(out, message, field, 0, depth);
            continue;
        }
        out += '[';
        for (int index = 0; index < count; ++index) {
            if (index > 0)
                out += ',';
            append_value(out, message, field, index, depth);
        }
        out += ']';
    }
    out += '}';
}

// Traces and logs, the bulk of what arrives, are written through the generated accessors, in
// the field order and with the presence rules the reflective writer below follows for every
// other message (a test checks both agree).

void append_id(std::string& out, const char* key, const std::string& bytes, bool& first) {
    if (bytes.empty())
        return;
    out += first ? "\"" : ",\"";
    first = false;
    out += key;
    out += "\":\"";
    append_hex(out, bytes);
    out += '"';
}

void append_enum(std::string& out, int value) {
    if (value < 0)
        out += '-';
    append_json_uint(out,
                     value < 0 ? static_cast<uint64_t>(-static_cast<int64_t>(value)) : static_cast<uint64_t>(value));
}

void append_key(std::string& out, const char* key, bool& first) {
    out += first ? "\"" : ",\"";
    first = false;
    out += key;
    out += "\":";
}

void append_string_field(std::string& out, const char* key, const std::string& value, bool& first) {
    if (value.empty())
        return;
    append_key(out, key, first);
    append_json_string(out, value);
}

void append_uint_field(std::string& out, const char* key, uint64_t value, bool& first) {
    if (value == 0)
        return;
    append_key(out, key, first);
    append_json_uint(out, value);
}

void append_uint64_field(std::string& out, const char* key, uint64_t value, bool& first) {
    if (value == 0)
        return;
    append_key(out, key, first);
    append_json_uint64_string(out, value);
}

void append_attributes_field(std::string& out, const char* key,
                             const pb::RepeatedPtrField<common::KeyValue>& attributes, bool& first) {
    if (attributes.empty())
        return;
    append_key(out, key, first);
    append_key_values(out, attributes, 0);
}

bool fast_path_possible(const pb::Message& message) {
    // Fields this writer does not know (a newer .proto) go through reflection instead.
    return message.GetReflection()->GetUnknownFields(message).empty();
}

void append_resource(std::string& out, const opentelemetry::proto::resource::v1::Resource& resource) {
    if (resource.entity_refs_size() > 0) {
        append_message(out, resource, 1);
        return;
    }
    out += '{';
    bool first = true;
    append_attributes_field(out, "attributes", resource.attributes(), first);
    append_uint_field(out, "droppedAttributesCount", resource.dropped_attributes_count(), first);
    out += '}';
}

void append_scope(std::string& out, const common::InstrumentationScope& scope) {
    out += '{';
    bool first = true;
    append_string_field(out, "name", scope.name(), first);
    append_string_field(out, "version", scope.version(), first);
    append_attributes_field(out, "attributes", scope.attributes(), first);
    append_uint_field(out, "droppedAttributesCount", scope.dropped_attributes_count(), first);
    out += '}';
}

void append_span(std::string& out, const trace::Span& span) {
    out += '{';
    bool first = true;
    append_id(out, "traceId", span.trace_id(), first);
    append_id(out, "spanId", span.span_id(), first);
    append_string_field(out, "traceState", span.trace_state(), first);
    append_id(out, "parentSpanId", span.parent_span_id(), first);
    append_uint_field(out, "flags", span.flags(), first);
    append_string_field(out, "name", span.name(), first);
    if (span.kind() != 0) {
        append_key(out, "kind", first);
        append_enum(out, span.kind());
    }
    append_uint64_field(out, "startTimeUnixNano", span.start_time_unix_nano(), first);
    append_uint64_field(out, "endTimeUnixNano", span.end_time_unix_nano(), first);
    append_attributes_field(out, "attributes", span.attributes(), first);
    append_uint_field(out, "droppedAttributesCount", span.dropped_attributes_count(), first);
    if (!span.events().empty()) {
        append_key(out, "events", first);
        out += '[';
        for (int i = 0; i < span.events_size(); ++i) {
            const trace::Span::Event& event = span.events(i);
            out += i > 0 ? ",{" : "{";
            bool inner = true;
            append_uint64_field(out, "timeUnixNano", event.time_unix_nano(), inner);
            append_string_field(out, "name", event.name(), inner);
            append_attributes_field(out, "attributes", event.attributes(), inner);
            append_uint_field(out, "droppedAttributesCount", event.dropped_attributes_count(), inner);
            out += '}';
        }
        out += ']';
    }
    append_uint_field(out, "droppedEventsCount", span.dropped_events_count(), first);
    if (!span.links().empty()) {
        append_key(out, "links", first);
        out += '[';
        for (int i = 0; i < span.links_size(); ++i) {
            const trace::Span::Link& link = span.links(i);
            out += i > 0 ? ",{" : "{";
            bool inner = true;
            append_id(out, "traceId", link.trace_id(), inner);
            append_id(out, "spanId", link.span_id(), inner);
            append_string_field(out, "traceState", link.trace_state(), inner);
            append_attributes_field(out, "attributes", link.attributes(), inner);
            append_uint_field(out, "droppedAttributesCount", link.dropped_attributes_count(), inner);
            append_uint_field(out, "flags", link.flags(), inner);
            out += '}';
        }
        out += ']';
    }
    append_uint_field(out, "droppedLinksCount", span.dropped_links_count(), first);
    if (span.has_status()) {
        append_key(out, "status", first);
        out += '{';
        bool inner = true;
        append_string_field(out, "message", span.status().message(), inner);
        append_uint_field(out, "code", static_cast<uint32_t>(span.status().code()), inner);
        out += '}';
    }
    out += '}';
}

void append_log_record(std::string& out, const logs::LogRecord& record) {
    out += '{';
    bool first = true;
    append_uint64_field(out, "timeUnixNano", record.time_unix_nano(), first);
    append_uint64_field(out, "observedTimeUnixNano", record.observed_time_unix_nano(), first);
    if (record.severity_number() != 0) {
        append_key(out, "severityNumber", first);
        append_enum(out, record.severity_number());
    }
    append_string_field(out, "severityText", record.severity_text(), first);
    if (record.has_body()) {
        append_key(out, "body", first);
        append_any_value(out, record.body(), 0);
    }
    append_attributes_field(out, "attributes", record.attributes(), first);
    append_uint_field(out, "droppedAttributesCount", record.dropped_attributes_count(), first);
    append_uint_field(out, "flags", record.flags(), first);
    append_id(out, "traceId", record.trace_id(), first);
    append_id(out, "spanId", record.span_id(), first);
    append_string_field(out, "eventName", record.event_name(), first);
    out += '}';
}

// Traces and logs share one envelope: resources, each with scopes, each with items. A shape
// names the three levels of one signal and how to write its item.
template <typename Shape, typename Request>
void append_request(std::string& out, const Request& request) {
    out += '{';
    const auto& resources = Shape::resources(request);
    if (!resources.empty()) {
        out += '"';
        out += Shape::k_resources;
        out += "\":[";
        for (int r = 0; r < resources.size(); ++r) {
            const auto& resource = resources[r];
            out += r > 0 ? ",{" : "{";
            bool first = true;
            if (resource.has_resource()) {
                append_key(out, "resource", first);
                append_resource(out, resource.resource());
            }
            const auto& scopes = Shape::scopes(resource);
            if (!scopes.empty()) {
                append_key(out, Shape::k_scopes, first);
                out += '[';
                for (int s = 0; s < scopes.size(); ++s) {
                    const auto& scope = scopes[s];
                    out += s > 0 ? ",{" : "{";
                    bool inner = true;
                    if (scope.has_scope()) {
                        append_key(out, "scope", inner);
                        append_scope(out, scope.scope());
                    }
                    const auto& items = Shape::items(scope);
                    if (!items.empty()) {
                        append_key(out, Shape::k_items, inner);
                        out += '[';
                        for (int i = 0; i < items.size(); ++i) {
                            if (i > 0)
                                out += ',';
                            if (fast_path_possible(items[i]))
                                Shape::append_item(out, items[i]);
                            else
                                append_message(out, items[i], 1);
                        }
                        out += ']';
                    }
                    append_string_field(out, "schemaUrl", scope.schema_url(), inner);
                    out += '}';
                }
                out += ']';
            }
            append_string_field(out, "schemaUrl", resource.schema_url(), first);
            out += '}';
        }
        out += ']';
    }
    out += '}';
}

struct TraceShape {
    static constexpr const char* k_resources = "resourceSpans";
    static constexpr const char* k_scopes = "scopeSpans";
    static constexpr const char* k_items = "spans";
    static const auto& resources(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request) {
        return request.resource_spans();
    }
    static const auto& scopes(const trace::ResourceSpans& resource) { return resource.scope_spans(); }
    static const auto& items(const trace::ScopeSpans& scope) { return scope.spans(); }
    static void append_item(std::string& out, const trace::Span& span) { append_span(out, span); }
};

struct LogShape {
    static constexpr const char* k_resources = "resourceLogs";
    static constexpr const char* k_scopes = "scopeLogs";
    static constexpr const char* k_items = "logRecords";
    static const auto& resources(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request) {
        return request.resource_logs();
    }
    static const auto& scopes(const logs::ResourceLogs& resource) { return resource.scope_logs(); }
    static const auto& items(const logs::ScopeLogs& scope) { return scope.log_records(); }
    static void append_item(std::string& out, const logs::LogRecord& record) { append_log_record(out, record); }
};

}  // namespace

void append_otlp_json(std::string& out, const google::protobuf::Message& message) {
    const pb::Descriptor* descriptor = message.GetDescriptor();
    if (descriptor == opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest::descriptor()) {
        append_request<TraceShape>(
            out, static_cast<const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest&>(message));
        return;
    }
    if (descriptor == opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest::descriptor()) {
        append_request<LogShape>(
            out, static_cast<const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest&>(message));
        return;
    }
    append_message(out, message, 0);
}

void append_otlp_json_reflective(std::string& out, const google::protobuf::Message& message) {
    append_message(out, message, 0);
}

}  // namespace sc::receiver
