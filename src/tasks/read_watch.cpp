#include "tasks/read_watch.hpp"

namespace sc::tasks {

namespace {
thread_local ReadWatch* t_current = nullptr;
}  // namespace

ReadWatch* ReadWatch::current() {
    return t_current;
}

ReadWatch::Installed::Installed(ReadWatch* watch) : m_previous(t_current) {
    t_current = watch;
}

ReadWatch::Installed::~Installed() {
    t_current = m_previous;
}

}  // namespace sc::tasks
