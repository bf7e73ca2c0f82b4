// New task files, byte for byte as Scopecraft 2.1.6 writes them (serializeTaskDocument with
// gray-matter and js-yaml), plus the small text repairs shared with the editors.

#include <utility>

#include "tasks/document.hpp"
#include "tasks/document_text.hpp"
#include "tasks/js_text.hpp"
#include "tasks/yaml_write.hpp"
#include "util/text.hpp"

namespace sc::tasks {
namespace detail {

std::string valid_utf8(std::string_view text) {
    std::string result;
    result.reserve(text.size());
    size_t at = 0;
    while (at < text.size()) {
        size_t bad = 0;
        std::string_view rest = text.substr(at);
        if (text::is_valid_utf8(rest, &bad)) {
            result += rest;
            break;
        }
        result += rest.substr(0, bad);
        result += "\xEF\xBF\xBD";
        at += bad + 1;
    }
    return result;
}

std::string single_line(std::string_view text) {
    std::string result = valid_utf8(text);
    for (char& c : result) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    return result;
}

}  // namespace detail

namespace {

constexpr std::pair<std::string_view, std::string_view> k_standard_headings[] = {
    {"instruction", "Instruction"}, {"tasks", "Tasks"}, {"deliverable", "Deliverable"}, {"log", "Log"}};

// Scopecraft heads a custom section with its lower-cased key, first letter upper-cased.
std::string custom_heading(const std::string& key) {
    std::string heading = key;
    if (!heading.empty() && heading[0] >= 'a' && heading[0] <= 'z')
        heading[0] = static_cast<char>(heading[0] - 'a' + 'A');
    return heading;
}

}  // namespace

TaskDocument TaskDocument::make_new(std::string_view title, const nlohmann::ordered_json& frontmatter,
                                    const std::vector<Section>& sections) {
    // Scopecraft builds a list of lines and joins them with "\n"; the blank entries below are
    // those of serializeTaskDocument and of gray-matter's stringify.
    std::vector<std::string> lines = {"# " + detail::single_line(title), ""};
    // gray-matter trims js-yaml's output and leaves the block out for an empty object.
    const std::string yaml = std::string(js::trim(yaml::dump_mapping(frontmatter)));
    if (yaml != "{}") {
        lines.emplace_back("---");
        lines.push_back(detail::valid_utf8(yaml));
        lines.emplace_back("---");
    }
    lines.emplace_back("");
    lines.emplace_back("");

    // The four standard sections first, then the others in the order given; a name given twice
    // keeps its first place and its last body, as a JavaScript object would.
    std::vector<std::pair<std::string, std::string>> ordered;
    for (const auto& [key, heading] : k_standard_headings)
        ordered.emplace_back(std::string(key), std::string());
    for (const auto& section : sections) {
        std::string key = text::to_lower_ascii(section.name);
        bool found = false;
        for (auto& [existing, body] : ordered) {
            if (existing == key) {
                body = section.body;
                found = true;
                break;
            }
        }
        if (!found)
            ordered.emplace_back(std::move(key), section.body);
    }
    for (size_t i = 0; i < ordered.size(); ++i) {
        const auto& [key, body] = ordered[i];
        lines.push_back("## " + (i < std::size(k_standard_headings) ? std::string(k_standard_headings[i].second)
                                                                    : custom_heading(key)));
        if (!js::trim(body).empty())
            lines.push_back(detail::valid_utf8(body));
        lines.emplace_back("");
    }
    std::string text;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i > 0)
            text += '\n';
        text += lines[i];
    }
    text = std::string(js::trim_end(text)) + "\n";

    auto parsed = parse(text, {});
    if (parsed.ok())
        return std::move(parsed).value();
    // Only reachable with values js-yaml itself could not write back; keep the bytes anyway.
    TaskDocument document;
    document.m_text = std::move(text);
    document.m_title = detail::single_line(title);
    return document;
}

}  // namespace sc::tasks
