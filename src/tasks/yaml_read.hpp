#pragma once
// Reading a YAML frontmatter block into typed values (as js-yaml 3 would type them) and into the
// byte ranges of its top-level entries, so that one field can later be rewritten in place.
//
// Speed matters here: listing a thousand tasks parses a thousand blocks. What Scopecraft writes
// (plain, quoted and block scalars, block and flow lists of scalars) is read by a small line
// parser; anything else (nested maps, anchors, multi-line plain text, ...) goes to yaml-cpp's
// event parser, which takes about 30 µs per block against about 1 µs, and refuses what would
// nest or expand past its limits (yaml_full.hpp).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace sc::tasks::yaml {

/// One top-level entry: its key and the lines it occupies in the block.
struct EntrySpan {
    std::string key;
    size_t begin = 0;  // offset in the block of the entry's first line
    size_t end = 0;    // offset just past its last line (and that line's newline)
};

struct Frontmatter {
    nlohmann::ordered_json values = nlohmann::ordered_json::object();
    std::vector<EntrySpan> entries;  // in file order, one per key of `values`
    /// False when some key could not be tied to its own lines (a flow mapping at the top, a
    /// key spread over several lines): the block can be read but not edited in place.
    bool editable = true;
};

enum class Parser { fast_with_fallback, full };

/// Reads the text between the `---` lines. `origin` and `first_line` (the file line of the
/// block's first line) place errors: a YAML syntax error, a block that is not a mapping, a key
/// given twice (js-yaml refuses those too), nesting or alias expansion past ReadLimits. `Parser::full` always uses
/// yaml-cpp (for tests).
Result<Frontmatter> read_frontmatter(std::string_view block, const std::string& origin, int first_line,
                                     Parser parser = Parser::fast_with_fallback);

}  // namespace sc::tasks::yaml
