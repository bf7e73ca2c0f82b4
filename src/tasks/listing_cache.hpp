#pragma once
// The listing cache: for each task file, the stat it had and what a listing needs of it
// (tasks::ListedTask, encoded), so a listing of an unchanged file copies stored bytes instead
// of reading and parsing it (docs/layout.md, "The listing cache").
//
// Derived data, never the only copy of anything: kept beside the tree it describes
// (`<tasks>/.sc-listing-cache`, hidden, so neither listed nor replayed nor taken for an outside
// edit), and rebuilt from the files whenever it is missing, torn, of an older format or
// written by another version of sc. A file's entry is used only when its size, inode, mtime
// and ctime (nanoseconds) all match; an entry whose file changed at or after the moment this
// listing started reading (the file system's own timestamp, taken by touching the tree's lock
// file) is not stored: the racily-clean problem of git's index, solved the same way.
//
// Like the task-tree state, the file is a journal: a listing appends the entries it learnt
// and a commit line, under the tree's writers' lock, and the whole file is rewritten only when
// it has grown to twice the live entries or a save did not finish.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tasks/file_stat.hpp"
#include "util/result.hpp"

namespace sc::tasks {

class ListingCache {
public:
    /// The cache file of the tree rooted at `tree_root` (the store's `tasks/` folder).
    static std::string path_for(const std::string& tree_root);
    /// The first line of the file: its format, and the version of sc that wrote it.
    static std::string_view header();

    /// Maps and indexes the cache of `tree_root`. Missing, torn, of another format or version:
    /// an empty cache, whose save() writes the file anew. Never fails.
    static ListingCache open(const std::string& tree_root);
    /// A cache that is neither read nor written (no tree yet).
    ListingCache() = default;
    ~ListingCache();
    ListingCache(ListingCache&& other) noexcept;
    ListingCache& operator=(ListingCache&& other) noexcept;
    ListingCache(const ListingCache&) = delete;
    ListingCache& operator=(const ListingCache&) = delete;

    /// The stored entry of `key` when the file's stat matches it exactly; marks the key seen.
    std::optional<std::string_view> find(std::string_view key, const FileStat& stat);
    /// The watch token of the save this cache loaded (empty: none): the entries describe their
    /// files as they were when the watch service gave it (docs/layout.md, "The watch service").
    [[nodiscard]] const std::string& watch_token() const { return m_token; }
    /// The watch token of the last save of the cache of `tree_root`, from one pread of its end
    /// (empty: none, or a save cut short), to ask the service with before the cache is loaded.
    static std::string read_watch_token(const std::string& tree_root);
    /// The service answered that only the files `changed` (cache keys) may have changed since
    /// watch_token(): every other entry still describes its file (find_vouched() gives it
    /// without a stat). Saved with `token`.
    void trust_unchanged(const std::vector<std::string>& changed, std::string token);
    /// The service answered "anything": saved with `token`, keeping only the entries this
    /// listing confirms with a stat taken after the answer.
    void renew_token(std::string token);
    /// The stored entry of `key` when the service vouched for it; marks the key seen.
    std::optional<std::string_view> find_vouched(std::string_view key);

    /// Marks a key the listing met but did not look up (filtered out), so save() keeps it.
    void mark_seen(std::string_view key);

    /// Called before a file is read to make an entry: takes the reference time once (see
    /// above). An entry is stored only when its file's ctime and mtime are older.
    void before_read();
    /// Keeps a new entry for `key`; stored by save() unless racily clean (then only kept for
    /// this listing). `margin_nanos` widens the racily-clean window for a tree on another file
    /// system than the lock file's. Returns the kept bytes: valid as long as the cache for an
    /// entry to be stored, until the next put() for one that is not.
    std::string_view put(std::string_view key, const FileStat& stat, std::string entry, int64_t margin_nanos = 0);
    /// Drops the entries under `prefixes` that this listing did not meet: their files are gone.
    void forget_unseen(const std::vector<std::string>& prefixes);

    /// Writes what this listing learnt, under the tree's writers' lock: appended when the file
    /// on disk is the one loaded and ends in a commit, rewritten whole otherwise. A cache that
    /// cannot be written (read-only tree) is left as it is; nothing to write costs nothing.
    Status save();

    /// How this listing was served: entries taken from the cache, files read.
    [[nodiscard]] size_t hits() const { return m_hits; }
    [[nodiscard]] size_t reads() const { return m_reads; }
    /// Of the hits, those the watch service vouched for (no stat taken).
    [[nodiscard]] size_t vouched_hits() const { return m_vouched_hits; }
    /// The reference time taken by before_read() (0: none yet; -1: it could not be taken).
    [[nodiscard]] int64_t reference_nanos() const { return m_reference; }
    /// Whether an entry of a file with this stat could be stored now (not racily clean).
    [[nodiscard]] bool storable(const FileStat& stat, int64_t margin_nanos = 0) const;

private:
    /// A live entry of the file: its key, where its stat's numbers start in the mapping and its
    /// bytes' length (the bytes follow the key). The load frames each record once and leaves
    /// the stat as text, parsed only when the key is looked up: 32 bytes per task here, where
    /// a parsed copy would cost a page fault per hundred tasks more.
    struct Slot {
        std::string_view key;
        size_t stat_at = 0;
        uint32_t entry_length = 0;
        bool seen = false;
        bool dropped = false;  // replaced by an entry of this listing, or its file is gone
        bool vouched = false;  // the watch said its file did not change, or find() confirmed it
    };
    /// An entry this listing made.
    struct Added {
        std::string key;
        FileStat stat;
        std::string entry;
        bool unsaved = false;  // to be written (not racily clean, not saved yet)
    };

    void load();
    Status save_locked();
    void remove_stale_temporaries() const;
    Slot* slot_of(std::string_view key);
    bool read_record(const Slot& slot, FileStat& stat, std::string_view& entry) const;

    std::string m_root;
    std::string m_path;
    const char* m_map = nullptr;  // the file, mapped read-only (views point into it)
    size_t m_map_size = 0;
    uint64_t m_inode = 0;
    size_t m_committed = 0;  // bytes of the file up to its last commit line
    size_t m_records_on_disk = 0;
    bool m_rewrite = true;      // the file must be written whole (new, torn, other version)
    std::vector<Slot> m_slots;  // sorted by key, one per key
    size_t m_next_slot = 0;     // the slot after the last one looked up: likely the next asked for
    std::deque<Added> m_added;
    std::vector<std::string_view> m_removed;  // keys to record as gone
    std::string m_scratch;                    // the last entry not to be stored
    int64_t m_reference = 0;
    std::string m_token;      // the watch token of the save loaded
    std::string m_new_token;  // the one to save with (trust_unchanged, renew_token)
    size_t m_hits = 0;
    size_t m_vouched_hits = 0;
    size_t m_reads = 0;
};

}  // namespace sc::tasks
