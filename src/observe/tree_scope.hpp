#pragma once
// What lets a command that reads or writes a few task files check only those for outside
// edits (docs/events.md, "Which files a command checks"): the stamps of every folder of the
// tree, and the reference time of the last check that stat-ed every file.
//
// A create, remove or rename of any entry in a folder changes that folder's mtime and ctime
// (a file replaced by a folder, a `git checkout`, a rename over a file all do), so a command
// that finds every folder's stamp as saved knows that no name was added, removed or replaced
// anywhere since. An edit in place changes only the file's own stamps: a file whose ctime and
// mtime are older than the reference time of the last full check has not changed since that
// check compared it with the state; a file `sc` wrote since is compared with the stat it left.
// Anything else is checked as the full check checks it (a stat, then a read when it differs).
//
// Kept beside the task-tree state (`projections/task-tree.scope`), tied to one save of it (its
// inode, size and seq): a state saved by anything that does not write the scope (an older sc,
// a server, a repair) makes it stale, and the next command checks the whole tree and writes it
// anew. Derived data: deleting it costs one full check.

#include <sys/stat.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tasks/change.hpp"
#include "tasks/file_stat.hpp"
#include "util/result.hpp"

namespace sc::observe {

/// A folder's stamps. `confirmed`: taken before the reference time of the check that listed
/// the folder, so any later change to it gets other stamps (the racily-clean rule of
/// docs/layout.md, "The listing cache"); an unconfirmed stamp counts as changed.
struct FolderStamp {
    uint64_t inode = 0;  // 0: no folder there
    int64_t mtime_nanos = 0;
    int64_t ctime_nanos = 0;
    bool confirmed = false;

    static FolderStamp of(const struct stat& info);
    /// The stamps of the folder at `path` now (inode 0 when it is missing or not a folder).
    static FolderStamp at(const std::string& path);
    [[nodiscard]] bool same_as(const FolderStamp& other) const {
        return inode == other.inode && mtime_nanos == other.mtime_nanos && ctime_nanos == other.ctime_nanos;
    }
};

/// One save of the task-tree state: what a scope is valid with.
struct StateIdentity {
    uint64_t inode = 0;
    uint64_t size = 0;
    uint64_t seq = 0;
    bool operator==(const StateIdentity& other) const = default;

    /// The identity of the state file at `path` saved with `seq`; nullopt when it is missing.
    static std::optional<StateIdentity> of(const std::string& path, uint64_t seq);
};

/// The file system's clock now, as any change made from now on is stamped at the earliest:
/// the ctime of the tree's lock file, touched (git compares with its index file's mtime the
/// same way). -1 when it cannot be taken.
int64_t file_system_now(const std::string& tree_root);

/// The extra age a stamp of the project's `.tasks/` tree needs: it may sit on another file
/// system than the store tree whose clock gave the reference (FAT keeps two-second mtimes).
inline constexpr int64_t k_other_tree_margin_nanos = 2'000'000'000;

class TreeScope {
public:
    TreeScope() = default;
    // Keys are views into the loaded text and into m_keys: moved, never copied.
    TreeScope(TreeScope&&) noexcept = default;
    TreeScope& operator=(TreeScope&&) noexcept = default;
    TreeScope(const TreeScope&) = delete;
    TreeScope& operator=(const TreeScope&) = delete;

    /// `projections/task-tree.scope` beside the state file at `state_path`.
    static std::string path_for(const std::string& state_path);

    /// The scope saved at `path`; nullopt when it is missing, torn or of another format.
    static std::optional<TreeScope> load(const std::string& path);
    /// Writes the scope whole, tied to `state` (small: a line per folder and per file written
    /// since the last full check). Written in place, not renamed: a cut write is torn, and a
    /// torn scope is only a full check. A folder's line loaded and not changed since is copied
    /// as it was read, not formatted again (three 19-digit numbers a folder, 150 folders at
    /// 10,000 tasks, were most of a `task create`'s save).
    Status save(const std::string& path, const StateIdentity& state) const;

    /// The scope a check of every file leaves: the stamps of the trees' roots and of
    /// `folder_keys` (model keys), each confirmed when older than `reference`, which becomes
    /// the time files are compared with.
    static TreeScope after_full_check(const tasks::TreeRoots& roots, const std::vector<std::string>& folder_keys,
                                      int64_t reference);

    /// The saved state this scope goes with.
    [[nodiscard]] const StateIdentity& state() const { return m_state; }
    /// True when the scope describes these roots, each root holds the names it held, and every
    /// folder below has its confirmed stamp still (a stat per folder).
    [[nodiscard]] bool folders_unchanged(const tasks::TreeRoots& roots) const;
    /// True when the file `key` (model key) with stat `stat` is as the state last recorded it:
    /// the stat `sc` left it with, or, for a file `sc` has not written since the last full
    /// check, ctime and mtime older than that check's reference.
    [[nodiscard]] bool file_unchanged(const std::string& key, const tasks::FileStat& stat) const;
    /// The recorded stamp of folder `key`, if any.
    [[nodiscard]] const FolderStamp* folder(const std::string& key) const;

    /// A file whose bytes were just confirmed to be the ones the state records, with its stat:
    /// kept when older than `reference` (a later change cannot keep its stat), forgotten
    /// otherwise (the full check's rule decides, or a stat and a read).
    void note_file(const std::string& key, const tasks::FileStat& stat, int64_t reference);
    /// A folder `sc` has just changed, whose content is the one the state records, with its
    /// stamps now: confirmed when `clean`, nothing but `sc` changed it since its stamps were
    /// last confirmed (docs/events.md: a change made outside `sc` within the same timestamp as
    /// `sc`'s own is found by the next full check, as an edit in place is).
    void note_folder(const std::string& key, const FolderStamp& stamp, bool clean);
    /// Lists the root of a tree again (`key`: "store:" or "project_local:") after `sc` changed a
    /// name in it: a root is known by its names, not its stamps (see folders_unchanged).
    void note_root(const tasks::TreeRoots& roots, const std::string& key);
    /// A digest of the names a folder holds as the check counts them (files and folders, not
    /// hidden or temporary ones); 0 when it does not exist, nullopt when it cannot be read.
    static std::optional<uint64_t> names_of(const std::string& folder);
    /// Forgets a file, or a folder and everything under it (removed).
    void forget(const std::string& key);
    /// Moves what is known under `old_key` (a renamed folder or file) to `new_key`.
    void rename(const std::string& old_key, const std::string& new_key);

    [[nodiscard]] size_t folder_count() const { return m_folders.size(); }
    [[nodiscard]] const std::map<std::string, tasks::FileStat>& files() const { return m_files; }
    [[nodiscard]] int64_t reference() const { return m_reference; }
    /// The watch service's token this scope's state goes with (empty: none): every entry of the
    /// state describes its file as it was when the service gave it, except files the service
    /// reports since (docs/events.md, "Which files a command checks"). An operation that only
    /// adds its own changes keeps it: the service reports those changes too.
    [[nodiscard]] const std::string& watch_token() const { return m_watch_token; }
    void set_watch_token(std::string token) { m_watch_token = std::move(token); }

    /// The path of model key `key` under `roots` (empty when its tree is not configured).
    static std::string path_of(const tasks::TreeRoots& roots, const std::string& key);
    /// The reference margin of a key's tree: 0 for the store tree, k_other_tree_margin_nanos
    /// for `.tasks/`.
    static int64_t margin_of(const std::string& key);

private:
    /// A folder's stamps, and the line of the loaded file that gave them while they are unchanged
    /// (copied by save()).
    struct Folder {
        FolderStamp stamp;
        std::string_view line;
    };
    /// `key` as a view that lives as long as this scope (a copy kept in m_keys).
    std::string_view own_key(std::string_view key);
    /// The folder `key`, or nullptr (a binary search of m_folders).
    [[nodiscard]] const Folder* find_folder(std::string_view key) const;
    /// Sets folder `key`'s stamps (its line is formatted again by save()), adding it in its place.
    void set_folder(std::string_view key, const FolderStamp& stamp);

    std::shared_ptr<const std::string> m_text;  // the file load() read: folder keys and lines point here
    std::deque<std::string> m_keys;             // the other folder keys (a deque: they never move)
    std::string m_store_root;
    std::string m_local_root;
    int64_t m_reference = 0;
    std::string m_watch_token;
    StateIdentity m_state;
    std::map<std::string, uint64_t> m_root_names;  // each tree's root: names_of() it
    // Model key -> stamps, below the roots, sorted by key: a vector, not a map (a node and a
    // rebalance a folder were a sixth of loading 150 folders). Changed a few folders at a time.
    std::vector<std::pair<std::string_view, Folder>> m_folders;
    std::map<std::string, tasks::FileStat> m_files;  // files sc wrote since the full check
};

}  // namespace sc::observe
