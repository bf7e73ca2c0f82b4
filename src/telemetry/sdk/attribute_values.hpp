#pragma once
// Attributes as the SDK keeps them: owned copies of the API's borrowed views, with the OTel
// attribute limits (count and value length) applied and what was dropped counted.

#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "telemetry/api/attributes.hpp"

namespace sc::telemetry::sdk {

using OwnedValue = std::variant<bool, int64_t, double, std::string, std::vector<std::string>, std::vector<int64_t>,
                                std::vector<double>>;

struct KeyValue {
    std::string key;
    OwnedValue value;

    friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

using KeyValues = std::vector<KeyValue>;

/// OTEL_ATTRIBUTE_COUNT_LIMIT / OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT and their per-signal variants.
struct AttributeLimits {
    uint32_t count = 128;
    /// Longest string value kept, in bytes (cut at a UTF-8 boundary); no limit by default.
    uint32_t value_length = std::numeric_limits<uint32_t>::max();
};

/// Copies a view, cutting strings to `value_length` bytes without splitting a UTF-8 sequence.
OwnedValue to_owned(const ValueView& value, uint32_t value_length);

/// Sets `key` in `attributes` (replacing an existing value, as the spec asks); when the list is
/// full a new key is dropped and counted in `dropped`.
void set_attribute(KeyValues& attributes, std::string_view key, const ValueView& value, const AttributeLimits& limits,
                   uint32_t& dropped);

/// Copies a whole list under the limits.
KeyValues copy_attributes(AttributeList attributes, const AttributeLimits& limits, uint32_t& dropped);

/// Cuts `text` to at most `limit` bytes at a UTF-8 character boundary.
std::string_view truncate_utf8(std::string_view text, uint32_t limit);

}  // namespace sc::telemetry::sdk
