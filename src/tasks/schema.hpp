#pragma once
// Scopecraft's enum table (workflow state, status, type, priority, phase) and its rule for
// turning what a user typed ("To Do", "wip", "🔼 High", "fea") into a canonical name.
//
// The table is data: src/tasks/default-schema.json, embedded at build time and parsed once, on
// first use, so commands that never normalise a value never pay for it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace sc::tasks {

enum class EnumKind { workflow_state, status, type, priority, phase };

/// One allowed value: its canonical name ("in_progress") and the other ways to write it.
struct EnumValue {
    std::string name;
    std::string label;  // "In Progress"
    std::string emoji;  // "🔵", may be empty
    std::vector<std::string> aliases;
};

class Schema {
public:
    /// The built-in table, parsed from the embedded JSON on first use (thread-safe).
    static const Schema& builtin();
    /// Parses a table in default-schema.json's shape; for tests and a future project schema.
    static Result<Schema> from_json(std::string_view json_text);

    [[nodiscard]] const std::vector<EnumValue>& values(EnumKind kind) const;
    /// Canonical names in table order: "todo, in_progress, done, ...".
    [[nodiscard]] std::vector<std::string> names(EnumKind kind) const;
    /// The value whose canonical name is exactly `name`; nullptr when there is none.
    [[nodiscard]] const EnumValue* find(EnumKind kind, std::string_view name) const;

    /// Scopecraft's rule: the input trimmed and lower-cased matches a name, label, emoji or alias
    /// exactly; else the first of those (in table order) that contains the input or is contained
    /// in it ("fea" -> feature, "Done!" -> done, "🟡 To Do" -> todo). Where two values share an
    /// alias the later one wins ("closed" -> archived). Anything else, and an empty input, is an
    /// ErrorCode::invalid_argument naming the valid values.
    [[nodiscard]] Result<std::string> normalise(EnumKind kind, std::string_view input) const;

    /// Display helpers: the label / emoji of a canonical name; the input itself (label) or ""
    /// (emoji) for a name not in the table.
    [[nodiscard]] std::string label(EnumKind kind, std::string_view name) const;
    [[nodiscard]] std::string emoji(EnumKind kind, std::string_view name) const;

private:
    struct Table {
        std::vector<EnumValue> values;
        // Every spelling (lower-cased) -> index of its value, in the order Scopecraft builds its
        // lookup map: a later duplicate keeps the first position but takes the later value.
        std::vector<std::pair<std::string, size_t>> spellings;
    };
    Table m_tables[5];
};

/// The JSON key of a kind in the schema file: "workflowState", "status", "type", ...
std::string_view enum_kind_key(EnumKind kind);
/// Frontmatter field -> kind: "status", "type", "priority", "phase"; nullopt for other fields.
std::optional<EnumKind> enum_kind_of_field(std::string_view field);

/// Shorthand for Schema::builtin().normalise(kind, input).
Result<std::string> normalise_enum(EnumKind kind, std::string_view input);

/// What Scopecraft does on every write: normalises the type, status, priority and phase of a
/// whole frontmatter object in place (other fields untouched). Fails on the first invalid value,
/// naming the field.
Status normalise_frontmatter(nlohmann::ordered_json& frontmatter);

}  // namespace sc::tasks
