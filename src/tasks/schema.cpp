#include "tasks/schema.hpp"

#include <simdjson.h>

#include <array>

#include "tasks/js_text.hpp"
#include "util/text.hpp"

extern const char* const sc_default_schema_json;

namespace sc::tasks {
namespace {

constexpr std::array<EnumKind, 5> k_kinds = {EnumKind::workflow_state, EnumKind::status, EnumKind::type,
                                             EnumKind::priority, EnumKind::phase};

// The words Scopecraft's error messages use for each kind ("Invalid task type \"bogus\"").
std::string_view kind_words(EnumKind kind) {
    switch (kind) {
        case EnumKind::workflow_state:
            return "workflow state";
        case EnumKind::status:
            return "status";
        case EnumKind::type:
            return "task type";
        case EnumKind::priority:
            return "priority";
        case EnumKind::phase:
            return "phase";
    }
    return "value";
}

std::string string_member(simdjson::dom::object object, const char* key) {
    std::string_view value;
    if (object[key].get(value) != simdjson::SUCCESS)
        return {};
    return std::string(value);
}

}  // namespace

std::string_view enum_kind_key(EnumKind kind) {
    switch (kind) {
        case EnumKind::workflow_state:
            return "workflowState";
        case EnumKind::status:
            return "status";
        case EnumKind::type:
            return "type";
        case EnumKind::priority:
            return "priority";
        case EnumKind::phase:
            return "phase";
    }
    return "";
}

std::optional<EnumKind> enum_kind_of_field(std::string_view field) {
    if (field == "status")
        return EnumKind::status;
    if (field == "type")
        return EnumKind::type;
    if (field == "priority")
        return EnumKind::priority;
    if (field == "phase")
        return EnumKind::phase;
    return std::nullopt;
}

const Schema& Schema::builtin() {
    // Parsed once, on first use: a command that never normalises never parses the table.
    static const Schema schema = [] {
        auto parsed = from_json(sc_default_schema_json);
        if (!parsed.ok())
            throw std::logic_error("embedded default-schema.json is invalid: " + parsed.error().describe());
        return std::move(parsed).value();
    }();
    return schema;
}

Result<Schema> Schema::from_json(std::string_view json_text) {
    // simdjson rather than nlohmann: every task command reads the built-in table, and building
    // nlohmann's tree of it cost 0.55 M instructions a command.
    simdjson::dom::parser parser;
    simdjson::dom::element document;
    if (parser.parse(json_text.data(), json_text.size()).get(document) != simdjson::SUCCESS)
        return make_error(ErrorCode::parse, "the enum schema is not valid JSON");
    Schema schema;
    for (EnumKind kind : k_kinds) {
        const auto key = std::string(enum_kind_key(kind));
        simdjson::dom::element values_element;
        if (document.at_pointer("/metadata/enums/" + key + "/values").get(values_element) != simdjson::SUCCESS)
            return make_error(ErrorCode::parse, "the enum schema has no metadata.enums." + key + ".values list");
        simdjson::dom::array values;
        if (values_element.get(values) != simdjson::SUCCESS)
            return make_error(ErrorCode::parse, "metadata.enums." + key + ".values is not a list");
        Table& table = schema.m_tables[static_cast<size_t>(kind)];
        for (simdjson::dom::element element : values) {
            simdjson::dom::object item;
            if (element.get(item) != simdjson::SUCCESS)
                return make_error(ErrorCode::parse, "a value of metadata.enums." + key + " has no name");
            EnumValue value;
            value.name = string_member(item, "name");
            value.label = string_member(item, "label");
            value.emoji = string_member(item, "emoji");
            if (value.name.empty())
                return make_error(ErrorCode::parse, "a value of metadata.enums." + key + " has no name");
            simdjson::dom::array aliases;
            if (item["aliases"].get(aliases) == simdjson::SUCCESS) {
                for (simdjson::dom::element alias : aliases) {
                    std::string_view text;
                    if (alias.get(text) == simdjson::SUCCESS)
                        value.aliases.emplace_back(text);
                }
            }
            table.values.push_back(std::move(value));
        }
        // Scopecraft fills a JavaScript Map in this order; Map.set on an existing key keeps its
        // position and replaces its value, which is why "closed" ends up meaning archived.
        auto add = [&table](const std::string& spelling, size_t index) {
            if (spelling.empty())
                return;
            std::string key_text = text::to_lower_ascii(spelling);
            for (auto& entry : table.spellings) {
                if (entry.first == key_text) {
                    entry.second = index;
                    return;
                }
            }
            table.spellings.emplace_back(std::move(key_text), index);
        };
        for (size_t index = 0; index < table.values.size(); ++index) {
            const EnumValue& value = table.values[index];
            add(value.name, index);
            add(value.label, index);
            add(value.emoji, index);
            for (const auto& alias : value.aliases)
                add(alias, index);
        }
    }
    return schema;
}

const std::vector<EnumValue>& Schema::values(EnumKind kind) const {
    return m_tables[static_cast<size_t>(kind)].values;
}

std::vector<std::string> Schema::names(EnumKind kind) const {
    std::vector<std::string> result;
    for (const auto& value : values(kind))
        result.push_back(value.name);
    return result;
}

const EnumValue* Schema::find(EnumKind kind, std::string_view name) const {
    for (const auto& value : values(kind)) {
        if (value.name == name)
            return &value;
    }
    return nullptr;
}

Result<std::string> Schema::normalise(EnumKind kind, std::string_view input) const {
    const Table& table = m_tables[static_cast<size_t>(kind)];
    // Lower-casing only ASCII is enough: every spelling in the table is ASCII or an emoji.
    const std::string wanted = text::to_lower_ascii(js::trim(input));
    if (!wanted.empty()) {
        for (const auto& [spelling, index] : table.spellings) {
            if (spelling == wanted)
                return table.values[index].name;
        }
        for (const auto& [spelling, index] : table.spellings) {
            if (spelling.find(wanted) != std::string::npos || wanted.find(spelling) != std::string::npos)
                return table.values[index].name;
        }
    }
    const std::string valid = text::join(names(kind), ", ");
    return make_error(
        ErrorCode::invalid_argument,
        "Invalid " + std::string(kind_words(kind)) + " \"" + std::string(input) + "\". Valid options are: " + valid,
        Location {{}, 0, std::string(enum_kind_key(kind))},
        "use one of " + valid + " (labels, emojis and aliases such as \"" +
            (table.values.empty() ? std::string() : table.values.front().label) + "\" are accepted too)");
}

std::string Schema::label(EnumKind kind, std::string_view name) const {
    const EnumValue* value = find(kind, name);
    return value != nullptr && !value->label.empty() ? value->label : std::string(name);
}

std::string Schema::emoji(EnumKind kind, std::string_view name) const {
    const EnumValue* value = find(kind, name);
    return value != nullptr ? value->emoji : std::string();
}

Result<std::string> normalise_enum(EnumKind kind, std::string_view input) {
    return Schema::builtin().normalise(kind, input);
}

Status normalise_frontmatter(nlohmann::ordered_json& frontmatter) {
    if (!frontmatter.is_object())
        return {};
    for (auto& [key, value] : frontmatter.items()) {
        auto kind = enum_kind_of_field(key);
        if (!kind || !value.is_string())
            continue;
        auto normalised = normalise_enum(*kind, value.get<std::string>());
        if (!normalised.ok()) {
            Error error = std::move(normalised).error();
            error.where.field = key;
            return error;
        }
        value = std::move(normalised).value();
    }
    return {};
}

}  // namespace sc::tasks
