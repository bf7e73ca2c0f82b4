#pragma once
// Choosing a new task's id as Scopecraft does (docs/layout.md, "Ids"): `<name>-<MM><L>` with
// the first letter A..Z not already used in the tree; subtasks get a random letter.
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

#include "tasks/task_tree.hpp"
#include "util/files.hpp"

namespace sc::tasks {

/// Random numbers behind a seam: tests make subtask letters predictable.
using RandomSource = std::function<uint32_t()>;
/// A RandomSource seeded from std::random_device.
RandomSource default_random_source();

/// Holds the tree's writer lock (`<tree root>/.sc-tasks.lock`, flock) for its lifetime.
/// A read-only tree fails here, before anything is written, with a clear error.
Result<files::FileLock> lock_tree(const std::string& tree_root);

/// Every id in use in the trees (all locations, archive included), for allocation.
std::set<std::string> ids_in_use(const TaskTree& tree);

/// Candidate ids for a new task or parent, best first: `<name>-<MM>A` .. `<name>-<MM>Z`
/// skipping ids in `taken`, then (as Scopecraft does after Z) ids made from the title with a
/// random number appended and a random letter. The caller tries them in order until an O_EXCL
/// create succeeds.
class IdCandidates {
public:
    IdCandidates(std::string_view title, std::string month_digits, const std::set<std::string>& taken,
                 RandomSource random);
    /// The next candidate; it is never one of `taken` nor one returned before.
    std::string next();

private:
    std::string m_title;
    std::string m_name;
    std::string m_month;
    const std::set<std::string>& m_taken;
    std::set<std::string> m_returned;
    RandomSource m_random;
    char m_letter = 'A';
};

/// A random subtask id `<name>-<MM><L>` (the letter is random and, as in Scopecraft, not
/// checked against other tasks; the O_EXCL create of its file is the only check).
std::string random_subtask_id(std::string_view title, std::string_view month_digits, const RandomSource& random);

}  // namespace sc::tasks
