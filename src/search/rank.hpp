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

#include <cstdint>
#include <vector>

#include "search/sqlite_db.hpp"
#include "util/result.hpp"

namespace sc::search {

/// The SQL name of the function.
inline constexpr const char* k_rank_function = "sc_rank";

/// Phrase counts passed between the index and sc_rank for one query (its phrases in FTS5's
/// order). `known`: counts the index kept from earlier queries (search_index.cpp, "phrase
/// counts"), exact or at least the count; sc_rank uses an exact one, and one that is at least
/// half the table (the IDF's floor), and counts the others itself. `counted`: what it counted
/// (-1: nothing), `complete` whether it counted to the end (else it stopped at half the table:
/// the count is a lower bound).
struct PhraseCounts {
    std::vector<int64_t> known;
    std::vector<bool> known_exact;
    std::vector<int64_t> counted;
    std::vector<bool> complete;
    void reset(size_t phrases) {
        known.assign(phrases, -1);
        known_exact.assign(phrases, false);
        counted.assign(phrases, -1);
        complete.assign(phrases, false);
    }
};

/// Makes sc_rank available on this connection (FTS5's extension API); `counts` (may be null)
/// is read and written by the queries of this connection.
Status register_rank_function(Database& db, PhraseCounts* counts);

}  // namespace sc::search
