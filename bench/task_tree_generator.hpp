#pragma once
// Writes a synthetic Scopecraft task tree for benchmarks: `count` task files of ~600 bytes,
// laid out like a real project (docs/layout.md): most tasks in current/, one in ten a subtask
// of a parent folder, one in eight archived into month folders. Deterministic for a count.

#include <sys/stat.h>

#include <string>

#include "util/files.hpp"

namespace sc::bench {

inline std::string generated_task(int index, const char* status) {
    static const char* const k_types[] = {"feature", "bug", "chore", "documentation", "test", "spike", "idea"};
    std::string title = "Generated task number " + std::to_string(index);
    std::string text = "# " + title + "\n\n---\ntype: " + k_types[index % 7] + "\nstatus: " + status + "\narea: area" +
                       std::to_string(index % 5) + "\ntags:\n  - bench\n  - tag" + std::to_string(index % 11) +
                       "\npriority: medium\nassignee: person" + std::to_string(index % 3) +
                       "\n---\n\n\n## Instruction\n";
    text +=
        "Make the thing described by this task work, with tests, documentation and a short note in the "
        "changelog. Keep the change small and reviewable.\n\n## Tasks\n- [ ] Read the code\n"
        "- [ ] Write the change\n- [x] Agree on the approach\n\n## Deliverable\nA merged pull request.\n\n"
        "## Log\n- 2026-11-27 13:00: created\n";
    return text;
}

/// Generates the tree under `tasks_root` (which must not hold a tree yet). Returns false on
/// the first write that fails.
inline bool generate_task_tree(const std::string& tasks_root, int count) {
    if (!files::make_directories(tasks_root + "/current").ok() ||
        !files::make_directories(tasks_root + "/archive").ok())
        return false;
    int parent = -1;
    for (int i = 0; i < count; ++i) {
        std::string id = "generated-task-number-" + std::to_string(i) + "-11A";
        std::string path;
        if (i % 8 == 7) {
            std::string month = "archive/2026-" + std::string(i % 16 == 7 ? "10" : "09");
            if (!files::make_directories(tasks_root + "/" + month).ok())
                return false;
            path = tasks_root + "/" + month + "/" + id + ".task.md";
        } else if (i % 10 == 9) {
            if (parent < 0 || i % 50 == 9) {
                parent = i;
                std::string folder = tasks_root + "/current/parent-" + std::to_string(i) + "-11A";
                if (!files::make_directories(folder).ok() ||
                    !files::create_exclusive(folder + "/_overview.md", generated_task(i, "todo")).ok())
                    return false;
            }
            std::string sequence = std::to_string(10 + (i / 10) % 90);
            path =
                tasks_root + "/current/parent-" + std::to_string(parent) + "-11A/" + sequence + "_" + id + ".task.md";
        } else {
            path = tasks_root + "/current/" + id + ".task.md";
        }
        if (!files::create_exclusive(path, generated_task(i, i % 4 == 0 ? "done" : "todo")).ok())
            return false;
    }
    return true;
}

}  // namespace sc::bench
