#include "receiver/otlp_json_reader.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "receiver/otlp_ids.hpp"

namespace sc::receiver {

namespace {

namespace pb = google::protobuf;
using Json = nlohmann::json;

// The deepest nesting of arrays and objects, counted without parsing (strings skipped), so a
// body of a million '[' is refused in one pass instead of being built.
bool depth_within(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit)
                return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

class Reader {
public:
    Status message(const Json& json, pb::Message& message, std::string& path) {
        if (json.is_null())
            return {};
        if (!json.is_object())
            return wrong(path, "an object", json);
        const pb::Descriptor* descriptor = message.GetDescriptor();
        for (const auto& [key, value] : json.items()) {
            const pb::FieldDescriptor* field = find_field(descriptor, key);
            if (field == nullptr || value.is_null())
                continue;  // unknown fields are ignored, as the specification requires
            size_t mark = path.size();
            path += path.empty() ? "" : ".";
            path += key;
            Status read =
                field->is_repeated() ? repeated(value, message, field, path) : single(value, message, field, path);
            if (!read.ok())
                return read;
            path.resize(mark);
        }
        return {};
    }

private:
    static const pb::FieldDescriptor* find_field(const pb::Descriptor* descriptor, std::string_view key) {
        for (int i = 0; i < descriptor->field_count(); ++i) {
            const pb::FieldDescriptor* field = descriptor->field(i);
            if (field->json_name() == key || field->name() == key)
                return field;
        }
        return nullptr;
    }

    static Status wrong(const std::string& path, std::string_view expected, const Json& got) {
        return make_error(ErrorCode::parse,
                          (path.empty() ? std::string("the body") : path) + " should be " + std::string(expected) +
                              ", not " + std::string(got.type_name()),
                          "send OTLP JSON as the OTLP specification encodes it");
    }

    Status repeated(const Json& json, pb::Message& message, const pb::FieldDescriptor* field, std::string& path) {
        if (!json.is_array())
            return wrong(path, "an array", json);
        size_t mark = path.size();
        for (size_t index = 0; index < json.size(); ++index) {
            path += "[" + std::to_string(index) + "]";
            Status read = value(json[index], message, field, path, true);
            if (!read.ok())
                return read;
            path.resize(mark);
        }
        return {};
    }

    Status single(const Json& json, pb::Message& message, const pb::FieldDescriptor* field, std::string& path) {
        return value(json, message, field, path, false);
    }

    Status value(const Json& json, pb::Message& message, const pb::FieldDescriptor* field, std::string& path,
                 bool add) {
        const pb::Reflection* reflection = message.GetReflection();
        using Type = pb::FieldDescriptor::CppType;
        switch (field->cpp_type()) {
            case Type::CPPTYPE_MESSAGE: {
                if (json.is_null())
                    return {};
                pb::Message* child =
                    add ? reflection->AddMessage(&message, field) : reflection->MutableMessage(&message, field);
                return this->message(json, *child, path);
            }
            case Type::CPPTYPE_STRING: {
                std::string text;
                if (field->type() == pb::FieldDescriptor::TYPE_BYTES) {
                    if (!json.is_string())
                        return wrong(path, "a string", json);
                    const std::string& given = json.get_ref<const std::string&>();
                    bool decoded = is_id_field(field->name()) ? hex_decode(given, text) : base64_decode(given, text);
                    if (!decoded)
                        return make_error(ErrorCode::parse,
                                          path + " is not " + (is_id_field(field->name()) ? "hexadecimal" : "base64") +
                                              ": \"" + given.substr(0, 64) + "\"",
                                          "OTLP JSON writes trace and span ids as hex, other bytes as base64");
                } else {
                    if (!json.is_string())
                        return wrong(path, "a string", json);
                    text = json.get<std::string>();
                }
                add ? reflection->AddString(&message, field, std::move(text))
                    : reflection->SetString(&message, field, std::move(text));
                return {};
            }
            case Type::CPPTYPE_BOOL:
                if (!json.is_boolean())
                    return wrong(path, "true or false", json);
                add ? reflection->AddBool(&message, field, json.get<bool>())
                    : reflection->SetBool(&message, field, json.get<bool>());
                return {};
            case Type::CPPTYPE_DOUBLE:
            case Type::CPPTYPE_FLOAT: {
                double number = 0;
                if (!as_double(json, number))
                    return wrong(path, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")", json);
                if (field->cpp_type() == Type::CPPTYPE_DOUBLE)
                    add ? reflection->AddDouble(&message, field, number)
                        : reflection->SetDouble(&message, field, number);
                else
                    add ? reflection->AddFloat(&message, field, static_cast<float>(number))
                        : reflection->SetFloat(&message, field, static_cast<float>(number));
                return {};
            }
            case Type::CPPTYPE_ENUM: {
                int number = 0;
                if (json.is_string()) {
                    const pb::EnumValueDescriptor* named = field->enum_type()->FindValueByName(json.get<std::string>());
                    if (named == nullptr)
                        return wrong(path, "a number or a value of " + field->enum_type()->name(), json);
                    number = named->number();
                } else {
                    int64_t given = 0;
                    if (!as_int64(json, given) || given < std::numeric_limits<int32_t>::min() ||
                        given > std::numeric_limits<int32_t>::max())
                        return wrong(path, "an enum number", json);
                    number = static_cast<int>(given);
                }
                add ? reflection->AddEnumValue(&message, field, number)
                    : reflection->SetEnumValue(&message, field, number);
                return {};
            }
            case Type::CPPTYPE_INT32:
            case Type::CPPTYPE_INT64: {
                int64_t number = 0;
                if (!as_int64(json, number))
                    return wrong(path, "an integer (a number or a decimal string)", json);
                if (field->cpp_type() == Type::CPPTYPE_INT64) {
                    add ? reflection->AddInt64(&message, field, number) : reflection->SetInt64(&message, field, number);
                } else {
                    if (number < std::numeric_limits<int32_t>::min() || number > std::numeric_limits<int32_t>::max())
                        return wrong(path, "a 32-bit integer", json);
                    add ? reflection->AddInt32(&message, field, static_cast<int32_t>(number))
                        : reflection->SetInt32(&message, field, static_cast<int32_t>(number));
                }
                return {};
            }
            case Type::CPPTYPE_UINT32:
            case Type::CPPTYPE_UINT64: {
                uint64_t number = 0;
                if (!as_uint64(json, number))
                    return wrong(path, "an unsigned integer (a number or a decimal string)", json);
                if (field->cpp_type() == Type::CPPTYPE_UINT64) {
                    add ? reflection->AddUInt64(&message, field, number)
                        : reflection->SetUInt64(&message, field, number);
                } else {
                    if (number > std::numeric_limits<uint32_t>::max())
                        return wrong(path, "a 32-bit unsigned integer", json);
                    add ? reflection->AddUInt32(&message, field, static_cast<uint32_t>(number))
                        : reflection->SetUInt32(&message, field, static_cast<uint32_t>(number));
                }
                return {};
            }
        }
        return wrong(path, "a known type", json);
    }

    static bool is_id_field(const std::string& name) {
        return name == "trace_id" || name == "span_id" || name == "parent_span_id";
    }

    static bool as_double(const Json& json, double& number) {
        if (json.is_number()) {
            number = json.get<double>();
            return true;
        }
        if (!json.is_string())
            return false;
        const std::string& text = json.get_ref<const std::string&>();
        if (text == "NaN") {
            number = std::numeric_limits<double>::quiet_NaN();
            return true;
        }
        if (text == "Infinity" || text == "-Infinity") {
            number =
                text[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
            return true;
        }
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        return error == std::errc() && end == text.data() + text.size() && !text.empty();
    }

    static bool as_int64(const Json& json, int64_t& number) {
        if (json.is_number_integer()) {
            if (json.is_number_unsigned() && json.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
                return false;
            number = json.get<int64_t>();
            return true;
        }
        if (json.is_number_float()) {
            double value = json.get<double>();
            if (!(value >= -9.2233720368547758e18 && value < 9.2233720368547758e18) || std::trunc(value) != value)
                return false;
            number = static_cast<int64_t>(value);
            return true;
        }
        if (!json.is_string())
            return false;
        const std::string& text = json.get_ref<const std::string&>();
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        return error == std::errc() && end == text.data() + text.size() && !text.empty();
    }

    static bool as_uint64(const Json& json, uint64_t& number) {
        if (json.is_number_unsigned()) {
            number = json.get<uint64_t>();
            return true;
        }
        if (json.is_number_integer())
            return false;  // negative
        if (json.is_number_float()) {
            double value = json.get<double>();
            if (!(value >= 0 && value < 1.8446744073709552e19) || std::trunc(value) != value)
                return false;
            number = static_cast<uint64_t>(value);
            return true;
        }
        if (!json.is_string())
            return false;
        const std::string& text = json.get_ref<const std::string&>();
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        return error == std::errc() && end == text.data() + text.size() && !text.empty();
    }
};

}  // namespace

Status read_otlp_json(std::string_view text, google::protobuf::Message& message) {
    message.Clear();
    if (!depth_within(text, k_max_json_depth))
        return make_error(
            ErrorCode::parse,
            "the JSON nests arrays and objects deeper than " + std::to_string(k_max_json_depth) + " levels",
            "send flatter attribute values (AnyValue arrays and maps nested less deeply)");
    Json json = Json::parse(text.begin(), text.end(), nullptr, false);
    if (json.is_discarded())
        return make_error(ErrorCode::parse, "the body is not JSON (or not valid UTF-8)",
                          "send OTLP JSON, UTF-8 encoded, with Content-Type: application/json");
    std::string path;
    return Reader().message(json, message, path);
}

}  // namespace sc::receiver
