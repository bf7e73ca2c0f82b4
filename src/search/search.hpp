#pragma once
// One search, start to end: parse the query (bad input is refused before anything is
// opened), open the index beside the task-tree state, bring it up to date, run the query, and
// record it as a span (the query's shape, never its text), a result count and a duration.
// An index that cannot be written (a read-only folder, an unusable file that cannot be
// replaced) is built in memory for this search instead, with a warning.

#include <functional>
#include <string>
#include <vector>

#include "search/index_update.hpp"
#include "search/query.hpp"
#include "search/search_index.hpp"

namespace sc::search {

struct SearchSetup {
    std::string index_path;  // empty: an index in memory, for this search only
    IndexSources sources;
    std::function<void(const Error&)> warn;
    /// How long to wait for another process updating the index before searching what it
    /// holds (a rebuild of a large store can take seconds).
    int busy_ms = 3000;
    /// Set once a damaged index has been removed: a second failure is reported, not retried.
    bool discarded_once = false;
};

struct SearchRequest {
    std::string query;
    SearchFilters filters;
    bool reindex = false;
};

struct SearchOutcome {
    std::vector<Hit> hits;
    UpdateReport update;
    QueryShape shape;
    bool in_memory = false;
};

/// `<telemetry store>/projections/search.sqlite`, beside the task-tree state.
std::string index_path_for(const std::string& store_root);

Result<SearchOutcome> run_search(const SearchSetup& setup, const SearchRequest& request);

}  // namespace sc::search
