#pragma once
// Which task files may have changed since a long-lived process last looked, so a server can
// check only those instead of stat-ing the whole tree before every request (a stat walk of
// 1,000 tasks costs 1.5-2 ms; a request is budgeted at 100 µs).
//
// Two implementations, both always compiled (and tested): inotify on Linux, exact, since the
// kernel queues an event inside the system call that changes the folder or file; and a polling
// one that knows nothing and so answers "anything may have changed" every time, which makes
// its owner check the whole tree as a command does. The CMake option SC_TREE_WATCH_INOTIFY
// picks which one start() returns (ON on Linux).
//
// Folder-level events (a folder created, removed or moved, a watched folder gone) and a queue
// overflow are answered with "anything": the owner checks the whole tree, and the watch has
// already re-armed itself on the tree as it now is, before that check, so nothing that happens
// during the check is missed.

#include <memory>
#include <set>
#include <string>

#include "tasks/change.hpp"

namespace sc::observe {

struct TreeChanges {
    /// Anything may have changed: check the whole tree.
    bool anything = true;
    /// Otherwise the model keys (tree_model.hpp) of the files that may have been created,
    /// written or removed.
    std::set<std::string> files;
};

class TreeWatch {
public:
    virtual ~TreeWatch() = default;

    /// The watch this build uses (SC_TREE_WATCH_INOTIFY); the polling one when inotify cannot
    /// start (no more instances or watches allowed: fs.inotify.max_user_*).
    static std::unique_ptr<TreeWatch> start(const tasks::TreeRoots& roots);
    /// Linux's inotify; null where it does not exist or cannot start.
    static std::unique_ptr<TreeWatch> start_inotify(const tasks::TreeRoots& roots);
    /// Knows nothing: every drain() answers "anything".
    static std::unique_ptr<TreeWatch> start_polling(const tasks::TreeRoots& roots);

    /// What may have changed since the watch started or the previous drain.
    virtual TreeChanges drain() = 0;
    /// The roots it watches.
    [[nodiscard]] virtual const tasks::TreeRoots& roots() const = 0;
};

}  // namespace sc::observe
