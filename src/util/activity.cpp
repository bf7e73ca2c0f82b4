#include "util/activity.hpp"

namespace sc::activity {

namespace {

thread_local Activity* t_current = nullptr;

// The clock is read at every this many checks, not at each: a listing checks once per file.
constexpr uint32_t k_checks_per_clock = 8;

}  // namespace

Activity::Activity(const std::atomic<bool>* cancelled, std::function<void(uint64_t, uint64_t)> progress,
                   const std::function<void()>* look)
    : m_cancelled(cancelled),
      m_progress(std::move(progress)),
      m_look(look != nullptr && *look ? look : nullptr),
      m_previous(t_current) {
    if (m_look != nullptr) {
        m_started = std::chrono::steady_clock::now();
        m_next_look = m_started + k_look_interval;
    }
    t_current = this;
}

Activity::~Activity() {
    t_current = m_previous;
}

void Activity::look_if_due() {
    if (std::chrono::steady_clock::now() < m_next_look)
        return;
    (*m_look)();
    m_next_look = std::chrono::steady_clock::now() + k_look_interval;
}

void Activity::settle() {
    if (m_look != nullptr && std::chrono::steady_clock::now() - m_started >= k_look_interval)
        (*m_look)();
}

bool cancelled() {
    Activity* current = t_current;
    if (current == nullptr)
        return false;
    if (current->m_look != nullptr && ++current->m_checks % k_checks_per_clock == 0)
        current->look_if_due();
    return current->m_cancelled != nullptr && current->m_cancelled->load(std::memory_order_relaxed);
}

void progress(uint64_t done, uint64_t total) {
    if (t_current != nullptr && t_current->m_progress)
        t_current->m_progress(done, total);
}

}  // namespace sc::activity
