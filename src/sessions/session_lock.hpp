#pragma once
// One running session per environment: an flock on `sessions/locks/<env-id>.lock`, held by
// the process that supervises the agent (the foreground `sc dispatch`, or the supervisor of a
// detached run, which inherits the starter's descriptor). The file names the holder's session,
// so a second dispatch can say which one is running. The kernel lets the lock go when its
// holder dies, however it dies.

#include <string>

#include "util/result.hpp"

namespace sc::sessions {

class SessionLock {
public:
    /// Takes the lock without waiting. ErrorCode::conflict when another session holds it, with
    /// `holder` set to the session id it wrote.
    static Result<SessionLock> try_acquire(const std::string& sessions_folder, const std::string& env_id,
                                           const std::string& session_id, std::string* holder = nullptr);
    /// Adopts a descriptor inherited from the starter (detached runs).
    static SessionLock adopt(int fd) { return SessionLock(fd); }
    SessionLock() = default;
    SessionLock(SessionLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    SessionLock& operator=(SessionLock&& other) noexcept;
    SessionLock(const SessionLock&) = delete;
    SessionLock& operator=(const SessionLock&) = delete;
    ~SessionLock();

    /// The descriptor, for a child that takes the lock over; it stays open here too.
    [[nodiscard]] int fd() const { return m_fd; }
    [[nodiscard]] bool held() const { return m_fd >= 0; }

private:
    explicit SessionLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

}  // namespace sc::sessions
