#pragma once
// The task tree as events know it, in memory: every folder and every file's bytes, keyed by
// tree and relative path. Replay applies recorded FileChanges to it; `--verify` compares it
// with the live tree; `--into DIR` writes it out. Applying to memory first means a replay
// never half-writes a folder and `--as-of` costs no disk at all.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tasks/change.hpp"
#include "util/result.hpp"

namespace sc::observe {

/// "store:current/x-11A.task.md": the tree kind, a colon, the path inside that tree.
std::string model_key(tasks::TreeKind tree, const std::string& path);

/// How a model holds a file recorded without its bytes because it was larger than a task file
/// may be (tasks::FileChange::oversized_bytes): a NUL, a tag and the size, which no task file
/// begins with. Such an entry is compared by size and never written out.
std::string oversized_entry(uint64_t size);
/// The size an oversized_entry() stands for; nullopt for real content.
std::optional<uint64_t> oversized_size(const std::string& content);

/// What a model keeps of one change to a file: its bytes, or the oversized entry.
inline std::string model_content(const tasks::FileChange& change) {
    return change.oversized_bytes > 0 ? oversized_entry(change.oversized_bytes) : change.content;
}

class TreeModel {
public:
    /// Applies changes in order with the same rules as tasks::apply_file_changes (no
    /// overwriting creates or renames, folders before their contents). On an impossible
    /// change the model is left as it was and the error names the change.
    Status apply(const std::vector<tasks::FileChange>& changes);

    [[nodiscard]] const std::map<std::string, std::string>& files() const { return m_files; }
    [[nodiscard]] const std::set<std::string>& folders() const { return m_folders; }

    /// Keys of the files held as oversized entries (left out by write_to), with their sizes.
    [[nodiscard]] std::vector<std::pair<std::string, uint64_t>> oversized() const;

    /// Reads a live tree (both kinds) into a model, skipping hidden entries and temporary
    /// files; a file larger than tasks::k_max_task_file_bytes is not read but held as an
    /// oversized entry of its size. A missing root is an empty tree.
    static Result<TreeModel> read_live(const tasks::TreeRoots& roots);

    /// Writes the model under `directory`: the store tree as-is, the project-local tree under
    /// `.tasks-local/` beside it, without the oversized entries (their bytes were never
    /// recorded). The directory must be empty or missing.
    Status write_to(const std::string& directory) const;

    /// Every difference, as readable lines: "only in live: store:current/x.task.md", ...
    [[nodiscard]] std::vector<std::string> differences(const TreeModel& live) const;

    bool operator==(const TreeModel&) const = default;

private:
    std::map<std::string, std::string> m_files;  // model_key -> bytes
    std::set<std::string> m_folders;             // model_key of each folder
};

/// Applies changes to a map of files (key -> Entry made from the change) and a set of
/// folders, all or nothing, with the rules of tasks::apply_file_changes. Shared by TreeModel
/// (contents) and TreeState (fingerprints).
namespace detail {

inline std::string parent_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

inline Error impossible(const tasks::FileChange& change, const std::string& why) {
    return make_error(
        ErrorCode::conflict,
        std::string("cannot replay ") + std::string(tasks::to_string(change.kind)) + " of " + change.path + ": " + why,
        "the event log and the tree disagree; run `sc telemetry check`");
}

}  // namespace detail

/// all_or_nothing leaves the map and set as they were when a change is impossible (it applies
/// to copies); in_place is for owners that drop what they hold on a failure.
enum class ApplyMode { all_or_nothing, in_place };

template <class Entry, class MakeEntry>
Status apply_file_changes_to(std::map<std::string, Entry>& files, std::set<std::string>& folders,
                             const std::vector<tasks::FileChange>& changes, MakeEntry make_entry,
                             ApplyMode mode = ApplyMode::all_or_nothing) {
    std::map<std::string, Entry> copied_files;
    std::set<std::string> copied_folders;
    if (mode == ApplyMode::all_or_nothing) {
        copied_files = files;
        copied_folders = folders;
    }
    std::map<std::string, Entry>& next_files = mode == ApplyMode::all_or_nothing ? copied_files : files;
    std::set<std::string>& next_folders = mode == ApplyMode::all_or_nothing ? copied_folders : folders;
    for (const tasks::FileChange& change : changes) {
        std::string key = model_key(change.tree, change.path);
        std::string parent = detail::parent_of(change.path);
        bool parent_exists = parent.empty() || next_folders.count(model_key(change.tree, parent)) > 0;
        switch (change.kind) {
            case tasks::FileChangeKind::folder_created:
                if (!parent_exists)
                    return detail::impossible(change, "its parent folder does not exist");
                if (next_files.count(key) > 0)
                    return detail::impossible(change, "a file is in the way");
                next_folders.insert(key);
                break;
            case tasks::FileChangeKind::file_created:
                if (!parent_exists)
                    return detail::impossible(change, "its folder does not exist");
                if (next_files.count(key) > 0 || next_folders.count(key) > 0)
                    return detail::impossible(change, "it already exists");
                next_files[key] = make_entry(change);
                break;
            case tasks::FileChangeKind::file_modified:
                if (next_files.count(key) == 0)
                    return detail::impossible(change, "it does not exist");
                next_files[key] = make_entry(change);
                break;
            case tasks::FileChangeKind::file_removed:
                if (next_files.erase(key) == 0)
                    return detail::impossible(change, "it does not exist");
                break;
            case tasks::FileChangeKind::folder_removed: {
                if (next_folders.count(key) == 0)
                    return detail::impossible(change, "it does not exist");
                std::string prefix = key + "/";
                auto inside = next_files.lower_bound(prefix);
                auto inside_folder = next_folders.lower_bound(prefix);
                if ((inside != next_files.end() && inside->first.compare(0, prefix.size(), prefix) == 0) ||
                    (inside_folder != next_folders.end() && inside_folder->compare(0, prefix.size(), prefix) == 0))
                    return detail::impossible(change, "it is not empty");
                next_folders.erase(key);
                break;
            }
            case tasks::FileChangeKind::renamed: {
                std::string old_key = model_key(change.tree, change.old_path);
                if (!parent_exists)
                    return detail::impossible(change, "the target folder does not exist");
                if (next_files.count(key) > 0 || next_folders.count(key) > 0)
                    return detail::impossible(change, "the target exists");
                if (auto file = next_files.find(old_key); file != next_files.end()) {
                    next_files[key] = std::move(file->second);
                    next_files.erase(old_key);
                    break;
                }
                if (next_folders.count(old_key) == 0)
                    return detail::impossible(change, "the source " + change.old_path + " does not exist");
                // A folder moves with everything inside it.
                std::string old_prefix = old_key + "/";
                std::string new_prefix = key + "/";
                std::vector<std::pair<std::string, Entry>> moved_files;
                for (auto it = next_files.lower_bound(old_prefix);
                     it != next_files.end() && it->first.compare(0, old_prefix.size(), old_prefix) == 0;)
                    moved_files.emplace_back(new_prefix + it->first.substr(old_prefix.size()), std::move(it->second)),
                        it = next_files.erase(it);
                std::vector<std::string> moved_folders;
                for (auto it = next_folders.lower_bound(old_prefix);
                     it != next_folders.end() && it->compare(0, old_prefix.size(), old_prefix) == 0;)
                    moved_folders.push_back(new_prefix + it->substr(old_prefix.size())), it = next_folders.erase(it);
                next_folders.erase(old_key);
                next_folders.insert(key);
                for (auto& [path, content] : moved_files)
                    next_files[path] = std::move(content);
                next_folders.insert(moved_folders.begin(), moved_folders.end());
                break;
            }
        }
    }
    if (mode == ApplyMode::all_or_nothing) {
        files = std::move(copied_files);
        folders = std::move(copied_folders);
    }
    return {};
}

/// True for names the tree does not own: hidden files and folders (the lock file,
/// .templates/), and the temporary files of atomic writes.
bool is_ignored_name(const std::string& name);

}  // namespace sc::observe
