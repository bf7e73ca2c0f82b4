#pragma once
// What a mutating task operation did, precisely enough to record it as a domain event and to
// replay it later (docs/layout.md, "Change records").
//
// A ChangeRecord has two halves:
// - semantic: the operation's name, the task id(s), every frontmatter field changed (old and
//   new value), every section changed (old and new body): what TaskUpdated and friends carry;
// - physical: the ordered list of FileChanges. Applying them in order with
//   apply_file_changes() to a tree that was in the operation's "before" state gives the
//   "after" state byte for byte. Operations apply their own plan through the same function,
//   so a replay cannot drift from what the live operation did.
//
// Replay rules: paths are relative to the root of the tree named by `tree`, use `/`, and never
// contain `.`/`..` components. A folder that did not exist is created by an explicit
// folder_created change before anything is put in it (parents before children); removing a
// folder is file_removed for each file then folder_removed, deepest first. Renames never
// overwrite: a rename onto an existing path fails. The tree's lock file and other hidden
// files at its root are not part of the tree and never appear in changes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tasks/task_record.hpp"
#include "util/result.hpp"

namespace sc::tasks {

enum class FileChangeKind {
    folder_created,  // mkdir `path` (its parent exists)
    file_created,    // a new file at `path` with `content`; fails if the path exists
    file_modified,   // `path` now holds `content` (replaced atomically)
    renamed,         // `old_path` (a file or a folder) moved to `path`, content unchanged
    file_removed,    // unlink `path`
    folder_removed,  // rmdir `path` (it is empty by then)
};

std::string_view to_string(FileChangeKind kind);

struct FileChange {
    FileChangeKind kind = FileChangeKind::file_modified;
    std::string path;      // relative to the tree root: `current/x-11A.task.md`
    std::string old_path;  // renamed only: where it was
    std::string content;   // file_created and file_modified: the complete new bytes
    TreeKind tree = TreeKind::store;
    // file_created and file_modified seen outside `sc` in a file larger than a task file may be
    // (k_max_task_file_bytes): its size, and no content (reading it whole is what the limit
    // prevents). Replay leaves such a file out; 0 for every other change.
    uint64_t oversized_bytes = 0;

    bool operator==(const FileChange&) const = default;
};

/// A frontmatter field before and after; null means absent.
struct FieldChange {
    std::string field;
    nlohmann::ordered_json old_value;
    nlohmann::ordered_json new_value;
};

/// A section's body before and after (the title is the pseudo-field `title` in `fields`).
struct SectionChange {
    std::string section;
    std::string old_body;
    std::string new_body;
};

/// A task whose id changed: promote (the letter moves on), resequence (the `NN_` prefix).
struct IdChange {
    std::string old_id;
    std::string new_id;
};

struct ChangeRecord {
    /// `task.create`, `task.update`, `task.delete`, `task.move`, `task.start`,
    /// `task.complete`, `task.section`, `task.log`, `task.promote`, `parent.create`,
    /// `parent.add_subtask`, `parent.resequence`, `parent.parallelize`, `tree.init`.
    std::string operation;
    std::string task_id;                // the task operated on, as it is afterwards
    std::vector<std::string> created;   // ids of tasks that came into being
    std::vector<std::string> removed;   // ids of tasks that no longer exist
    std::vector<IdChange> renamed_ids;  // ids that changed
    std::vector<FieldChange> fields;
    std::vector<SectionChange> sections;
    std::vector<FileChange> files;

    /// The record as compact JSON text (a domain event's `data`): file contents are included
    /// in full; a byte that is not UTF-8 becomes U+FFFD.
    [[nodiscard]] std::string to_json() const;
    [[nodiscard]] bool empty() const { return files.empty(); }
};

/// The trees changes may touch: each kind's absolute root folder.
struct TreeRoots {
    std::string store;
    std::string project_local;
    [[nodiscard]] const std::string& path(TreeKind kind) const {
        return kind == TreeKind::project_local && !project_local.empty() ? project_local : store;
    }
};

/// Told of each change just before it is applied, with the bytes it replaces or removes (empty
/// for the other kinds): what a caller that must survive a crash writes down, so the next
/// process can undo an operation a SIGKILL cut short (observe/in_flight.hpp). Installed on the
/// current thread for the lifetime of an Installed; when the journal refuses, the change is not
/// made and the operation fails with its error.
class ChangeJournal {
public:
    virtual ~ChangeJournal() = default;
    virtual Status before(const std::string& root, const FileChange& change, const std::string& old_content) = 0;

    [[nodiscard]] static ChangeJournal* current();
    class Installed {
    public:
        explicit Installed(ChangeJournal* journal);
        ~Installed();
        Installed(const Installed&) = delete;
        Installed& operator=(const Installed&) = delete;

    private:
        ChangeJournal* m_previous;
    };
};

/// Applies changes in order. On the first failure every change already applied is undone
/// (in reverse order), so a failed operation leaves the tree as it was, and the error says
/// which step failed. Each relative path is checked for safety before anything is touched.
Status apply_file_changes(const TreeRoots& roots, const std::vector<FileChange>& changes);

/// apply_file_changes() for an operation applied in several steps (a parent, then each of
/// its subtasks): everything applied through one applier is undone together unless
/// commit() is called.
class ChangeApplier {
public:
    explicit ChangeApplier(TreeRoots roots) : m_roots(std::move(roots)) {}
    ChangeApplier(const ChangeApplier&) = delete;
    ChangeApplier& operator=(const ChangeApplier&) = delete;
    ~ChangeApplier();

    /// Applies `changes` all or nothing; on success they join applied().
    Status apply(const std::vector<FileChange>& changes);
    /// Undoes everything applied so far, newest first.
    void rollback();
    /// Keeps what was applied.
    void commit() { m_undo.clear(); }
    [[nodiscard]] const std::vector<FileChange>& applied() const { return m_applied; }

private:
    struct Undo {
        FileChangeKind kind;
        std::string path;
        std::string old_path;
        std::string old_content;
    };
    TreeRoots m_roots;
    std::vector<Undo> m_undo;
    std::vector<FileChange> m_applied;

    static Status apply_one(const std::string& root, const FileChange& change, Undo& undo);
    static void undo_one(const Undo& undo);
};

}  // namespace sc::tasks
