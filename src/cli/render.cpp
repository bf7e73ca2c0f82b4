#include "cli/render.hpp"

#include <algorithm>

#include "cli/render_search.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;

const char* const k_reset = "\x1b[0m";

std::string colour_for_status(const std::string& status) {
    if (status == "done")
        return "\x1b[32m";
    if (status == "in_progress")
        return "\x1b[34m";
    if (status == "blocked")
        return "\x1b[31m";
    if (status == "reviewing")
        return "\x1b[35m";
    if (status == "archived")
        return "\x1b[90m";
    return "\x1b[33m";
}

// Decodes one UTF-8 code point starting at `i`; advances `i`. Invalid bytes count as one column.
unsigned int next_code_point(std::string_view text, size_t& i) {
    auto byte = static_cast<unsigned char>(text[i]);
    size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 1;
    if (i + length > text.size())
        length = 1;
    unsigned int code_point = length == 1 ? byte : byte & (0x3F >> (length - 1));
    for (size_t k = 1; k < length; ++k)
        code_point = (code_point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += length;
    return code_point;
}

int code_point_width(unsigned int code_point) {
    if (code_point == 0x200D || (code_point >= 0xFE00 && code_point <= 0xFE0F) ||
        (code_point >= 0x0300 && code_point <= 0x036F))
        return 0;  // joiners, variation selectors, combining marks
    bool wide = (code_point >= 0x1100 && code_point <= 0x115F) || (code_point >= 0x2E80 && code_point <= 0xA4CF) ||
                (code_point >= 0xAC00 && code_point <= 0xD7A3) || (code_point >= 0xF900 && code_point <= 0xFAFF) ||
                (code_point >= 0xFF00 && code_point <= 0xFF60) || (code_point >= 0x1F300 && code_point <= 0x1FAFF) ||
                (code_point >= 0x2600 && code_point <= 0x27BF);
    return wide ? 2 : 1;
}

// Cuts text to at most `columns` display columns, marking the cut with an ellipsis.
std::string fit(const std::string& text, size_t columns) {
    if (display_width(text) <= columns)
        return text;
    std::string out;
    size_t used = 0;
    size_t i = 0;
    while (i < text.size()) {
        size_t start = i;
        int width = code_point_width(next_code_point(text, i));
        if (used + static_cast<size_t>(width) + 1 > columns)
            break;
        used += static_cast<size_t>(width);
        out.append(text, start, i - start);
    }
    return out + "…";
}

std::string pad(const std::string& text, size_t columns) {
    size_t width = display_width(text);
    return width >= columns ? text : text + std::string(columns - width, ' ');
}

std::string scalar_text(const Json& value) {
    if (value.is_null())
        return "";
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_array()) {
        std::string joined;
        for (const Json& item : value) {
            if (!joined.empty())
                joined += ", ";
            joined += scalar_text(item);
        }
        return joined;
    }
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A table of rows given as vectors of cells; the last column takes what width is left.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const RenderOptions& options, const std::vector<std::string>& row_colours = {}) {
    std::vector<size_t> widths(header.size(), 0);
    for (size_t c = 0; c < header.size(); ++c)
        widths[c] = display_width(header[c]);
    for (const auto& row : rows)
        for (size_t c = 0; c < row.size() && c < widths.size(); ++c)
            widths[c] = std::max(widths[c], std::min<size_t>(display_width(row[c]), options.width > 0 ? 60 : 1000));
    size_t fixed = 0;
    for (size_t c = 0; c + 1 < widths.size(); ++c)
        fixed += widths[c] + 2;
    // On a terminal the last column takes what is left of its width; into a pipe or a file
    // nothing is cut (width 0).
    size_t last = options.width <= 0                                ? std::string::npos
                  : static_cast<size_t>(options.width) > fixed + 10 ? static_cast<size_t>(options.width) - fixed
                                                                    : 40;
    std::string out;
    auto line = [&](const std::vector<std::string>& cells, const std::string& colour) {
        std::string text;
        for (size_t c = 0; c < cells.size(); ++c) {
            bool is_last = c + 1 == cells.size();
            std::string cell = fit(cells[c], is_last ? last : widths[c]);
            text += is_last ? cell : pad(cell, widths[c]) + "  ";
        }
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        out += colour.empty() ? text : colour + text + k_reset;
        out += '\n';
    };
    line(header, options.color ? "\x1b[1m" : "");
    for (size_t r = 0; r < rows.size(); ++r)
        line(rows[r], options.color && r < row_colours.size() ? row_colours[r] : "");
    return out;
}

const Json& field_of(const Json& task, const char* key) {
    static const Json null_value;
    auto document = task.find("document");
    if (document == task.end())
        return null_value;
    auto frontmatter = document->find("frontmatter");
    if (frontmatter == document->end() || !frontmatter->is_object())
        return null_value;
    auto found = frontmatter->find(key);
    return found == frontmatter->end() ? null_value : *found;
}

std::string id_of(const Json& task) {
    auto metadata = task.find("metadata");
    if (metadata != task.end() && metadata->contains("id"))
        return scalar_text((*metadata)["id"]);
    return scalar_text(task.value("id", Json()));
}

std::string title_of(const Json& task) {
    auto document = task.find("document");
    return document == task.end() ? "" : scalar_text(document->value("title", Json()));
}

std::string location_of(const Json& task) {
    auto metadata = task.find("metadata");
    if (metadata == task.end())
        return "";
    const Json& location = (*metadata)["location"];
    std::string where = scalar_text(location.value("workflowState", Json()));
    if (location.contains("archiveDate"))
        where += "/" + scalar_text(location["archiveDate"]);
    return where;
}

std::string task_table(const Json& tasks, const RenderOptions& options) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> colours;
    for (const Json& task : tasks) {
        std::string status = scalar_text(field_of(task, "status"));
        rows.push_back({id_of(task), status, scalar_text(field_of(task, "type")),
                        scalar_text(field_of(task, "priority")), location_of(task), title_of(task)});
        colours.push_back(colour_for_status(status));
    }
    if (rows.empty())
        return "No tasks found.\n";
    return table({"ID", "STATUS", "TYPE", "PRIORITY", "LOCATION", "TITLE"}, rows, options, colours);
}

std::string parent_of(const Json& task) {
    auto metadata = task.find("metadata");
    if (metadata == task.end() || !metadata->contains("parentTask"))
        return "";
    return scalar_text((*metadata)["parentTask"]);
}

std::string tree_line(const Json& task, const RenderOptions& options) {
    std::string status = scalar_text(field_of(task, "status"));
    std::string mark = status == "done" ? "[x]" : status == "in_progress" ? "[~]" : status == "blocked" ? "[!]" : "[ ]";
    std::string text = mark + " " + id_of(task) + "  " + title_of(task);
    return options.color ? colour_for_status(status) + text + k_reset : text;
}

// Parents with their subtasks indented beneath, in the order given (sequence order).
std::string task_tree(const Json& tasks, const RenderOptions& options) {
    std::string out;
    std::vector<const Json*> roots;
    for (const Json& task : tasks)
        if (parent_of(task).empty())
            roots.push_back(&task);
    for (const Json* root : roots) {
        out += tree_line(*root, options) + "\n";
        std::string id = id_of(*root);
        std::vector<const Json*> children;
        for (const Json& task : tasks)
            if (parent_of(task) == id)
                children.push_back(&task);
        for (size_t i = 0; i < children.size(); ++i) {
            const Json& metadata = (*children[i])["metadata"];
            std::string sequence = scalar_text(metadata.value("sequenceNumber", Json()));
            bool last = i + 1 == children.size();
            out += std::string(last ? "└── " : "├── ") + (sequence.empty() ? "" : sequence + " ") +
                   tree_line(*children[i], options) + "\n";
        }
    }
    // Subtasks whose parent is not in the list (filtered out) still show, flat.
    for (const Json& task : tasks) {
        std::string parent = parent_of(task);
        if (parent.empty())
            continue;
        bool parent_listed =
            std::any_of(roots.begin(), roots.end(), [&](const Json* r) { return id_of(*r) == parent; });
        if (!parent_listed)
            out += tree_line(task, options) + "  (in " + parent + ")\n";
    }
    return out.empty() ? "No tasks found.\n" : out;
}

std::string task_detail(const Json& task, const RenderOptions& options) {
    std::string out;
    std::string title = title_of(task);
    out += options.color ? "\x1b[1m" + title + k_reset : title;
    out += "\n";
    out += "id: " + id_of(task) + "\n";
    std::string where = location_of(task);
    if (!where.empty())
        out += "location: " + where + "\n";
    std::string parent = parent_of(task);
    if (!parent.empty())
        out += "parent: " + parent + "\n";
    const Json& document = task.contains("document") ? task["document"] : task;
    if (document.contains("frontmatter"))
        for (const auto& [key, value] : document["frontmatter"].items())
            out += key + ": " + scalar_text(value) + "\n";
    if (document.contains("sections"))
        for (const auto& [name, body] : document["sections"].items()) {
            std::string text = scalar_text(body);
            if (text.empty())
                continue;
            std::string heading = name;
            if (!heading.empty())
                heading[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(heading[0])));
            out += "\n" + (options.color ? "\x1b[1m## " + heading + k_reset : "## " + heading) + "\n" + text + "\n";
        }
    return out;
}

std::string records_table(const Json& records, const RenderOptions& options) {
    if (!records.is_array() || records.empty())
        return "Nothing found.\n";
    std::vector<std::string> header;
    for (const auto& [key, value] : records.front().items())
        header.push_back(key);
    std::vector<std::vector<std::string>> rows;
    for (const Json& record : records) {
        std::vector<std::string> row;
        for (const std::string& key : header)
            row.push_back(record.contains(key) ? scalar_text(record[key]) : "");
        rows.push_back(std::move(row));
    }
    std::vector<std::string> upper;
    for (std::string key : header) {
        std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::toupper(c); });
        upper.push_back(key);
    }
    return table(upper, rows, options);
}

std::string minimal(const CommandResult& result) {
    const Json& data = result.data;
    if (data.is_array()) {
        std::string out;
        // Scopecraft's minimal format: one `id<TAB>title` line per task.
        for (const Json& item : data) {
            if (!item.is_object()) {
                out += scalar_text(item) + "\n";
                continue;
            }
            std::string title = title_of(item);
            if (title.empty() && item.contains("title"))  // search results carry their title
                title = scalar_text(item["title"]);
            out += id_of(item) + (title.empty() ? "" : "\t" + title) + "\n";
        }
        return out;
    }
    if (data.is_object()) {
        std::string id = id_of(data);
        if (!id.empty())
            return id + "\n";
    }
    return result.message.empty() ? "" : result.message + "\n";
}

std::string with_newline(std::string text) {
    if (!text.empty() && text.back() != '\n')
        text += '\n';
    return text;
}

}  // namespace

size_t display_width(std::string_view text) {
    size_t width = 0;
    size_t i = 0;
    while (i < text.size())
        width += static_cast<size_t>(code_point_width(next_code_point(text, i)));
    return width;
}

std::string to_json_text(const nlohmann::ordered_json& value, int indent) {
    return value.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string render(const CommandResult& result, const RenderOptions& options) {
    if (result.streamed)
        return {};
    if (options.format == OutputFormat::json) {
        return to_json_text(result.data.is_null() ? Json::object() : result.data) + "\n";
    }
    if (options.format == OutputFormat::minimal)
        return minimal(result);
    switch (result.view) {
        case View::message:
        case View::text:
            return with_newline(result.message);
        case View::task:
            return task_detail(result.data, options);
        case View::task_list:
            return options.format == OutputFormat::tree ? task_tree(result.data, options)
                                                        : task_table(result.data, options);
        case View::tree:
            return result.data.is_array() ? task_tree(result.data, options) : with_newline(result.message);
        case View::records:
            return records_table(result.data, options);
        case View::search:
            return render_search_results(result.data, options);
    }
    return with_newline(result.message);
}

}  // namespace sc::cli
