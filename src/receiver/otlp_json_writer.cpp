#include "receiver/otlp_json_writer.hpp"

#include "opentelemetry/proto/common/v1/common.pb.h"
#include "receiver/otlp_ids.hpp"
#include "telemetry/exporters/json_text.hpp"

namespace sc::receiver {

namespace {

namespace pb = google::protobuf;
namespace common = opentelemetry::proto::common::v1;
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

}  // namespace

void append_otlp_json(std::string& out, const google::protobuf::Message& message) {
    append_message(out, message, 0);
}

}  // namespace sc::receiver
