#pragma once
// The byte encodings of OTLP JSON: trace and span ids as lower-case hex, other bytes as base64.

#include <string>
#include <string_view>

namespace sc::receiver {

/// Hex (either case) to bytes; false for an odd length or a character that is not hex.
bool hex_decode(std::string_view text, std::string& bytes);
void append_hex(std::string& out, std::string_view bytes);

/// Standard or URL-safe base64, padding optional; false for anything else.
bool base64_decode(std::string_view text, std::string& bytes);
void append_base64(std::string& out, std::string_view bytes);

}  // namespace sc::receiver
