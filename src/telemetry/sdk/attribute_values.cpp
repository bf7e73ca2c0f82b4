#include "telemetry/sdk/attribute_values.hpp"

namespace sc::telemetry::sdk {

std::string_view truncate_utf8(std::string_view text, uint32_t limit) {
    if (text.size() <= limit)
        return text;
    size_t end = limit;
    // Step back over continuation bytes (10xxxxxx) so the cut lands before a lead byte.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return text.substr(0, end);
}

OwnedValue to_owned(const ValueView& value, uint32_t value_length) {
    switch (value.kind()) {
        case ValueKind::boolean:
            return value.as_bool();
        case ValueKind::integer:
            return value.as_int();
        case ValueKind::floating:
            return value.as_double();
        case ValueKind::string:
            return std::string(truncate_utf8(value.as_string(), value_length));
        case ValueKind::string_array: {
            std::vector<std::string> strings;
            strings.reserve(value.as_string_array().size());
            for (std::string_view text : value.as_string_array())
                strings.emplace_back(truncate_utf8(text, value_length));
            return strings;
        }
        case ValueKind::integer_array:
            return std::vector<int64_t>(value.as_int_array().begin(), value.as_int_array().end());
        case ValueKind::floating_array:
            return std::vector<double>(value.as_double_array().begin(), value.as_double_array().end());
    }
    return false;
}

void set_attribute(KeyValues& attributes, std::string_view key, const ValueView& value, const AttributeLimits& limits,
                   uint32_t& dropped) {
    for (KeyValue& existing : attributes) {
        if (existing.key == key) {
            existing.value = to_owned(value, limits.value_length);
            return;
        }
    }
    if (attributes.size() >= limits.count) {
        ++dropped;
        return;
    }
    if (attributes.capacity() == 0)
        attributes.reserve(8);  // one allocation for the usual handful instead of growing 1, 2, 4
    attributes.push_back({std::string(key), to_owned(value, limits.value_length)});
}

KeyValues copy_attributes(AttributeList attributes, const AttributeLimits& limits, uint32_t& dropped) {
    KeyValues copy;
    copy.reserve(attributes.size() < limits.count ? attributes.size() : limits.count);
    for (const Attribute& attribute : attributes)
        set_attribute(copy, attribute.key, attribute.value, limits, dropped);
    return copy;
}

}  // namespace sc::telemetry::sdk
