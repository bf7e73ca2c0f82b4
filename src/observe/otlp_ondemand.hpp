#pragma once
// Readers of stored OTLP JSON with simdjson On-Demand, without building a JSON tree: each helper
// mirrors the nlohmann reading of signal_query.cpp (otlp_json_fields.hpp) for one kind of field,
// and gives up (false) where it cannot: the caller then reads the line with the full parser.
// Shared by the trace digests (trace_digest.cpp) and the search index's span reader
// (search/span_reader.cpp).

#include <simdjson.h>

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

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

}  // namespace sc::observe::otlp_ondemand
