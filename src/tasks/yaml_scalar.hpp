#pragma once
// How js-yaml 3 (the YAML library behind Scopecraft's gray-matter) types a plain scalar: null,
// booleans, integers (with 0x, 0b, octal and base-60 forms), floats, timestamps. Reading uses it
// to show values as Scopecraft shows them; writing uses it to know when a string must be quoted.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sc::tasks::yaml {

/// The value js-yaml's safe schema gives a plain (unquoted) scalar, as JSON: null, true/false,
/// a number, a timestamp as JavaScript's Date.toJSON() text ("2025-03-01T00:00:00.000Z"), or
/// the text itself as a string.
nlohmann::ordered_json resolve_plain(std::string_view text);

/// True when a plain scalar with this text would not read back as the same string.
bool resolves_to_non_string(std::string_view text);

/// A timestamp in js-yaml's forms as Date.toJSON() text; nullopt when `text` is not one.
std::optional<std::string> timestamp_json(std::string_view text);

/// JavaScript's Number.prototype.toString() for a double (shortest round-trip digits,
/// exponent form below 1e-6 and from 1e21).
std::string js_number_text(double value);

}  // namespace sc::tasks::yaml
