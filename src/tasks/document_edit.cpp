// Surgical edits: each one splices new bytes into the exact range it owns (one field's lines,
// the title line, one section's body) and parses the result again, so every other byte of the
// file stays as it was and the document never describes text it does not hold.

#include "tasks/document.hpp"
#include "tasks/document_text.hpp"
#include "tasks/js_text.hpp"
#include "tasks/toml_frontmatter.hpp"
#include "tasks/yaml_write.hpp"
#include "util/text.hpp"

namespace sc::tasks {
namespace {

constexpr std::pair<std::string_view, std::string_view> k_standard_headings[] = {
    {"instruction", "Instruction"}, {"tasks", "Tasks"}, {"deliverable", "Deliverable"}, {"log", "Log"}};

int standard_index(std::string_view name) {
    const std::string key = text::to_lower_ascii(js::trim(name));
    for (size_t i = 0; i < std::size(k_standard_headings); ++i) {
        if (k_standard_headings[i].first == key)
            return static_cast<int>(i);
    }
    return -1;
}

std::string heading_for(std::string_view name) {
    const int index = standard_index(name);
    if (index >= 0)
        return std::string(k_standard_headings[index].second);
    std::string heading = text::to_lower_ascii(js::trim(name));
    if (!heading.empty() && heading[0] >= 'a' && heading[0] <= 'z')
        heading[0] = static_cast<char>(heading[0] - 'a' + 'A');
    return heading;
}

// Where the line that ends at `end` begins (the line may include its newline at end - 1).
size_t line_begin_before(std::string_view text, size_t end) {
    const size_t newline_at = end > 0 && text[end - 1] == '\n' ? end - 1 : end;
    if (newline_at == 0)
        return 0;
    const size_t previous = text.rfind('\n', newline_at - 1);
    return previous == std::string_view::npos ? 0 : previous + 1;
}

// Just past the last line of `region` that holds text (its newline included); 0 when none does.
size_t end_of_text(std::string_view region) {
    size_t end = region.size();
    while (end > 0) {
        const size_t begin = line_begin_before(region, end);
        if (!js::trim(region.substr(begin, end - begin)).empty())
            break;
        end = begin;
    }
    return end;
}

// The trailing run of blank lines of a section's region (what separates it from the next
// heading); the whole region when it holds nothing else.
std::string_view trailing_gap(std::string_view region) {
    return region.substr(end_of_text(region));
}

// True when a dumped entry holds a block scalar header with keep chomping ("|+", ">2+").
bool keeps_trailing_lines(std::string_view entry) {
    for (size_t at = entry.find_first_of("|>"); at != std::string_view::npos; at = entry.find_first_of("|>", at + 1)) {
        size_t next = at + 1;
        if (next < entry.size() && entry[next] >= '1' && entry[next] <= '9')
            ++next;
        if (next + 1 < entry.size() && entry[next] == '+' && entry[next + 1] == '\n')
            return true;
    }
    return false;
}

}  // namespace

Status TaskDocument::set_field(std::string_view key, const nlohmann::ordered_json& value) {
    if (key.empty())
        return make_error(ErrorCode::invalid_argument, "a frontmatter field needs a name", Location {m_origin, 0, {}});
    if (!m_frontmatter_editable) {
        return make_error(ErrorCode::unsupported,
                          "the frontmatter of this file cannot be edited in place (a key spans several lines or the "
                          "block is not a plain list of fields)",
                          Location {m_origin, 0, std::string(key)},
                          "rewrite the frontmatter as one `key: value` entry per field, then retry");
    }
    const bool yaml = m_syntax == FrontmatterSyntax::yaml;
    const std::string entry = value.is_null()
                                  ? std::string()
                                  : (yaml ? yaml::dump_entry(key, value) : toml_frontmatter::dump_entry(key, value));
    std::string text = m_text;
    const FieldRange* existing = nullptr;
    for (const auto& field : m_fields) {
        if (field.key == key)
            existing = &field;
    }
    if (existing != nullptr) {
        size_t end = existing->lines.end;
        // A block scalar with "keep" chomping (|+) would swallow the blank lines after it: they
        // go with the old value.
        if (yaml && keeps_trailing_lines(entry)) {
            while (end < m_frontmatter_content.end) {
                const size_t newline = text.find('\n', end);
                if (newline == std::string::npos ||
                    !js::trim(std::string_view(text).substr(end, newline - end)).empty())
                    break;
                end = newline + 1;
            }
        }
        text.replace(existing->lines.begin, end - existing->lines.begin, entry);
    } else if (value.is_null()) {
        return {};
    } else if (m_frontmatter.contains(std::string(key))) {
        return make_error(ErrorCode::unsupported, "field \"" + std::string(key) + "\" cannot be edited in place",
                          Location {m_origin, 0, std::string(key)}, "edit this field by hand");
    } else if (m_frontmatter_block) {
        size_t at = m_frontmatter_content.end;
        if (!yaml) {
            std::string_view block(m_text);
            block = block.substr(m_frontmatter_content.begin, m_frontmatter_content.end - m_frontmatter_content.begin);
            at = m_frontmatter_content.begin + toml_frontmatter::insertion_offset(block);
        }
        text.insert(at, entry);
    } else if (m_title_line) {
        // No frontmatter at all: start one after the title, where Scopecraft puts it.
        size_t at = m_title_line->end;
        at = at < text.size() && text[at] == '\r' ? at + 1 : at;
        at = at < text.size() ? at + 1 : (text += "\n", text.size());
        text.insert(at, "\n---\n" + entry + "---\n");
    } else {
        text.insert(text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0, "---\n" + entry + "---\n\n");
    }
    return replace_text(std::move(text));
}

void TaskDocument::set_title(std::string_view title) {
    const std::string line = "# " + detail::single_line(title);
    std::string text = m_text;
    if (m_title_line)
        text.replace(m_title_line->begin, m_title_line->end - m_title_line->begin, line);
    else
        text.insert(text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0, line + "\n\n");
    (void)replace_text(std::move(text));
}

void TaskDocument::set_section(std::string_view name, std::string_view body_text) {
    const std::string body = detail::valid_utf8(body_text);
    const bool has_body = !js::trim(body).empty();
    if (const SectionRange* range = find_section(name)) {
        std::string text = m_text;
        const bool is_last = range->body.end >= text.size();
        std::string replacement;
        if (range->heading.end == text.size() && (text.empty() || text.back() != '\n'))
            replacement = "\n";  // the heading is the file's last line, without a newline
        if (is_last) {
            // Scopecraft ends a file with exactly one newline after the last section.
            if (has_body)
                replacement += std::string(js::trim_end(body)) + "\n";
        } else {
            std::string_view region(text);
            region = region.substr(range->body.begin, range->body.end - range->body.begin);
            std::string gap(trailing_gap(region));
            if (has_body)
                replacement += body + "\n";
            replacement += gap.empty() && !has_body ? std::string() : gap;
        }
        text.replace(range->body.begin, range->body.end - range->body.begin, replacement);
        (void)replace_text(std::move(text));
        return;
    }

    // A body without sections is the Instruction: give it its heading first, then go on.
    if (m_section_ranges.empty() && !m_loose_body.empty()) {
        std::string text = m_text;
        text.insert(m_loose_body_begin, "## Instruction\n");
        if (replace_text(std::move(text)).ok() && !m_section_ranges.empty())
            set_section(name, body_text);
        return;
    }

    // A new section: a standard one in its standard place, any other after the last section.
    const int index = standard_index(name);
    size_t at = m_text.size();
    if (index >= 0) {
        bool placed = false;
        for (size_t i = 0; i < m_sections.size() && !placed; ++i) {
            const int other = standard_index(m_sections[i].name);
            if (other > index || other < 0) {
                // Before the first later standard section or the first custom one, unless some
                // standard section after it comes first in the file.
                bool earlier_standard_after = false;
                for (size_t j = i; j < m_sections.size(); ++j) {
                    const int later = standard_index(m_sections[j].name);
                    if (later >= 0 && later < index)
                        earlier_standard_after = true;
                }
                if (!earlier_standard_after) {
                    at = m_section_ranges[i].heading.begin;
                    placed = true;
                }
            }
        }
    }
    std::string block = "## " + heading_for(name) + "\n" + (has_body ? body + "\n" : std::string());
    std::string text = m_text;
    if (at < text.size()) {
        text.insert(at, block + "\n");
    } else {
        if (!text.empty() && text.back() != '\n')
            text += '\n';
        if (!text.empty() && (text.size() < 2 || text[text.size() - 2] != '\n'))
            text += '\n';
        text += block;
    }
    (void)replace_text(std::move(text));
}

void TaskDocument::append_log(std::string_view entry) {
    const std::string line = "- " + detail::single_line(entry);
    const SectionRange* range = find_section("log");
    if (range == nullptr) {
        set_section("Log", line);
        return;
    }
    std::string text = m_text;
    std::string_view region(text);
    region = region.substr(range->body.begin, range->body.end - range->body.begin);
    // After the last line that has text, keeping whatever blank lines follow it.
    const size_t end = end_of_text(region);
    if (end == 0) {
        // An empty log: the entry goes right under the heading.
        std::string insertion = line + "\n";
        if (range->heading.end == text.size() && (text.empty() || text.back() != '\n'))
            insertion = "\n" + insertion;
        text.insert(range->body.begin, insertion);
    } else {
        // `end` is just past the last text line's newline, or at the end of a file without one.
        const size_t at = range->body.begin + end;
        if (text[at - 1] == '\n')
            text.insert(at, line + "\n");
        else
            text.insert(at, "\n" + line + (at == text.size() ? "\n" : ""));
    }
    (void)replace_text(std::move(text));
}

}  // namespace sc::tasks
