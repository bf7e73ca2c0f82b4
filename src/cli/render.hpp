#pragma once
// Turns a CommandResult into text for a person (table, tree, minimal) or JSON for a program.
// Only the interface layer renders; libraries return data.

#include <string>

#include "cli/command.hpp"
#include "cli/parser.hpp"

namespace sc::cli {

struct RenderOptions {
    OutputFormat format = OutputFormat::table;
    bool color = false;
    int width = 0;  // terminal columns, for cutting long cells; 0: never cut (not a terminal)
};

/// The text to write to stdout, ending in a newline (or empty).
std::string render(const CommandResult& result, const RenderOptions& options);

/// JSON as we print it everywhere: two-space indent, invalid UTF-8 replaced rather than thrown.
std::string to_json_text(const nlohmann::ordered_json& value, int indent = 2);

/// Display width of UTF-8 text in terminal columns (East Asian wide characters and emoji
/// count two).
size_t display_width(std::string_view text);

}  // namespace sc::cli
