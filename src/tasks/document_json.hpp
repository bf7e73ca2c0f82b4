#pragma once
// A task document's JSON (Scopecraft's `document` object) written as text, exactly as
// nlohmann::json's dump(2) writes it at the depth `sc task list --format json` prints it. The
// listing cache stores these bytes, so a listing of unchanged files copies them instead of
// parsing YAML; cli::TaskListJsonWriter writes them around each task's metadata.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tasks/document.hpp"

namespace sc::tasks {

/// Appends `text` as a JSON string: the escapes nlohmann uses, UTF-8 kept as is, invalid
/// UTF-8 replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view text);
/// Whether append_json_string() writes `text` as it is between two quotes: printable ASCII
/// without a quote or a backslash.
bool plain_json_ascii(std::string_view text);

/// Appends `value` pretty-printed with two-space indentation, starting at `indent` spaces.
void append_pretty_json(std::string& out, const nlohmann::ordered_json& value, int indent = 0);

/// The members of a listed task's `document` object from the title's value to the end of the
/// `sections` object: `"<title>",\n      "frontmatter": {...},\n      "sections": {...}` (the
/// caller writes `"title": ` before it and closes the object after it).
void append_listed_document(std::string& out, const TaskDocument& document);

}  // namespace sc::tasks
