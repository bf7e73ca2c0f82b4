#pragma once
// Writing a JSON string literal from valid UTF-8, with the escapes nlohmann::json uses: short
// forms for quote, backslash, b, f, n, r and t, other control characters as u00XX, everything
// else as is. Shared by the store's envelope writer and the CLI's streaming JSON writer, so
// both write the same bytes.

#include <string>
#include <string_view>

namespace sc::json {

/// Whether `text` holds a byte that a JSON string must escape (control, quote, backslash).
bool needs_escape(std::string_view text);

/// Appends `text` (valid UTF-8; callers check) as a quoted JSON string.
void append_string(std::string& out, std::string_view text);

/// The same for text that may not be UTF-8: each byte that does not start a valid sequence
/// becomes U+FFFD, so the result is always valid JSON (telemetry attributes, log bodies).
void append_string_replacing_invalid(std::string& out, std::string_view text);

}  // namespace sc::json
