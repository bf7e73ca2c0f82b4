#pragma once
// Writing YAML exactly as js-yaml 3's safeDump does (the writer behind Scopecraft's files):
// two-space block lists and maps, strings plain when they read back unchanged, else single-quoted
// ('' inside), double-quoted with escapes when they hold characters js-yaml will not print raw
// (outside the BMP, control characters), `|-` for multi-line text and `>-` folded at 80 columns
// for long text.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sc::tasks::yaml {

/// One top-level mapping entry, `key: value`, with its nested lines, ending in a newline.
std::string dump_entry(std::string_view key, const nlohmann::ordered_json& value);

/// A whole mapping: every entry in order, no trailing newline; "{}" when it is empty (as
/// js-yaml writes an empty object).
std::string dump_mapping(const nlohmann::ordered_json& object);

/// A string scalar as js-yaml writes it at nesting `level` (1 for a top-level value, 2 for an
/// item of a top-level list); `is_key` keeps it on one line.
std::string dump_string(std::string_view text, int level, bool is_key = false);

}  // namespace sc::tasks::yaml
