#include "observe/deferred_signals.hpp"

#include <pthread.h>

namespace sc::observe {

DeferredSignals::DeferredSignals() {
    sigset_t deferred;
    sigemptyset(&deferred);
    sigaddset(&deferred, SIGINT);
    sigaddset(&deferred, SIGTERM);
    sigaddset(&deferred, SIGHUP);
    m_held = ::pthread_sigmask(SIG_BLOCK, &deferred, &m_previous) == 0;
}

void DeferredSignals::release() {
    if (m_held) {
        m_held = false;
        ::pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
    }
}

}  // namespace sc::observe
