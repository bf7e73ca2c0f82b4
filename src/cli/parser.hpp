#pragma once
// Turns argv into a command and its Invocation, driven by the registry. Uses CLI11; only the
// group named on the command line is expanded, so parsing costs microseconds.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/registry.hpp"
#include "util/result.hpp"

namespace sc::cli {

enum class OutputFormat { table, tree, json, minimal };

/// Options every command accepts.
struct GlobalOptions {
    std::string root_dir;       // --root-dir: the project root, overriding SCOPECRAFT_ROOT and git
    std::string telemetry_dir;  // --telemetry-dir: the telemetry store, overriding env and config
    std::optional<OutputFormat> format;
    bool no_color = false;
    bool no_telemetry = false;  // --no-telemetry: this invocation records nothing
    bool quiet = false;         // no warnings on stderr
};

struct ParsedCommandLine {
    const CommandSpec* command = nullptr;  // null when help or the version was asked for
    Invocation invocation;
    GlobalOptions globals;
    std::string help_text;  // --help, or a group named without a command
};

/// Telemetry settings the global options give, by config key, for the settings resolver.
std::map<std::string, std::string> telemetry_flags(const GlobalOptions& globals);

Result<ParsedCommandLine> parse_command_line(const Registry& registry, const std::vector<std::string>& arguments);

/// The first word of a command line that is neither an option nor a global option's value: the
/// group (`task`) or the top-level command (`init`), or "" when there is none.
std::string first_command_word(const std::vector<std::string>& arguments);

Result<OutputFormat> parse_output_format(const std::string& text);

}  // namespace sc::cli
