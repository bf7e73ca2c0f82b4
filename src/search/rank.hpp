#pragma once
// The ranking function of the search index: `sc_rank(fts, w_title, w_body, w_tags, w_meta)`,
// SQLite's bm25() to the last bit of every score, computed more cheaply for words that are in
// most documents (docs/search.md, "Results and ranking").
//
// BM25 weighs a phrase by its IDF, log((N - n + 0.5) / (n + 0.5)), N documents, n holding the
// phrase; bm25() counts n by reading the phrase's whole doclist (a word in every event of a
// million: a million rows read for one query), and clamps the IDF to 1e-6 when n >= N / 2. So
// once the count reaches N / 2 its exact value changes nothing, and sc_rank stops counting
// there: half the doclist at most, for the words whose doclists are the longest.

#include "search/sqlite_db.hpp"
#include "util/result.hpp"

namespace sc::search {

/// The SQL name of the function.
inline constexpr const char* k_rank_function = "sc_rank";

/// Makes sc_rank available on this connection (FTS5's extension API).
Status register_rank_function(Database& db);

}  // namespace sc::search
