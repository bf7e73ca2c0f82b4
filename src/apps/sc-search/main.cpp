// `sc-search`: the work of `sc search` (docs/search.md), which `sc search` execs from beside
// `sc`. It is `sc`'s command line with the search handler installed (SQLite linked in), and
// nothing else: a static PIE, like `sc`, because `sc-server` (which also runs `cli search`)
// loads 39 shared libraries (protobuf, curl and what curl needs) before its first line, 25 ms
// of a search on a loaded machine (docs/performance.md, "Search").
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "cli/search_handler.hpp"

int main(int argc, char** argv) {
    sc::cli::install_search_handler();
    return sc::cli::run(std::vector<std::string>(argv, argv + argc));
}
