// gen_task_tree TASKS_ROOT COUNT: writes a synthetic task tree for timing `sc task list`
// (bench/task_list_cli.sh runs it for 1,000 and 10,000 tasks).

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/task_tree_generator.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: gen_task_tree TASKS_ROOT COUNT\n");
        return 2;
    }
    int count = std::atoi(argv[2]);
    if (count <= 0 || sc::files::exists(std::string(argv[1]) + "/current")) {
        std::fprintf(stderr, "gen_task_tree: give a positive count and a folder without a task tree\n");
        return 2;
    }
    if (!sc::bench::generate_task_tree(argv[1], count)) {
        std::fprintf(stderr, "gen_task_tree: writing under %s failed\n", argv[1]);
        return 1;
    }
    return 0;
}
