#pragma once
// OTLP JSON (the OTLP/HTTP JSON encoding) into the generated protobuf messages, following the
// specification's deviations from the plain protobuf JSON mapping: trace and span ids are hex
// strings, not base64; enums may be integers; keys are lowerCamelCase (the proto names are
// accepted too); 64-bit integers may be strings or numbers; unknown fields are ignored.
//
// Bounded: nesting deeper than k_max_json_depth is refused before the text is parsed, so no
// recursion goes deeper than that, however the body is built.

#include <string_view>

#include <google/protobuf/message.h>

#include "util/result.hpp"

namespace sc::receiver {

/// Arrays and objects nested deeper than this are refused (an OTLP request needs about 12 for a
/// span attribute; the rest is for nested AnyValue).
inline constexpr int k_max_json_depth = 96;

/// Parses `text` into `message` (cleared first). ErrorCode::parse with a message naming the
/// field (as a JSON path, "resourceSpans[0].scopeSpans[0].spans[3].traceId") when the text is
/// not JSON, not valid UTF-8, too deeply nested, or a field has the wrong type.
Status read_otlp_json(std::string_view text, google::protobuf::Message& message);

}  // namespace sc::receiver
