#pragma once
// The full YAML reader behind yaml_read.cpp's fast one: yaml-cpp's event parser, with the values
// built here rather than in a yaml-cpp node graph, so that hostile input is refused while it is
// read, in bounded time and memory:
//  - an alias copies its anchor's value (as js-yaml does), so a few lines of nested aliases
//    ("billion laughs") could expand to billions of values: the expanded size is counted as the
//    values are built, and a block that would pass the limit is refused;
//  - nesting deeper than a limit is refused at the first level past it (yaml-cpp would recurse
//    to 2,000 levels and then only say "bad file");
//  - an alias used inside the node it names (`a: &x [*x]`) would make a value that contains
//    itself: refused.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace sc::tasks::yaml {

/// What a frontmatter block may hold. Scopecraft's files are two levels deep and hold tens of
/// values; these bounds are far above any hand-written file and keep a hostile one to a few MB.
struct ReadLimits {
    int max_depth = 100;          // nested lists and maps, the top-level mapping being level 1
    size_t max_values = 100'000;  // every scalar, list and map once aliases are expanded
};

/// One top-level key as the full parser read it, with where its key starts (0-based).
struct FullEntry {
    std::string key;
    nlohmann::ordered_json value;
    int line = 0;
    int column = 0;
};

struct FullBlock {
    bool is_mapping = true;          // false: the block holds a list or a scalar at the top
    bool is_null = true;             // nothing at all (or `~`): no fields
    std::vector<FullEntry> entries;  // in file order, a repeated key included
};

/// Reads `block` with yaml-cpp's parser. Errors are placed with `origin` and `first_line` (the
/// file line of the block's first line). Keys are read as js-yaml turns them into strings.
Result<FullBlock> read_full(std::string_view block, const std::string& origin, int first_line,
                            const ReadLimits& limits = {});

}  // namespace sc::tasks::yaml
