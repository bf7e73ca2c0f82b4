#include "server/stop_signals.hpp"

#include <pthread.h>

#include <utility>

namespace sc::server {

sigset_t block_stop_signals() {
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

StopSignalThread::StopSignalThread(const sigset_t& signals, std::function<void(int)> on_stop) : m_signals(signals) {
    m_thread = std::thread([this, on_stop = std::move(on_stop)] {
        int received = 0;
        ::sigwait(&m_signals, &received);
        if (!m_done.load())
            on_stop(received);
    });
}

StopSignalThread::~StopSignalThread() {
    m_done.store(true);
    // Wakes the thread if no signal came; one that came already left it blocked and pending,
    // and it goes with the thread.
    ::pthread_kill(m_thread.native_handle(), SIGTERM);
    m_thread.join();
}

}  // namespace sc::server
