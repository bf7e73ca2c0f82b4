#pragma once
// One task file: title, frontmatter (YAML between `---`, or TOML between `+++`) and `##`
// sections, in Scopecraft's MDTM format (../../docs/task-format.md).
//
// A TaskDocument keeps the exact bytes it was read from. Reading is liberal (frontmatter before
// or after the title, labels and aliases, lower-case section names); edits are surgical: changing
// one field or one section rewrites only the bytes of that field or section, so every other byte
// of the file stays as it was. New documents are produced in the form Scopecraft writes.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace sc::tasks {

/// Something odd but readable in a file: reported as a warning, never fatal.
struct Diagnostic {
    Location where;  // file, line, field
    std::string message;
    std::string hint;
};

enum class FrontmatterSyntax { yaml, toml };

/// A section as found in the file: the heading's name as written and its body (the text
/// between the heading line and the next heading, without surrounding blank lines).
struct Section {
    std::string name;
    std::string body;
};

class TaskDocument {
public:
    /// Parses a task file. `origin` (usually the path) names the file in errors and diagnostics.
    /// Fails only when nothing sensible can be read: not UTF-8, an unterminated frontmatter
    /// block, a frontmatter syntax error (with its line). Missing required fields, unknown enum
    /// values and the like are diagnostics, not failures.
    static Result<TaskDocument> parse(std::string text, const std::string& origin);

    /// A new document exactly as Scopecraft writes it: `# Title`, blank line, YAML frontmatter
    /// with the entries in the given order, two blank lines, the four standard sections
    /// (Instruction, Tasks, Deliverable, Log) then any others, one trailing newline.
    /// `sections` maps section names to bodies; absent standard sections are written empty.
    static TaskDocument make_new(std::string_view title, const nlohmann::ordered_json& frontmatter,
                                 const std::vector<Section>& sections = {});

    /// The exact bytes of the file, including every edit made so far.
    [[nodiscard]] const std::string& text() const { return m_text; }
    [[nodiscard]] const std::string& title() const { return m_title; }
    [[nodiscard]] FrontmatterSyntax syntax() const { return m_syntax; }

    /// Frontmatter values typed as YAML 1.2 core reads them (with js-yaml's timestamps shown as
    /// `2025-03-01T00:00:00.000Z`), in file order.
    [[nodiscard]] const nlohmann::ordered_json& frontmatter() const { return m_frontmatter; }
    /// A scalar field as text (numbers and booleans as written); nullopt when absent or a list.
    [[nodiscard]] std::optional<std::string> field(std::string_view key) const;
    /// A list field's items; a scalar field gives one item; absent gives none.
    [[nodiscard]] std::vector<std::string> field_list(std::string_view key) const;

    /// A section's body by name, matched case-insensitively ("instruction", "Log"); a repeated
    /// name gives its last body (as Scopecraft does); "" when absent.
    [[nodiscard]] std::string section(std::string_view name) const;
    [[nodiscard]] const std::vector<Section>& sections() const { return m_sections; }
    [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const { return m_diagnostics; }
    /// False for a file with neither a title line nor a frontmatter block (an empty file, or
    /// one cut short by an interrupted write): not a task, so listings skip it with a warning.
    [[nodiscard]] bool is_task() const { return m_title_line.has_value() || m_frontmatter_block.has_value(); }

    /// Sets one frontmatter field: a string, a number, a bool or an array of strings. An
    /// existing key is rewritten in place (its lines only); a new key is appended at the end of
    /// the frontmatter. A null value removes the key. Values are written in js-yaml's style
    /// (quoting, folding, block lists) or as TOML for a `+++` block.
    Status set_field(std::string_view key, const nlohmann::ordered_json& value);
    /// Rewrites the title line only.
    void set_title(std::string_view title);
    /// Replaces a section's body (creating the section after the last standard one, or after
    /// the last section, when absent). Only that section's bytes change.
    void set_section(std::string_view name, std::string_view body);
    /// Appends one line (`- <entry>`) at the end of the Log section, creating it if absent.
    void append_log(std::string_view entry);

    /// Scopecraft's `document` JSON object: {"title", "frontmatter", "sections"} where
    /// sections has instruction, tasks, deliverable, log and every other section under its
    /// lower-cased name.
    [[nodiscard]] nlohmann::ordered_json to_json() const;
    /// The `sections` member of to_json() alone.
    [[nodiscard]] nlohmann::ordered_json sections_json() const;
    /// The same as (lower-cased name, body) pairs in that order, without building JSON: the
    /// standard four first, then other sections in file order; a repeated name keeps its first
    /// place and its last body. The views point into this document.
    [[nodiscard]] std::vector<std::pair<std::string, std::string_view>> section_entries() const;

private:
    std::string m_text;
    std::string m_origin;
    std::string m_title;
    FrontmatterSyntax m_syntax = FrontmatterSyntax::yaml;
    nlohmann::ordered_json m_frontmatter = nlohmann::ordered_json::object();
    std::vector<Section> m_sections;
    std::vector<Diagnostic> m_diagnostics;
    // Implementation detail: byte ranges of the title line, the frontmatter block, each field
    // and each section in m_text, so edits splice the text instead of rewriting it.
    struct Range {
        size_t begin = 0;
        size_t end = 0;
    };
    struct FieldRange {
        std::string key;
        Range lines;  // the entry's lines, final newline included
    };
    struct SectionRange {
        Range heading;  // the `## ` line, its newline included when there is one
        Range body;     // from the line after the heading to the next heading or the end
    };
    std::optional<Range> m_title_line;         // the `# ` line without its newline
    std::optional<Range> m_frontmatter_block;  // opening delimiter line to after the closing one
    Range m_frontmatter_content;               // the lines between the delimiters
    bool m_frontmatter_editable = true;
    std::vector<FieldRange> m_fields;
    std::vector<SectionRange> m_section_ranges;
    std::string m_loose_body;  // the body of a file without `##` sections: its Instruction
    size_t m_loose_body_begin = 0;

    /// Replaces the text and parses it again; on failure the document is left as it was.
    Status replace_text(std::string text);
    [[nodiscard]] const SectionRange* find_section(std::string_view name) const;
};

}  // namespace sc::tasks
