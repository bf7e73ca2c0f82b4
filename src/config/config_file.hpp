#pragma once
// The configuration files: `~/.scopecraft/config.yaml` (user) under
// `<project>/.scopecraft/config.yaml` (project), read into one flat map of dotted keys
// (`telemetry.exporters.traces`) that remembers the file and line of every value, so that
// `sc telemetry config` can say where a value came from and warnings can point at it.

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/environment.hpp"
#include "util/result.hpp"

namespace sc::config {

struct Value {
    /// The scalar's text; a list's items joined with ','.
    std::string text;
    std::vector<std::string> items;  // the items of a YAML list
    bool is_list = false;
    std::string file;
    int line = 0;  // 1-based

    /// "file:line" for messages and provenance.
    [[nodiscard]] std::string origin() const;
};

using Values = std::map<std::string, Value, std::less<>>;

struct Loaded {
    Values values;
    /// Unreadable files and YAML syntax errors (with file:line); the caller prints them.
    std::vector<Error> warnings;
};

/// Reads one file and merges its keys into `into`, replacing keys already there. A missing
/// file is normal and adds nothing; a malformed one adds a warning and is skipped whole.
void load_file(const std::string& path, Loaded& into);
/// Parses `content` as if read from `path` (the fuzzer and tests use it directly).
void load_text(std::string_view content, const std::string& path, Loaded& into);
/// Reads `paths` in order, later files over earlier ones.
Loaded load_files(std::span<const std::string> paths);
/// The user file (from HOME) then the project file; the project root may be empty.
std::vector<std::string> default_paths(const Environment& environment, const std::string& project_root);

/// The type a known key must have.
enum class Type { boolean, integer, number, string, string_list, duration };

struct KeySpec {
    std::string_view key;
    Type type;
    std::string_view hint;  // what a valid value looks like
};

/// Warns (with file:line and a hint) about keys under `section` ("telemetry") that no spec
/// names, and about known keys whose value has the wrong type.
void validate(const Values& values, std::span<const KeySpec> specs, std::string_view section,
              std::vector<Error>& warnings);

/// Typed reading of values as written in files and environment variables. Booleans accept
/// true/false, yes/no, on/off, 1/0 in any case; durations are milliseconds or take a unit
/// (ms, s, m, h).
bool parse_bool(std::string_view text, bool& value);
bool parse_integer(std::string_view text, int64_t& value);
bool parse_number(std::string_view text, double& value);
bool parse_duration_ms(std::string_view text, int64_t& milliseconds);

}  // namespace sc::config
