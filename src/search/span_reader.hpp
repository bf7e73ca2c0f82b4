#pragma once
// The search documents of one line of traces/ read with simdjson On-Demand, taking only what the
// index keeps of a span (ids, name, start, status, string attributes, event names) without
// building a JSON tree: span_docs (sources.hpp) parsed each line whole with nlohmann::json, a
// third of the index's catch-up after a `task create` (docs/performance.md, "Search").

#include <string_view>
#include <vector>

#include "search/search_index.hpp"

namespace sc::search {

/// The documents span_docs gives for `line`; `capacity` bytes are readable from line.data().
/// Lines the fast reader does not mirror exactly are read by span_docs.
std::vector<IndexedDoc> read_span_docs(std::string_view line, size_t capacity);

/// The fast reader alone: false (and `out` unchanged) when the line holds anything it does not
/// mirror exactly (a field given twice, an attribute value with several kinds, a line that is
/// not valid JSON or not a trace request, capacity under line.size() + 64).
bool read_span_docs_fast(std::string_view line, size_t capacity, std::vector<IndexedDoc>& out);

}  // namespace sc::search
