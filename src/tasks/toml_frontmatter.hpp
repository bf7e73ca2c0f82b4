#pragma once
// TOML frontmatter between `+++` lines: an older task layout that we still read and edit.
// (Scopecraft 2.x no longer reads it; see docs/task-format.md.)

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tasks/yaml_read.hpp"
#include "util/result.hpp"

namespace sc::tasks::toml_frontmatter {

/// Reads a `+++` block: values as JSON (dates and times as their TOML text) and the lines of each
/// top-level `key = value` entry. Tables (`[name]`) are read but cannot be edited in place.
Result<yaml::Frontmatter> read(std::string_view block, const std::string& origin, int first_line);

/// One `key = value` line for a string, number, boolean, array or object (inline table).
std::string dump_entry(std::string_view key, const nlohmann::ordered_json& value);

/// Where a new top-level key goes in a block: before the first table header, else at the end.
size_t insertion_offset(std::string_view block);

}  // namespace sc::tasks::toml_frontmatter
