#pragma once
// Holds back SIGINT, SIGTERM and SIGHUP while a task command changes the tree and records the
// change (docs/architecture.md, "Crash safety"): Ctrl-C or a `kill` in the middle of a write
// would otherwise leave the change on disk without its event, or its event without the saved
// tree state. A signal that arrives meanwhile stays pending and takes effect when the step is
// complete and recorded, with its usual action (the process ends). SIGKILL cannot be held
// back; what it leaves is repaired by the next command.

#include <signal.h>

namespace sc::observe {

class DeferredSignals {
public:
    DeferredSignals();
    ~DeferredSignals() { release(); }
    DeferredSignals(const DeferredSignals&) = delete;
    DeferredSignals& operator=(const DeferredSignals&) = delete;

    /// Restores the signal mask of before; a signal held back is delivered now.
    void release();

private:
    sigset_t m_previous {};
    bool m_held = false;
};

}  // namespace sc::observe
