#include "telemetry/exporters/json_text.hpp"

#include <charconv>
#include <cmath>

#include "util/json_string.hpp"

namespace sc::telemetry::exporters {

void append_json_string(std::string& out, std::string_view text) {
    sc::json::append_string_replacing_invalid(out, text);
}

void append_json_double(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "\"NaN\"";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        return;
    }
    char buffer[32];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void append_json_int64_string(std::string& out, int64_t value) {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out += '"';
    out.append(buffer, result.ptr);
    out += '"';
}

void append_json_uint64_string(std::string& out, uint64_t value) {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out += '"';
    out.append(buffer, result.ptr);
    out += '"';
}

void append_json_uint(std::string& out, uint64_t value) {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

}  // namespace sc::telemetry::exporters
