#pragma once
// The id index: the task ids claimed in each folder of the task trees, with that folder's
// stamps, so that `task create` chooses a free id from a stat of each folder instead of a
// listing of every name in the tree (docs/layout.md, "The id index").
//
// Ids depend only on the names in the folders, and a folder's mtime and ctime change whenever a
// name in it is created, removed or renamed. A folder whose stamps (mtime and ctime in
// nanoseconds, inode, link count) equal the stored ones holds the stored ids; any other is
// listed again. Like the listing cache (and git's index), a folder stamped at or after the
// moment it was listed (the file system's own clock, read by touching the tree's lock file) is
// not stored: a second change within the timestamp granularity could keep its stamps.
//
// Derived data, never the only copy of anything: `<tasks>/.sc-id-index`, hidden (so neither
// listed nor replayed nor taken for an outside edit), rebuilt from the folders whenever it is
// missing, torn, of another format or written by another build of sc. Written only under the
// tree's writers' lock: records appended, the file rewritten whole through a temporary renamed
// over it when it has grown or a save did not finish.

#include <sys/stat.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tasks/change.hpp"
#include "tasks/task_tree.hpp"
#include "util/result.hpp"

namespace sc::tasks {

/// What tells a folder unchanged: a name created, removed or renamed in it changes its mtime and
/// ctime; a folder replaced by another has another inode; a subfolder made or removed changes
/// the link count on most file systems too.
struct FolderStamp {
    int64_t mtime_nanos = 0;
    int64_t ctime_nanos = 0;
    uint64_t inode = 0;
    uint64_t links = 0;

    static FolderStamp of(const struct stat& info);
    bool operator==(const FolderStamp& other) const = default;
};

class IdIndex {
public:
    /// The index file of the tree whose store root is `store_root`.
    static std::string path_for(const std::string& store_root);
    /// The first line of the file: its format, and the build of sc that wrote it.
    static std::string_view header();

    struct Options {
        /// The racily-clean reference in nanoseconds; 0: read the file system's clock by
        /// touching the tree's lock file (tests give an old one to make every folder racy).
        int64_t reference_nanos = 0;
    };

    /// Loads the index of `tree` (kept in its store root), stats every folder a full scan would
    /// read (workflow folders, archive months, task folders, in every root of the tree) and lists
    /// again those whose stamps changed or that it did not hold. Never fails: a missing, torn or
    /// foreign index is rebuilt from the folders. Call with the tree's writers' lock held.
    static IdIndex open(const TaskTree& tree, Options options);
    static IdIndex open(const TaskTree& tree) { return open(tree, Options {}); }
    IdIndex() = default;
    ~IdIndex();
    IdIndex(IdIndex&& other) noexcept;
    IdIndex& operator=(IdIndex&& other) noexcept;
    IdIndex(const IdIndex&) = delete;
    IdIndex& operator=(const IdIndex&) = delete;

    /// Visits every id in use that starts with `prefix` (all of them when it is empty), as
    /// ids_in_use() counts them: each task's id, a `NN_` file's id without the prefix too, and
    /// each parent folder's name. An id may be visited more than once.
    void visit(std::string_view prefix, const std::function<void(std::string_view)>& on_id) const;

    /// Records that sc itself, holding the tree lock, has just created the task file at
    /// `relative_path` in the store tree. Kept only when the folder was unchanged since open()
    /// and its new stamps are older than a reference read after the create (otherwise the folder
    /// is listed again next time).
    void created(std::string_view relative_path);
    /// True when open() knows `relative_folder` of the store tree holds no temporary of a
    /// killed write (files::temporary_owner): a change applied there need not list it to look
    /// for them (remove_stale_temporaries).
    [[nodiscard]] bool without_temporaries(std::string_view relative_folder) const;
    /// A name this index did not know was found taken in `relative_folder` of the store tree
    /// (a writer that does not lock, between open() and a create): list it again next time.
    void forget(std::string_view relative_folder);

    /// Records the changes sc itself, holding the tree lock, has just applied (after
    /// apply_file_changes succeeded): each folder they created files in, removed files from,
    /// made, removed or moved gets its new names and stamps, kept when the folder was known
    /// whole before, is the same folder, and its new stamps are older than a clock read now
    /// (otherwise it is listed again next time). Files created alone give an `A` record, as
    /// created() does; anything else the folder's whole record.
    void applied(const std::vector<FileChange>& changes);

    /// Writes what changed since open(). Call with the tree's writers' lock held. An index that
    /// cannot be written (read-only tree) is left as it is: nothing depends on it.
    Status save();

    /// Folders listed by open() (the others were taken from the index).
    [[nodiscard]] size_t listed() const { return m_listed; }
    /// Folders open() visited.
    [[nodiscard]] size_t folders() const { return m_folders.size(); }
    /// Of the folders open() visited, those whose stat it took from the installed FolderPass
    /// instead of a stat of its own.
    [[nodiscard]] size_t stats_passed() const { return m_stats_passed; }

private:
    struct Folder {
        std::string key;  // "<tree letter>:<relative path>"
        FolderStamp stamp;
        bool parent = false;             // a task folder holding `_overview.md`
        bool temporaries = false;        // it holds temporaries (files::temporary_owner)
        std::string_view ids;            // "id\n" lines, in the mapping or in `owned_ids`
        std::string_view folders;        // subfolder names, "name\n" lines
        std::string owned_ids;           // a folder listed by this command
        std::string owned_folders;       // (the views point here then)
        std::vector<std::string> added;  // ids sc created since the stored record
        size_t stored_added = 0;         // how many of `added` are on disk already
        bool listed = false;             // listed by this command
        bool known = false;              // its names are known (listed, or unchanged since stored)
        bool storable = false;           // listed, and not racily clean: to be written
        bool changed = false;            // its record on disk is stale (stamps or ids moved on)
        [[nodiscard]] int flags() const { return (parent ? 1 : 0) | (temporaries ? 2 : 0); }
    };
    /// A record of the file, after its later records were applied.
    struct Stored {
        FolderStamp stamp;
        bool parent = false;
        bool temporaries = false;
        std::string_view ids;
        std::string_view folders;
        std::vector<std::string_view> added;
    };

    void load();
    void walk(const TreeRoot& root, char letter, int64_t margin);
    Folder* visit_folder(int root_fd, char letter, const std::string& relative, int64_t margin);
    bool list_folder(int root_fd, const std::string& relative, Folder& folder, bool task_folder);
    int64_t reference();
    /// The file system's clock read now (or the given reference): stamps older than it are ones
    /// no later change can share.
    int64_t clock_after_change() const;
    /// True when `stamp` is older than `now` by the margin of its tree (`letter`: 's' or 'l').
    static bool settled(const FolderStamp& stamp, int64_t now, char letter);
    Status rewrite();
    void remove_stale_temporaries() const;

    std::string m_root;
    std::string m_local_root;  // the project's `.tasks/` tree, when it has one
    std::string m_path;
    const char* m_map = nullptr;
    size_t m_map_size = 0;
    uint64_t m_inode = 0;
    size_t m_committed = 0;  // bytes up to the last commit line
    size_t m_records_on_disk = 0;
    bool m_rewrite = true;  // the file must be written whole (new, torn, another build)
    std::unordered_map<std::string_view, Stored> m_stored;
    std::deque<Folder> m_folders;  // visited by open(), in walk order
    std::unordered_map<std::string_view, size_t> m_by_key;
    std::vector<std::string> m_forgotten;  // keys to record as gone
    int64_t m_reference = 0;               // 0: not read yet; -1: could not be read
    int64_t m_given_reference = 0;
    size_t m_listed = 0;
    size_t m_stats_passed = 0;
    std::string_view m_walk_root;  // the root walk() is in (FolderPass::find)
};

}  // namespace sc::tasks
