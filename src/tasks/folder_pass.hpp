#pragma once
// One stat per folder for a whole operation (docs/layout.md, "The id index"; docs/events.md,
// "Which files a command checks"). With telemetry on, a write operation on a few files first
// checks every folder's stamps against the task-tree scope, then the id index compares every
// folder's stamps with its records: two stats of the same ~150 folders at 10,000 tasks. A
// FolderPass installed on the thread keeps the stats the first reader took, and the second
// takes them from it.
//
// A stat handed over is only as good as the lock it was taken under: the id index trusts a
// stored folder whose stamps equal the handed ones, so no writer may change a folder between
// the stat and the index's use of it. The pass therefore takes the tree's writers' lock
// (tasks::lock_tree) before any stat is kept and holds it until it goes; lock_tree() of the
// same tree on this thread meanwhile returns a lock that holds nothing (the pass holds it).
// A change applied to the tree drops every kept stat (forget_folder_listings).

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/files.hpp"

namespace sc::tasks {

class FolderPass {
public:
    /// Takes the writers' lock of the tree whose store root is `store_root` and installs the
    /// pass on this thread. When the lock cannot be taken (no tree yet, a read-only tree),
    /// nothing is installed: readers stat for themselves and lock_tree() reports the error.
    explicit FolderPass(const std::string& store_root);
    ~FolderPass();
    FolderPass(const FolderPass&) = delete;
    FolderPass& operator=(const FolderPass&) = delete;

    /// The pass installed on this thread, if any.
    static FolderPass* current();
    /// True when a pass on this thread holds the writers' lock of `store_root`.
    static bool holds_lock(const std::string& store_root);

    /// Keeps the stat of the folder at `path` (`<root>/<relative path>`, as the readers build
    /// it); anything but a folder is not kept.
    void keep(std::string_view path, const struct stat& info);
    /// Room for `count` folders at once (the scope knows how many it checks).
    void reserve(size_t count) {
        m_stats.reserve(count);
        m_paths.reserve(count * 32);  // a folder path is 7-40 bytes
    }
    /// The kept stat of the folder `relative` (a path inside `root`) into `info`: its type,
    /// inode, link count, mtime and ctime (what tells a folder unchanged; the other fields 0).
    /// False when none is kept.
    [[nodiscard]] bool find(std::string_view root, std::string_view relative, struct stat& info) const;
    /// Drops every kept stat: the tree is about to change.
    void forget() {
        m_stats.clear();
        m_paths.clear();
        m_sorted = true;
        m_next = 0;
    }
    [[nodiscard]] size_t size() const { return m_stats.size(); }

private:
    // What the id index compares of a folder's stat, not the whole `struct stat` (144 bytes
    // here): 150 folders' entries fit in two pages instead of six, and each page a command
    // touches first costs a fault (4-20 us on the VMs we measure on).
    struct Kept {
        uint32_t at = 0;  // the path's bytes in m_paths
        uint32_t size = 0;
        uint64_t inode = 0;
        uint64_t links = 0;
        struct timespec mtime {};
        struct timespec ctime {};
    };
    [[nodiscard]] std::string_view path_of(const Kept& kept) const { return {m_paths.data() + kept.at, kept.size}; }

    std::string m_root;
    std::optional<files::FileLock> m_lock;
    // One buffer of paths (inside the store root: relative to it; elsewhere: whole) and a vector
    // in the order kept, which is the paths' order when the scope keeps them (its keys' order)
    // and then searched by halves: a few instructions per folder, where a hash map of whole
    // paths cost about as much as the stats it saves. A folder kept twice, or out of order, is
    // looked for one by one.
    std::string m_paths;
    std::vector<Kept> m_stats;
    bool m_sorted = true;
    // The one after the last found: the id index asks in its walk's order, which is the kept
    // order within a workflow folder (both sorted), so most finds are one compare, not a search.
    mutable size_t m_next = 0;
    FolderPass* m_previous = nullptr;
    bool m_installed = false;
};

}  // namespace sc::tasks
