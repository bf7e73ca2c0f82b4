#pragma once
// Readers of stored OTLP JSON with simdjson On-Demand, without building a JSON tree: each helper
// mirrors the nlohmann reading of signal_query.cpp (otlp_json_fields.hpp) for one kind of field,
// and gives up (false) where it cannot: the caller then reads the line with the full parser.
// Shared by the trace digests (trace_digest.cpp) and the search index's span reader
// (search/span_reader.cpp): the fields, the walk of a trace request down to its spans
// (each_trace_span) and an attribute list's pairs (read_attribute_list).

#include <simdjson.h>

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sc::observe::otlp_ondemand {

namespace od = simdjson::ondemand;
using simdjson::SUCCESS;

// otlp_json::string_field: a string, or "" for any other value.
inline bool string_value(od::value value, std::string& out) {
    od::json_type type;
    if (value.type().get(type) != SUCCESS)
        return false;
    out.clear();
    if (type != od::json_type::string)
        return true;
    std::string_view text;
    if (value.get_string().get(text) != SUCCESS)
        return false;
    out = text;
    return true;
}

// otlp_json::int_of.
inline bool int_value(od::value value, int64_t& out) {
    od::json_type type;
    if (value.type().get(type) != SUCCESS)
        return false;
    out = 0;
    if (type == od::json_type::number) {
        od::number_type number_type;
        if (value.get_number_type().get(number_type) != SUCCESS)
            return false;
        if (number_type == od::number_type::signed_integer)
            return value.get_int64().get(out) == SUCCESS;
        if (number_type != od::number_type::floating_point_number)
            return false;  // past INT64_MAX: left to the full parser
        double number = 0;
        if (value.get_double().get(number) != SUCCESS || !(number > -9.2e18 && number < 9.2e18))
            return false;
        out = static_cast<int64_t>(number);
        return true;
    }
    if (type != od::json_type::string)
        return true;
    std::string_view text;
    if (value.get_string().get(text) != SUCCESS)
        return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (error == std::errc() && end == text.data() + text.size())
        return true;
    out = 0;
    uint64_t unsigned_value = 0;
    auto [unsigned_end, unsigned_error] = std::from_chars(text.data(), text.data() + text.size(), unsigned_value);
    if (unsigned_error == std::errc() && unsigned_end == text.data() + text.size())
        out = INT64_MAX;
    return true;
}

// Iterates an object's fields, refusing a key seen twice among `keys` (nlohmann keeps the last).
template <class Visit>
inline bool fields(od::object object, std::initializer_list<std::string_view> keys, Visit visit) {
    uint32_t seen = 0;
    for (auto field_result : object) {
        od::field field;
        std::string_view key;
        if (std::move(field_result).get(field) != SUCCESS || field.unescaped_key().get(key) != SUCCESS)
            return false;
        uint32_t bit = 1;
        for (std::string_view known : keys) {
            if (known == key) {
                if ((seen & bit) != 0)
                    return false;
                seen |= bit;
                break;
            }
            bit <<= 1;
        }
        if (!visit(key, field.value()))
            return false;
    }
    return true;
}

inline bool is(od::value& value, od::json_type wanted) {
    od::json_type type;
    return value.type().get(type) == SUCCESS && type == wanted;
}

// Calls `each(object)` for each object in the array `value` (other elements are skipped, as
// otlp_json's array readers skip them); false when the value is not an array, is malformed, or
// `each` says false.
template <class Each>
inline bool each_object(od::value value, Each each) {
    od::array list;
    if (value.get_array().get(list) != SUCCESS)
        return false;
    for (auto item_result : list) {
        od::value item;
        if (std::move(item_result).get(item) != SUCCESS)
            return false;
        if (!is(item, od::json_type::object))
            continue;
        od::object object;
        if (item.get_object().get(object) != SUCCESS || !each(object))
            return false;
    }
    return true;
}

// The walk of a trace request (resourceSpans[].scopeSpans[].spans[]) in the line's order:
// `span(object)` for each span, `resource(value)` for each resourceSpans element's "resource"
// (before or after its spans, as the line has it), and `resource_end()` after each element's
// fields. `listed` says whether the request had resourceSpans. False when anything is
// malformed or a callback says false; a scopeSpans or spans that is not an array is empty.
template <class Resource, class Span, class ResourceEnd>
inline bool each_trace_span(od::object top, bool& listed, Resource resource, Span span, ResourceEnd resource_end) {
    listed = false;
    return fields(top, {"resourceSpans"}, [&](std::string_view key, od::value resources) {
        if (key != "resourceSpans")
            return true;
        listed = true;
        return each_object(resources, [&](od::object element) {
            bool ok = fields(element, {"resource", "scopeSpans"}, [&](std::string_view part, od::value inner) {
                if (part == "resource")
                    return resource(inner);
                if (part != "scopeSpans" || !is(inner, od::json_type::array))
                    return true;
                return each_object(inner, [&](od::object scope) {
                    return fields(scope, {"spans"}, [&](std::string_view name, od::value spans) {
                        if (name != "spans" || !is(spans, od::json_type::array))
                            return true;
                        return each_object(spans, span);
                    });
                });
            });
            return ok && resource_end();
        });
    });
}

// An OTLP attribute list ([{"key": ..., "value": ...}]) into `out` as (key, value) pairs: each
// key in its first place with the last value given (an ordered_json object assigned key by
// key). `read(value, into)` reads a value as the caller keeps it; a pair without one keeps
// `absent`. A value that is not an array is an empty list.
template <class Value, class Read>
inline bool read_attribute_list(od::value value, const Value& absent, Read read,
                                std::vector<std::pair<std::string, Value>>& out) {
    out.clear();
    if (!is(value, od::json_type::array))
        return true;
    return each_object(value, [&](od::object pair) {
        std::string name;
        Value kept = absent;
        if (!fields(pair, {"key", "value"}, [&](std::string_view part, od::value inner) {
                if (part == "key")
                    return string_value(inner, name);
                if (part == "value")
                    return read(inner, kept);
                return true;
            }))
            return false;
        for (auto& [known, known_value] : out)
            if (known == name) {
                known_value = std::move(kept);
                return true;
            }
        out.emplace_back(std::move(name), std::move(kept));
        return true;
    });
}

}  // namespace sc::observe::otlp_ondemand
