#pragma once
// Ranked search results as text: a line per result (kind, id, score, title) and its excerpt
// beneath, the **marked** matches bold on a terminal.

#include <string>

#include <nlohmann/json.hpp>

#include "cli/render.hpp"

namespace sc::cli {

std::string render_search_results(const nlohmann::ordered_json& hits, const RenderOptions& options);

}  // namespace sc::cli
