#pragma once
// Who wants to know which task files an operation reads: the outside-edit check of a command
// that looks only at the files it touches (observe/, docs/events.md, "Which files a command
// checks") compares each with what the event log knows before the operation reads it, so an
// edit made outside `sc` is recorded before the change `sc` makes from it.
//
// Installed on the thread for one operation, like ChangeJournal; nothing is installed with
// telemetry off, and then a read costs one branch more.

#include <string>

namespace sc::tasks {

class ReadWatch {
public:
    virtual ~ReadWatch() = default;
    /// Called before the task file at `path` (absolute) is read.
    virtual void before_read(const std::string& path) = 0;

    [[nodiscard]] static ReadWatch* current();
    class Installed {
    public:
        explicit Installed(ReadWatch* watch);
        ~Installed();
        Installed(const Installed&) = delete;
        Installed& operator=(const Installed&) = delete;

    private:
        ReadWatch* m_previous;
    };
};

}  // namespace sc::tasks
