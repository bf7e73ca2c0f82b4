// ThreadSanitizer run of the parallel walk (tasks/tree_walk.hpp), built and run by
// scripts/tsan_walk.sh with -fsanitize=thread on the walk's own sources only: 20 walks of a
// generated tree of 3,000 tasks on 2 to 4 threads from the first entry, each folder compared with
// the serial walk's, and a SideJob walking beside each. Exit 0 when every folder matched (TSan
// makes the run fail on a data race: halt_on_error in the script).
// Usage: tree_walk_driver FOLDER   (an empty folder to generate the tree in)

#include <cstdio>
#include <map>
#include <string>

#include "bench/task_tree_generator.hpp"
#include "tasks/tree_walk.hpp"

namespace {

using namespace sc::tasks;

class EveryFolder final : public WalkRules {
public:
    [[nodiscard]] bool stat_file(const std::string& /*name*/) const override { return true; }
    [[nodiscard]] bool enter(const std::string& /*folder*/, const std::string& /*name*/) const override { return true; }
};

std::string describe(const WalkedFolder& folder) {
    std::string text = std::to_string(folder.error) + "\n";
    for (const DirectoryEntry& entry : folder.entries)
        text += entry.name + " " + std::to_string(static_cast<int>(entry.type)) + " " +
                std::to_string(entry.stat.inode) + " " + std::to_string(entry.stat.size) + " " +
                std::to_string(entry.stat.mtime_nanos) + "\n";
    return text;
}

void walk_serially(const std::string& path, const WalkRules& rules, std::map<std::string, std::string>& out) {
    WalkedFolder folder = list_folder(path, rules);
    out[path] = describe(folder);
    for (const DirectoryEntry& entry : folder.entries)
        if (entry.type == EntryType::folder)
            walk_serially(path + "/" + entry.name, rules, out);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: tree_walk_driver FOLDER\n");
        return 2;
    }
    std::string root = std::string(argv[1]) + "/tasks";
    if (!sc::bench::generate_task_tree(root, 3000))
        return 2;
    EveryFolder rules;
    std::map<std::string, std::string> expected;
    walk_serially(root, rules, expected);
    int mismatches = 0;
    for (unsigned round = 0; round < 20; ++round) {
        std::map<std::string, std::string> beside;
        SideJob job([&] { walk_serially(root, rules, beside); });
        ParallelWalk walk({root}, rules, WalkSettings {2 + round % 3, 0});
        for (const std::string& path : walk.paths()) {
            WalkedFolder folder;
            mismatches += walk.take(path, folder) && describe(folder) == expected[path] ? 0 : 1;
        }
        job.join();
        mismatches += beside == expected ? 0 : 1;
    }
    std::printf("tree_walk_driver: %d mismatches in 20 walks\n", mismatches);
    return mismatches == 0 ? 0 : 1;
}
