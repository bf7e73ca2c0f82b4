#pragma once
// Choosing a new task's id as Scopecraft does (docs/layout.md, "Ids"): `<name>-<MM><L>` with
// the first letter A..Z not already used in the tree; subtasks get a random letter. Unlike
// Scopecraft, a subtask's letter is checked too, against the whole tree: its id without the
// `NN_` prefix finds it by id, so it must not be claimed anywhere else (two parents whose
// subtasks share an id would make `sc` refuse the ids it made).
//
// Safety between processes comes from two things: writers hold the tree lock (TreeLock)
// while they choose and create, and every new file is created with O_EXCL, so even a writer
// that does not lock (Scopecraft itself) cannot make us overwrite a task: on EEXIST the
// caller asks for the next candidate.

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/task_tree.hpp"
#include "util/files.hpp"

namespace sc::tasks {

/// Random numbers behind a seam: tests make subtask letters predictable.
using RandomSource = std::function<uint32_t()>;
/// A RandomSource seeded from std::random_device.
RandomSource default_random_source();

/// Holds the tree's writer lock (`<tree root>/.sc-tasks.lock`, flock) for its lifetime.
/// A read-only tree fails here, before anything is written, with a clear error. While a
/// FolderPass of this tree is installed on the thread, it holds the lock, and the lock given
/// here holds nothing.
Result<files::FileLock> lock_tree(const std::string& tree_root);

/// Every id in use in the trees (all locations, archive included), for allocation: each
/// task's id and, for a `NN_`-named file, its id without the prefix too (a lookup by that
/// shorter id finds it).
std::set<std::string> ids_in_use(const TaskTree& tree);

/// Visits the ids in use that start with `prefix` (every id when it is empty); the views are
/// valid during the call only. IdIndex::visit is one.
using IdVisitor = std::function<void(std::string_view prefix, const std::function<void(std::string_view)>& on_id)>;

/// How the letter of `<name>-<MM><L>` is chosen: tasks and parents take the first free one
/// from A, subtasks a random free one (a random draw, then the next free letter after it).
enum class LetterOrder { first_free, random };

/// Candidate ids, best first: `<name>-<MM><L>` for the letters in `order`, skipping ids in
/// `taken`; once every letter is taken, (as Scopecraft does after Z) ids made from the title
/// with a random number appended and a random letter. The caller tries them in order until an
/// O_EXCL create succeeds. A subtask's candidate is its id without the `NN_` prefix.
class IdCandidates {
public:
    IdCandidates(std::string_view title, std::string month_digits, const std::set<std::string>& taken,
                 RandomSource random, LetterOrder order = LetterOrder::first_free);
    /// Reads the ids in use from `tree` itself, and sets apart only those starting with
    /// `<name>-<MM>` until the 26 letters are taken: a set of every id of a large tree was a
    /// third of `task create` at 10,000 tasks.
    IdCandidates(std::string_view title, std::string month_digits, const TaskTree& tree, RandomSource random,
                 LetterOrder order = LetterOrder::first_free);
    /// Reads the ids in use through `ids` (the id index): those starting with `<name>-<MM>`
    /// at once; once the 26 letters are taken, each candidate is looked up alone.
    IdCandidates(std::string_view title, std::string month_digits, IdVisitor ids, RandomSource random,
                 LetterOrder order = LetterOrder::first_free);
    IdCandidates(const IdCandidates&) = delete;  // may point into itself (m_taken)
    IdCandidates& operator=(const IdCandidates&) = delete;
    /// The next candidate; it is never one of `taken` nor one returned before.
    std::string next();

private:
    bool usable(const std::string& id) { return m_taken->count(id) == 0 && m_returned.insert(id).second; }

    std::string m_title;
    std::string m_name;
    std::string m_month;
    const std::set<std::string>* m_taken;
    std::set<std::string> m_read;       // ids read from the tree: this name and month's, then all
    std::vector<std::string> m_others;  // the other ids read, until m_read takes them
    IdVisitor m_ids;                    // past Z, each candidate is looked up through it
    std::set<std::string> m_returned;
    RandomSource m_random;
    LetterOrder m_order;
    int m_letters_tried = 0;
};

}  // namespace sc::tasks
