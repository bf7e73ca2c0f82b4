// `sc search`'s table view. In a file of its own: added to render.cpp, it changed GCC's
// inlining there and cost every `task list` table 16,000 instructions.

#include "cli/render_search.hpp"

#include <string>

namespace sc::cli {

namespace {
const char* const k_reset = "\x1b[0m";
}  // namespace

// Search results (`sc search`): a table of kind, id, score and title, each row followed by its
// excerpt, whose **marked** matches are bold on a terminal (and keep their stars elsewhere,
// so piped output still shows them).
std::string render_search_results(const nlohmann::ordered_json& hits, const RenderOptions& options) {
    if (!hits.is_array() || hits.empty())
        return "Nothing found.\n";
    std::string out;
    for (const nlohmann::ordered_json& hit : hits) {
        std::string score = hit.contains("score") ? hit["score"].dump() : "";
        std::string head = hit.value("type", "") + "  " + hit.value("id", "");
        if (!score.empty() && score != "0")
            head += "  (" + score + ")";
        std::string title = hit.value("title", "");
        out += options.color ? "\x1b[1m" + head + k_reset + "  " + title : head + "  " + title;
        out += "\n";
        std::string excerpt = hit.value("excerpt", "");
        if (!excerpt.empty()) {
            if (options.color) {
                std::string bold;
                bool open = false;
                for (size_t i = 0; i < excerpt.size(); ++i) {
                    if (excerpt.compare(i, 2, "**") == 0) {
                        bold += open ? k_reset : "\x1b[1m";
                        open = !open;
                        ++i;
                        continue;
                    }
                    bold += excerpt[i];
                }
                if (open)
                    bold += k_reset;
                excerpt = std::move(bold);
            }
            out += "    " + excerpt + "\n";
        }
    }
    return out;
}

}  // namespace sc::cli
