#pragma once
// Readers for the fields of stored OTLP JSON (the lines under traces/, metrics/, logs/), shared
// by the signal queries and the Jaeger export. Tolerant by design: a missing or mistyped field
// reads as empty or zero, as OTLP readers ignore what they do not know. Templates, for both
// nlohmann::json and nlohmann::ordered_json.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>

namespace sc::observe::otlp_json {

/// The array at `key`, or an empty array.
template <class Json>
const Json& array_field(const Json& object, const char* key) {
    static const Json empty = Json::array();
    if (!object.is_object())
        return empty;
    auto found = object.find(key);
    return found != object.end() && found->is_array() ? *found : empty;
}

/// The string at `key`, or "".
template <class Json>
std::string string_field(const Json& object, const char* key) {
    if (!object.is_object())
        return "";
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->template get<std::string>() : std::string();
}

/// A trace or span id: lower-case hex in OTLP JSON; lower-casing keeps a hand-written
/// upper-case file usable.
template <class Json>
std::string id_field(const Json& object, const char* key) {
    std::string id = string_field(object, key);
    std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
    return id;
}

/// A 64-bit integer: OTLP JSON writes them as decimal strings, and the protobuf JSON mapping
/// accepts numbers too. Unsigned values above INT64_MAX (a uint64 count) saturate rather than
/// wrap; anything else reads as 0.
template <class Json>
int64_t int_of(const Json& value) {
    if (value.is_number_integer())
        return value.template get<int64_t>();
    if (value.is_number_float())
        return static_cast<int64_t>(value.template get<double>());
    if (value.is_string()) {
        const std::string& text = value.template get_ref<const std::string&>();
        int64_t parsed = 0;
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
        if (error == std::errc() && end == text.data() + text.size())
            return parsed;
        uint64_t unsigned_value = 0;
        auto [unsigned_end, unsigned_error] = std::from_chars(text.data(), text.data() + text.size(), unsigned_value);
        if (unsigned_error == std::errc() && unsigned_end == text.data() + text.size())
            return INT64_MAX;
    }
    return 0;
}

/// The integer at `key` (see int_of), or 0.
template <class Json>
int64_t int_field(const Json& object, const char* key) {
    if (!object.is_object())
        return 0;
    auto found = object.find(key);
    return found == object.end() ? 0 : int_of(*found);
}

}  // namespace sc::observe::otlp_json
