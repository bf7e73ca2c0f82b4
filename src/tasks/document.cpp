// Reading a task file: where its title, frontmatter and sections are, and what they hold.
// Editing lives in document_edit.cpp, new files in document_new.cpp.

#include "tasks/document.hpp"

#include <cstdint>
#include <cstring>

#include "tasks/js_text.hpp"
#include "tasks/schema.hpp"
#include "tasks/toml_frontmatter.hpp"
#include "tasks/yaml_read.hpp"
#include "tasks/yaml_scalar.hpp"
#include "util/text.hpp"

namespace sc::tasks {
namespace {

constexpr std::string_view k_standard_sections[] = {"instruction", "tasks", "deliverable", "log"};

struct LineView {
    size_t begin = 0;
    size_t end = 0;   // before "\r\n" / "\n"
    size_t next = 0;  // after the newline
};

LineView line_at(std::string_view text, size_t begin) {
    size_t newline = text.find('\n', begin);
    LineView line {begin, newline == std::string_view::npos ? text.size() : newline, 0};
    line.next = newline == std::string_view::npos ? text.size() : newline + 1;
    if (line.end > line.begin && text[line.end - 1] == '\r')
        --line.end;
    return line;
}

// A delimiter line: exactly `---` or `+++`, trailing blanks allowed.
char delimiter_of(std::string_view line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
        line.remove_suffix(1);
    if (line == "---")
        return '-';
    if (line == "+++")
        return '+';
    return 0;
}

// Scopecraft's heading patterns: /^## (.+)$/ for sections, /^# (.+)$/ for the title.
bool is_section_heading(std::string_view line) {
    return line.size() > 3 && line.substr(0, 3) == "## ";
}
bool is_title_line(std::string_view line) {
    return line.size() > 2 && line.substr(0, 2) == "# ";
}

bool is_blank(std::string_view text) {
    return js::trim(text).empty();
}

std::string scalar_text(const nlohmann::ordered_json& value) {
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_boolean())
        return value.get<bool>() ? "true" : "false";
    if (value.is_number_float())
        return yaml::js_number_text(value.get<double>());
    return value.dump();
}

}  // namespace

Result<TaskDocument> TaskDocument::parse(std::string text, const std::string& origin) {
    size_t bad_offset = 0;
    if (!text::is_valid_utf8(text, &bad_offset)) {
        return make_error(ErrorCode::parse,
                          "task file is not UTF-8 text (invalid byte at offset " + std::to_string(bad_offset) + ")",
                          Location {origin, text::line_of_offset(text, bad_offset), {}},
                          "convert the file to UTF-8, e.g. with iconv -f latin1 -t utf-8");
    }
    TaskDocument document;
    document.m_text = std::move(text);
    document.m_origin = origin;
    const std::string_view view = document.m_text;

    // One pass over the lines. Before the first section: the title line and the first delimited
    // block (before or after the title). From the first `## ` line on: sections only, as
    // Scopecraft does (a `## ` line inside a code fence is a heading too).
    size_t at = view.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    int line_number = 1;
    int frontmatter_line = 0;
    bool loose_text_before_sections = false;
    size_t header_end = at;  // end of the last title or frontmatter line: the loose body starts here
    while (at < view.size()) {
        const LineView line = line_at(view, at);
        const std::string_view content = view.substr(line.begin, line.end - line.begin);
        if (is_section_heading(content)) {
            SectionRange range;
            range.heading = {line.begin, line.next};
            range.body = {line.next, view.size()};
            if (!document.m_section_ranges.empty())
                document.m_section_ranges.back().body.end = line.begin;
            document.m_section_ranges.push_back(range);
        } else if (document.m_section_ranges.empty()) {
            const char delimiter = delimiter_of(content);
            if (delimiter != 0 && !document.m_frontmatter_block) {
                // The block runs to the next line holding the same delimiter.
                size_t search = line.next;
                int closing_line = line_number + 1;
                std::optional<LineView> closing;
                while (search < view.size()) {
                    const LineView candidate = line_at(view, search);
                    if (delimiter_of(view.substr(candidate.begin, candidate.end - candidate.begin)) == delimiter) {
                        closing = candidate;
                        break;
                    }
                    search = candidate.next;
                    ++closing_line;
                }
                if (!closing) {
                    const std::string marks(3, delimiter);
                    return make_error(ErrorCode::parse,
                                      "the frontmatter opened by " + marks + " on line " + std::to_string(line_number) +
                                          " is never closed",
                                      Location {origin, line_number, {}},
                                      "add a line holding only " + marks + " after the last field");
                }
                document.m_frontmatter_block = Range {line.begin, closing->next};
                document.m_frontmatter_content = Range {line.next, closing->begin};
                document.m_syntax = delimiter == '-' ? FrontmatterSyntax::yaml : FrontmatterSyntax::toml;
                frontmatter_line = line_number;
                header_end = closing->next;
                at = closing->next;
                line_number = closing_line + 1;
                continue;
            }
            if (!document.m_title_line && is_title_line(content)) {
                document.m_title_line = Range {line.begin, line.end};
                document.m_title = std::string(js::trim(content.substr(2)));
                header_end = std::max(header_end, line.next);
            } else if (!is_blank(content) && document.m_title_line && document.m_frontmatter_block) {
                loose_text_before_sections = true;
            }
        }
        at = line.next;
        ++line_number;
    }

    if (document.m_frontmatter_block) {
        const Range content = document.m_frontmatter_content;
        const std::string_view block = view.substr(content.begin, content.end - content.begin);
        auto fields = document.m_syntax == FrontmatterSyntax::yaml
                          ? yaml::read_frontmatter(block, origin, frontmatter_line + 1)
                          : toml_frontmatter::read(block, origin, frontmatter_line + 1);
        if (!fields.ok())
            return std::move(fields).error();
        document.m_frontmatter = std::move(fields->values);
        document.m_frontmatter_editable = fields->editable;
        for (auto& entry : fields->entries) {
            document.m_fields.push_back(
                {std::move(entry.key), Range {content.begin + entry.begin, content.begin + entry.end}});
        }
    }

    for (const auto& range : document.m_section_ranges) {
        const std::string_view heading = view.substr(range.heading.begin, range.heading.end - range.heading.begin);
        Section section;
        section.name = std::string(js::trim(heading.substr(3)));
        section.body = std::string(js::trim(view.substr(range.body.begin, range.body.end - range.body.begin)));
        document.m_sections.push_back(std::move(section));
    }
    if (document.m_section_ranges.empty()) {
        const std::string_view rest = view.substr(std::min(header_end, view.size()));
        const std::string_view body = js::trim(rest);
        document.m_loose_body = std::string(body);
        document.m_loose_body_begin = body.empty() ? view.size() : static_cast<size_t>(body.data() - view.data());
    }

    // Diagnostics: what Scopecraft would refuse or silently drop, said once, with what to do.
    auto warn = [&](int line, std::string field, std::string message, std::string hint) {
        document.m_diagnostics.push_back(
            {Location {origin, line, std::move(field)}, std::move(message), std::move(hint)});
    };
    if (!document.is_task()) {
        // Neither part a task has: what a write cut short leaves, or a file that is no task.
        warn(1, {}, js::trim(view).empty() ? "the file is empty" : "no title line and no frontmatter",
             "an interrupted write may have left it: delete it, or start it with a line `# Title` and add type, "
             "status and area between --- lines");
    } else if (!document.m_title_line) {
        warn(1, {}, "no title line", "start the file with a line `# Title`");
    }
    if (!document.m_frontmatter_block) {
        if (document.m_title_line)
            warn(1, {}, "no frontmatter", "add type, status and area between --- lines after the title");
    } else {
        for (const char* required : {"type", "status", "area"}) {
            if (!document.m_frontmatter.contains(required)) {
                warn(frontmatter_line, required, std::string("required field \"") + required + "\" is missing",
                     std::string("Scopecraft refuses such files; add `") + required + ": ...` to the frontmatter");
            }
        }
        for (const auto& [key, value] : document.m_frontmatter.items()) {
            auto kind = enum_kind_of_field(key);
            if (!kind || !value.is_string())
                continue;
            const std::string& stored = value.get_ref<const std::string&>();
            if (Schema::builtin().find(*kind, stored) != nullptr)
                continue;
            auto normalised = Schema::builtin().normalise(*kind, stored);
            if (!normalised.ok())
                warn(frontmatter_line, key, normalised.error().message, normalised.error().hint);
        }
    }
    std::vector<std::string> lowered;
    lowered.reserve(document.m_sections.size());
    for (const auto& section : document.m_sections)
        lowered.push_back(text::to_lower_ascii(section.name));
    for (size_t i = 0; i < lowered.size(); ++i) {
        for (size_t j = i + 1; j < lowered.size(); ++j) {
            if (lowered[i] == lowered[j]) {
                warn(text::line_of_offset(view, document.m_section_ranges[j].heading.begin), {},
                     "section \"" + document.m_sections[j].name + "\" appears more than once; the last one is used",
                     "merge the two sections into one");
                break;
            }
        }
    }
    if (loose_text_before_sections && !document.m_section_ranges.empty()) {
        warn(text::line_of_offset(view, header_end), {}, "text before the first ## section belongs to no section",
             "move it under ## Instruction; Scopecraft drops it when it rewrites the file");
    }
    return document;
}

std::optional<std::string> TaskDocument::field(std::string_view key) const {
    auto found = m_frontmatter.find(std::string(key));
    if (found == m_frontmatter.end() || found->is_null() || found->is_array() || found->is_object())
        return std::nullopt;
    return scalar_text(*found);
}

std::vector<std::string> TaskDocument::field_list(std::string_view key) const {
    std::vector<std::string> items;
    auto found = m_frontmatter.find(std::string(key));
    if (found == m_frontmatter.end() || found->is_null())
        return items;
    if (found->is_array()) {
        for (const auto& item : *found) {
            if (!item.is_null() && !item.is_object() && !item.is_array())
                items.push_back(scalar_text(item));
        }
    } else if (!found->is_object()) {
        items.push_back(scalar_text(*found));
    }
    return items;
}

std::string TaskDocument::section(std::string_view name) const {
    const std::string wanted = text::to_lower_ascii(name);
    for (auto it = m_sections.rbegin(); it != m_sections.rend(); ++it) {
        if (text::to_lower_ascii(it->name) == wanted)
            return it->body;
    }
    if (m_sections.empty() && wanted == "instruction")
        return m_loose_body;
    return {};
}

std::vector<std::pair<std::string, std::string_view>> TaskDocument::section_entries() const {
    std::vector<std::pair<std::string, std::string_view>> entries;
    entries.reserve(std::size(k_standard_sections) + m_sections.size());
    for (auto name : k_standard_sections)
        entries.emplace_back(std::string(name), std::string_view());
    auto set = [&entries](std::string name, std::string_view body) {
        for (auto& entry : entries) {
            if (entry.first == name) {
                entry.second = body;
                return;
            }
        }
        entries.emplace_back(std::move(name), body);
    };
    if (m_sections.empty())
        set("instruction", m_loose_body);
    for (const auto& section : m_sections)
        set(text::to_lower_ascii(section.name), section.body);
    return entries;
}

nlohmann::ordered_json TaskDocument::sections_json() const {
    nlohmann::ordered_json sections = nlohmann::ordered_json::object();
    for (const auto& [name, body] : section_entries())
        sections[name] = std::string(body);
    return sections;
}

nlohmann::ordered_json TaskDocument::to_json() const {
    nlohmann::ordered_json result = nlohmann::ordered_json::object();
    result["title"] = m_title;
    result["frontmatter"] = m_frontmatter;
    result["sections"] = sections_json();
    return result;
}

const TaskDocument::SectionRange* TaskDocument::find_section(std::string_view name) const {
    const std::string wanted = text::to_lower_ascii(name);
    for (size_t i = m_sections.size(); i-- > 0;) {
        if (text::to_lower_ascii(m_sections[i].name) == wanted)
            return &m_section_ranges[i];
    }
    return nullptr;
}

Status TaskDocument::replace_text(std::string text) {
    auto parsed = parse(std::move(text), m_origin);
    if (!parsed.ok())
        return std::move(parsed).error();
    *this = std::move(parsed).value();
    return {};
}

}  // namespace sc::tasks
