#pragma once
// A user's query (docs/search.md, "Query syntax") translated into an FTS5 MATCH expression
// and metadata filters. Every word reaches FTS5 as a quoted string, so no character a user
// types is FTS5 or SQL syntax: quotes, colons, parentheses, `*` and `^` inside words are
// text. What cannot be searched (nothing but NOT terms, a query too long, bytes that are not
// UTF-8) is refused with a message that says what to type instead.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace sc::search {

/// The longest query accepted: a few sentences. Longer input is a paste gone wrong, and every
/// word of it would be a term the index must intersect.
inline constexpr size_t k_max_query_bytes = 4096;
/// The most terms a query may have.
inline constexpr size_t k_max_query_terms = 64;

/// What a query is made of, without its text: for the search span's attributes.
struct QueryShape {
    size_t bytes = 0;
    int words = 0;
    int phrases = 0;
    int prefixes = 0;
    int fields = 0;  // field:value terms
    int ors = 0;
    int nots = 0;
};

/// A metadata condition from `field:value` (status, type, area, phase, location, tag, parent,
/// id, priority, assignee): exact, case-insensitive.
struct FieldFilter {
    std::string field;
    std::string value;
};

struct ParsedQuery {
    std::string match;  // FTS5 expression; empty: no words, browse by metadata
    /// Each phrase of `match` alone (with its column), in the order FTS5 numbers them: what
    /// the ranking counts documents of (search/rank.hpp).
    std::vector<std::string> phrases;
    std::vector<FieldFilter> filters;  // all must hold
    QueryShape shape;
};

/// The metadata fields `field:value` accepts, and the text columns (`title:`, `body:`).
bool is_metadata_field(std::string_view field);
bool is_text_field(std::string_view field);

Result<ParsedQuery> parse_query(std::string_view text);

}  // namespace sc::search
