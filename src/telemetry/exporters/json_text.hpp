#pragma once
// The few JSON writing primitives the OTLP encoder needs, written for speed (no DOM) and for
// exactness: strings are escaped and invalid UTF-8 becomes U+FFFD, so every line is valid JSON;
// doubles use the shortest text that reads back to the same value, and non-finite ones the
// protobuf JSON spellings "NaN", "Infinity" and "-Infinity".

#include <cstdint>
#include <string>
#include <string_view>

namespace sc::telemetry::exporters {

void append_json_string(std::string& out, std::string_view text);
void append_json_double(std::string& out, double value);
/// A 64-bit integer as protobuf JSON writes it: a decimal string.
void append_json_int64_string(std::string& out, int64_t value);
void append_json_uint64_string(std::string& out, uint64_t value);
void append_json_uint(std::string& out, uint64_t value);

}  // namespace sc::telemetry::exporters
