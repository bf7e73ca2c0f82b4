#pragma once
// The in-flight journal of one task operation (`<telemetry>/projections/in-flight`; docs/events.md,
// "After a crash"). Before each file change the task layer makes, it holds what undoes that
// change (the bytes replaced or removed, and the bytes written, so the undo touches a file only
// while it holds what the operation wrote); it is removed once the operation's event is recorded and the tree state
// saved. A process killed in between (SIGKILL, OOM, power) leaves it behind, and the next command, under the tree lock,
// either keeps the operation (its event is in the log: the state catches up) or undoes what of it reached the disk (no
// event: as if it had never run). So an operation of several file changes (a parent and its subtasks, a cascading
// delete) is wholly there or wholly absent, and never recorded as an outside edit.

#include <cstdint>
#include <functional>
#include <string>

#include "tasks/change.hpp"
#include "util/result.hpp"

namespace sc::observe {

class InFlightJournal final : public tasks::ChangeJournal {
public:
    /// `base_seq`: the log's last seq before the operation (its event, if any, comes after).
    InFlightJournal(std::string path, uint64_t base_seq) : m_path(std::move(path)), m_base_seq(base_seq) {}
    ~InFlightJournal() override;
    InFlightJournal(const InFlightJournal&) = delete;
    InFlightJournal& operator=(const InFlightJournal&) = delete;

    /// Appends one entry (the file is created by the first: an operation that changes nothing
    /// costs nothing).
    Status before(const std::string& root, const tasks::FileChange& change, const std::string& old_content) override;
    /// Removes the journal: the operation is recorded, or failed and undid itself, or its
    /// event could not be stored (its changes stay, and the next check records them).
    void finish();

    /// Called before each change is journaled and made: a command that checks only the files
    /// it touches checks the file about to change there (docs/events.md).
    void set_before_change(std::function<void(const std::string& root, const tasks::FileChange& change)> hook) {
        m_before_change = std::move(hook);
    }
    /// The log moved on to `seq` before the operation's own event (edits made outside `sc`,
    /// recorded in the middle of the operation): its event, if any, comes after that.
    Status rebase(uint64_t seq);

private:
    std::string m_path;
    uint64_t m_base_seq = 0;
    int m_fd = -1;
    std::function<void(const std::string&, const tasks::FileChange&)> m_before_change;
};

/// What the next command did about a journal left by a killed process: none (no journal),
/// kept (the event is in the log), undone (changes reverted), abandoned (no event, and none of
/// its changes had reached the disk).
enum class InFlightOutcome { none, kept, undone, abandoned };

/// Handles a journal left at `path`: kept when the log's last seq (`log_seq`) is past the
/// journal's base seq (the operation's event was stored), otherwise undone, newest change
/// first, each only while the file still holds what the operation left (an edit made since is
/// not overwritten). The journal is removed either way. Called under the tree lock.
Result<InFlightOutcome> recover_in_flight(const std::string& path, uint64_t log_seq);

}  // namespace sc::observe
