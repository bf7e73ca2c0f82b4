// What an operation of sc itself changed, kept in the id index (docs/layout.md, "The id index":
// "An operation's own changes"): the folders it created in, removed from, made, removed or
// moved get their new names and stamps, so the next create lists none of them. The folders'
// walk is id_index.cpp, the file id_index_file.cpp.
#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "tasks/id_index.hpp"
#include "tasks/id_index_blocks.hpp"
#include "tasks/layout.hpp"
#include "tasks/naming.hpp"

namespace sc::tasks {

namespace {

using namespace id_blocks;

std::pair<std::string_view, std::string_view> split(std::string_view path) {
    size_t slash = path.rfind('/');
    if (slash == std::string_view::npos)
        return {{}, path};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

void ids_of_name(std::vector<std::string>& out, std::string_view filename) {
    std::optional<TaskFileName> name = parse_task_filename(filename);
    if (!name)
        return;
    out.push_back(name->id);
    if (!name->sequence.empty())
        out.push_back(name->base_id);  // as id_index.cpp's listing counts it
}

/// `sorted` (a sorted block) with the names of `added` merged in and one occurrence of each of
/// `removed` taken out, as one sorted block: a linear pass, not a sort of every name.
std::string merged_block(std::string_view sorted, std::vector<std::string> added, std::vector<std::string> removed) {
    std::sort(added.begin(), added.end());
    std::sort(removed.begin(), removed.end());
    std::string out;
    out.reserve(sorted.size() + added.size() * 24);
    size_t next_added = 0;
    size_t next_removed = 0;
    auto emit = [&](std::string_view name) {
        while (next_removed < removed.size() && removed[next_removed] < name)
            ++next_removed;
        if (next_removed < removed.size() && removed[next_removed] == name) {
            ++next_removed;  // one occurrence goes
            return;
        }
        out += name;
        out += k_end;
    };
    scan_unsorted(sorted, {}, [&](std::string_view name) {
        while (next_added < added.size() && added[next_added] < name)
            emit(added[next_added++]);
        emit(name);
    });
    while (next_added < added.size())
        emit(added[next_added++]);
    return out;
}

}  // namespace

void IdIndex::applied(const std::vector<FileChange>& changes) {
    if (m_root.empty())
        return;
    struct Delta {
        std::vector<std::string> added_files;
        std::vector<std::string> removed_files;
        std::vector<std::string> added_folders;
        std::vector<std::string> removed_folders;
        bool made = false;     // created by these changes: it held nothing before
        bool removed = false;  // removed or moved away
        std::string moved_from;
    };
    std::map<std::string, Delta> deltas;
    auto key_of = [](TreeKind tree, std::string_view relative) {
        return std::string(1, tree == TreeKind::store ? 's' : 'l') + ":" + std::string(relative);
    };
    for (const FileChange& change : changes) {
        auto [folder, name] = split(change.path);
        switch (change.kind) {
            case FileChangeKind::file_modified:
                break;
            case FileChangeKind::file_created:
                deltas[key_of(change.tree, folder)].added_files.emplace_back(name);
                break;
            case FileChangeKind::file_removed:
                deltas[key_of(change.tree, folder)].removed_files.emplace_back(name);
                break;
            case FileChangeKind::folder_created: {
                Delta& made = deltas[key_of(change.tree, change.path)];
                made = Delta {};
                made.made = true;
                if (!folder.empty())
                    deltas[key_of(change.tree, folder)].added_folders.emplace_back(name);
                break;
            }
            case FileChangeKind::folder_removed:
                deltas[key_of(change.tree, change.path)].removed = true;
                if (!folder.empty())
                    deltas[key_of(change.tree, folder)].removed_folders.emplace_back(name);
                break;
            case FileChangeKind::renamed: {
                auto [old_folder, old_name] = split(change.old_path);
                std::string old_key = key_of(change.tree, change.old_path);
                // A folder moved (a parent's): known as one, or one now (a file has no record).
                const std::string& root = change.tree == TreeKind::store ? m_root : m_local_root;
                struct stat moved_info {};
                bool folder_moved = m_by_key.count(old_key) > 0 ||
                                    (deltas.count(old_key) > 0 && deltas[old_key].made) ||
                                    (!root.empty() && ::lstat((root + "/" + change.path).c_str(), &moved_info) == 0 &&
                                     S_ISDIR(moved_info.st_mode));
                if (folder_moved) {
                    deltas[old_key].removed = true;
                    deltas[key_of(change.tree, change.path)].moved_from = old_key;
                    if (!old_folder.empty())
                        deltas[key_of(change.tree, old_folder)].removed_folders.emplace_back(old_name);
                    if (!folder.empty())
                        deltas[key_of(change.tree, folder)].added_folders.emplace_back(name);
                } else {
                    deltas[key_of(change.tree, old_folder)].removed_files.emplace_back(old_name);
                    deltas[key_of(change.tree, folder)].added_files.emplace_back(name);
                }
                break;
            }
        }
    }
    // After the changes: stamps older than this cannot be shared by a later change.
    int64_t now = clock_after_change();
    auto folder_at = [this](const std::string& key) -> Folder* {
        auto found = m_by_key.find(key);
        return found == m_by_key.end() ? nullptr : &m_folders[found->second];
    };
    auto drop = [](Folder* folder) {
        if (folder != nullptr) {
            folder->storable = false;  // listed again by the next open
            folder->changed = false;
        }
    };
    // Moved folders first take their content from where they were, before that goes.
    std::map<std::string, Folder> moved;
    for (const auto& [key, delta] : deltas)
        if (!delta.moved_from.empty())
            if (Folder* from = folder_at(delta.moved_from); from != nullptr && from->storable)
                moved[key] = *from;
    for (auto& [key, delta] : deltas) {
        Folder* folder = folder_at(key);
        if (delta.removed && delta.moved_from.empty()) {
            drop(folder);
            continue;
        }
        const std::string& root = key[0] == 's' ? m_root : m_local_root;
        struct stat info {};
        if (root.empty() || ::stat((root + "/" + key.substr(2)).c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
            drop(folder);
            continue;
        }
        FolderStamp stamp = FolderStamp::of(info);
        // What the folder held before: nothing (made here), the moved folder's, or its own when
        // open() knew it whole.
        const Folder* before = folder;
        Folder empty;
        if (delta.made) {
            empty.known = true;
            before = &empty;
        } else if (!delta.moved_from.empty()) {
            auto found = moved.find(key);
            before = found == moved.end() ? nullptr : &found->second;
        }
        // Known whole before, the same folder (a file adds no link; a folder made meanwhile by a
        // writer that does not lock does), and stamped before the clock read after the changes.
        bool whole = before != nullptr && before->known && (delta.made || before->storable);
        bool same_folder =
            whole &&
            (delta.made || !delta.moved_from.empty() ||
             (stamp.inode == before->stamp.inode &&
              (!delta.added_folders.empty() || !delta.removed_folders.empty() || stamp.links == before->stamp.links)));
        if (!same_folder || !settled(stamp, now, key[0])) {
            drop(folder);
            continue;
        }
        if (folder == nullptr) {
            folder = &m_folders.emplace_back();
            folder->key = key;
            m_by_key[folder->key] = m_folders.size() - 1;
        }
        bool only_added_files = !delta.made && delta.moved_from.empty() && delta.removed_files.empty() &&
                                delta.added_folders.empty() && delta.removed_folders.empty();
        if (only_added_files) {
            // A record of the new ids alone (`A`), as a create writes.
            std::vector<std::string> ids;
            for (const std::string& name : delta.added_files)
                ids_of_name(ids, name);
            std::string block;
            for (const std::string& id : ids)
                block.append(id).append(1, k_end);
            folder->stamp = stamp;
            folder->changed = true;
            if (!block.empty())
                folder->added.push_back(std::move(block));
            continue;
        }
        // Anything else: the folder's whole record (`F`), from what it held and the changes.
        std::vector<std::string> added;
        for (const std::string& block : before->added)
            scan_unsorted(block, {}, [&added](std::string_view id) { added.emplace_back(id); });
        for (const std::string& name : delta.added_files)
            ids_of_name(added, name);
        std::vector<std::string> removed;
        for (const std::string& name : delta.removed_files)
            ids_of_name(removed, name);
        bool parent = before->parent;
        for (const std::string& name : delta.added_files)
            parent = parent || name == k_overview_file_name;
        for (const std::string& name : delta.removed_files)
            parent = parent && name != k_overview_file_name;
        std::string folders;
        // Named, not the structured binding itself: clang before 16 cannot capture one.
        const auto& removed_folders = delta.removed_folders;
        scan_unsorted(before->folders, {}, [&folders, &removed_folders](std::string_view name) {
            if (std::find(removed_folders.begin(), removed_folders.end(), name) == removed_folders.end())
                folders.append(name).append(1, k_end);
        });
        for (const std::string& name : delta.added_folders)
            folders.append(name).append(1, k_end);
        std::string ids = merged_block(before->ids, std::move(added), std::move(removed));
        bool temporaries = before->temporaries;
        folder->owned_ids = std::move(ids);
        folder->owned_folders = std::move(folders);
        folder->ids = folder->owned_ids;
        folder->folders = folder->owned_folders;
        folder->added.clear();
        folder->stored_added = 0;
        folder->parent = parent;
        folder->temporaries = temporaries;
        folder->stamp = stamp;
        folder->listed = true;  // written whole
        folder->known = true;
        folder->storable = true;
        folder->changed = true;
    }
}

}  // namespace sc::tasks
