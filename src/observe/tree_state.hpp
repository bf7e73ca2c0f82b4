#pragma once
// What the event log last knew of each task file, so `sc` can notice edits made outside it (a
// hand edit, a `git pull`, Scopecraft itself) and record them as TaskChangedExternally before
// they are lost from the log.
//
// Per file: a content hash and size, plus the inode, size and mtime seen when it was last
// checked. A check stats every file (about 2 µs each) and reads only the files whose stat
// changed; a file whose bytes are unchanged is not reported. The state is derived data kept in
// the telemetry folder; when it is missing it is rebuilt from the events.
//
// The state file is a journal (docs/store.md, "The task-tree state"): a command appends a line
// for each entry it changed, a later line for a key replacing an earlier one, and the file is
// rewritten whole only when the journal has grown to twice the tree. Appending costs one write;
// replacing a file through a rename costs ext4 a flush of the new file's blocks (0.6-0.8 ms on
// this machine, more than the rest of a command's telemetry together).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "observe/tree_model.hpp"
#include "tasks/change.hpp"
#include "util/result.hpp"

namespace sc::observe {

struct Fingerprint {
    uint64_t hash = 0;
    uint64_t size = 0;
    // What stat said when the bytes above were last confirmed; zero: unknown, read to check.
    uint64_t inode = 0;
    int64_t mtime_nanos = 0;

    // Whether the check under way has met the file on disk (its absence means it was removed).
    bool seen = false;

    static Fingerprint of(const std::string& content);
    bool operator==(const Fingerprint& other) const {
        return hash == other.hash && size == other.size && inode == other.inode && mtime_nanos == other.mtime_nanos;
    }
};

/// What a check keeps of each file's stat: 32 bytes, not 144 (on some machines every page
/// touched costs more than the stat itself).
struct LiveEntry {
    uint64_t inode = 0;
    uint64_t size = 0;
    int64_t mtime_nanos = 0;
};

/// A digest of a tree's entries (each folder's key, each file's key and stat: inode, size,
/// mtime), the same whatever order they are met in: two 64-bit sums of mixed hashes and a
/// count. Saved with the state, it lets a check that walks the tree and finds the same digest
/// skip loading the state (a parse of a line per file): nothing changed since the save.
struct TreeDigest {
    uint64_t entries = 0;
    uint64_t first = 0;
    uint64_t second = 0;

    void add_folder(std::string_view key);
    void add_file(std::string_view key, const LiveEntry& stat);
    bool operator==(const TreeDigest& other) const = default;
};

/// What the last lines of a saved state say: the seq of the last event it reflects and the
/// digest of its entries (a state saved by an older sc has none).
struct StateSummary {
    uint64_t seq = 0;
    TreeDigest digest;
    bool digest_known = true;  // false: the last save appended entries without a digest
    uint64_t inode = 0;        // of the state file, as read
    uint64_t size = 0;
};

class TreeState {
public:
    /// The summary at the end of a state file, read with one pread of its last bytes; nothing
    /// when the file is missing or ends in a cut save (digest_known false when the last save
    /// has no digest before its seq).
    static std::optional<StateSummary> read_summary(const std::string& path);
    /// Walks the live trees as detect() does (a stat per file; stale temporaries removed, each
    /// folder's listing kept for the operation when one is installed) and digests what it meets;
    /// the model keys of the folders met go to `folders` when given.
    static Result<TreeDigest> live_digest(const tasks::TreeRoots& roots, std::vector<std::string>* folders = nullptr);
    /// The digest of the entries the state holds; a file whose stat it does not know cannot
    /// match a live one.
    [[nodiscard]] TreeDigest digest() const;

    /// Loads a state file; ErrorCode::not_found when it does not exist, is of an older format or
    /// was never completely saved. The lines of a save cut short (a crash or a full disk during
    /// an append: whatever follows the last "S <seq>" line) are ignored, and the next save
    /// rewrites the file.
    static Result<TreeState> load(const std::string& path);
    /// Writes what changed since the last load or save: appended to the file loaded from when
    /// that is enough, the whole state otherwise. Callers hold the tree lock, so one process
    /// at a time appends. Nothing to write costs nothing.
    Status save(const std::string& path);

    /// The state of a tree the events describe (stat details unknown).
    static TreeState from_model(const TreeModel& model);
    /// A state that holds only the entries a command changes, for a saved state reflecting
    /// `seq` that is not loaded: apply() records changes (not moves), save() appends their
    /// lines and the seq, with no digest. What a command that checks only its own files
    /// writes (docs/events.md, "Which files a command checks").
    static TreeState appending(uint64_t seq);
    [[nodiscard]] bool partial() const { return m_partial; }

    /// Compares the live trees with the state and returns the changes that explain the
    /// difference, with full contents: folders created (parents first), files created or
    /// modified, files removed, folders removed (deepest first). The state then matches the
    /// live tree.
    Result<std::vector<tasks::FileChange>> detect(const tasks::TreeRoots& roots);
    /// detect(), for the files `keys` (model keys) alone: what a long-lived server checks when
    /// its TreeWatch says only those may have changed. A key that is not a file any more is
    /// removed; folders are not looked at (the watch reports them as "anything").
    Result<std::vector<tasks::FileChange>> detect_files(const tasks::TreeRoots& roots,
                                                        const std::set<std::string>& keys);

    /// Records changes `sc` made itself (their stat details are unknown until the next check).
    /// On an error the state is partly changed: its owner drops it and loads the saved one.
    Status apply(const std::vector<tasks::FileChange>& changes);

    /// Confirms the stat details of files this process has just written (created or modified
    /// in `changes`): each is read back and fstat-ed before and after, and when the bytes are
    /// the ones applied and the file held still, its inode and mtime are kept, so the next
    /// check neither reads it again nor rewrites the state to learn them.
    void note_written(const tasks::TreeRoots& roots, const std::vector<tasks::FileChange>& changes);

    /// The seq of the last event the state reflects (0: none). Saved with every save, after
    /// the entries it covers, so a state cut short by a crash is never taken for a newer one.
    [[nodiscard]] uint64_t seq() const { return m_seq; }
    void set_seq(uint64_t seq) {
        m_seq_unsaved = m_seq_unsaved || seq != m_seq;
        m_seq = seq;
    }

    /// Makes the next save() write the digest and seq even when nothing else changed (the
    /// saved state ends in an append that had no digest to give).
    void require_save() { m_seq_unsaved = true; }

    /// True when the last detect() found changes or refreshed stat details.
    [[nodiscard]] bool modified() const { return m_modified; }
    /// True when save() has something to write.
    [[nodiscard]] bool unsaved() const { return m_rewrite || m_seq_unsaved || !m_unsaved.empty(); }

    [[nodiscard]] const std::map<std::string, Fingerprint>& files() const { return m_files; }
    [[nodiscard]] const std::set<std::string>& folders() const { return m_folders; }

private:
    struct Detection;
    void examine_file(const tasks::TreeRoots& roots, const std::string& key, const LiveEntry& entry, Detection& found);
    Result<std::vector<tasks::FileChange>> conclude(Detection& found);
    void mark_unsaved(const std::string& key) { m_unsaved.insert(key); }
    [[nodiscard]] std::string journal_line(const std::string& key) const;
    [[nodiscard]] std::string seq_line() const;

    std::map<std::string, Fingerprint> m_files;  // model_key -> fingerprint
    std::set<std::string> m_folders;
    bool m_modified = false;
    std::set<std::string> m_unsaved;  // keys whose current entry (or absence) is not on disk yet
    bool m_rewrite = true;            // the file must be written whole (new, rebuilt, or torn)
    size_t m_lines_on_disk = 0;       // entry lines in the file, replaced ones included
    uint64_t m_seq = 0;
    bool m_seq_unsaved = false;
    bool m_partial = false;  // appending(): the other entries are on disk only
};

}  // namespace sc::observe
