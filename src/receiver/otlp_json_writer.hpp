#pragma once
// The generated OTLP messages written as OTLP JSON, the way our own SDK's exporters write the
// store's lines (telemetry/exporters/otlp_json.cpp): lowerCamelCase keys, trace and span ids in
// lower-case hex, other bytes in base64, 64-bit integers as decimal strings, enums as numbers,
// fields at their default value left out, strings escaped (invalid UTF-8 becomes U+FFFD). The
// result is one line: no newline inside, whatever the strings hold.

#include <string>

#include <google/protobuf/message.h>

namespace sc::receiver {

/// Appends `message` as one JSON object. AnyValues nested deeper than k_max_any_value_depth are
/// written as {} (the validation rejects such items first; this only bounds the recursion).
void append_otlp_json(std::string& out, const google::protobuf::Message& message);

/// The same through protobuf reflection alone, field by field (what append_otlp_json does for
/// metrics and for messages carrying fields newer than this code); the tests compare the two.
void append_otlp_json_reflective(std::string& out, const google::protobuf::Message& message);

/// How deeply AnyValues may nest (an array or map value inside another counts one level).
inline constexpr int k_max_any_value_depth = 32;

}  // namespace sc::receiver
