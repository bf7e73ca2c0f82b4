#include "util/activity.hpp"

namespace sc::activity {

namespace {

thread_local Activity* t_current = nullptr;

}  // namespace

Activity::Activity(const std::atomic<bool>* cancelled, std::function<void(uint64_t, uint64_t)> progress)
    : m_cancelled(cancelled), m_progress(std::move(progress)), m_previous(t_current) {
    t_current = this;
}

Activity::~Activity() {
    t_current = m_previous;
}

bool cancelled() {
    return t_current != nullptr && t_current->m_cancelled != nullptr &&
           t_current->m_cancelled->load(std::memory_order_relaxed);
}

void progress(uint64_t done, uint64_t total) {
    if (t_current != nullptr && t_current->m_progress)
        t_current->m_progress(done, total);
}

}  // namespace sc::activity
