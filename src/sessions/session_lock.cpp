#include "sessions/session_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/files.hpp"

namespace sc::sessions {

Result<SessionLock> SessionLock::try_acquire(const std::string& sessions_folder, const std::string& env_id,
                                             const std::string& session_id, std::string* holder) {
    std::string folder = sessions_folder + "/locks";
    SC_TRY(files::make_directories(folder, 0700));
    std::string path = folder + "/" + env_id + ".lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return files::from_errno(errno, "open", path);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int error = errno;
        std::string who;
        char buffer[256];
        ssize_t got = ::pread(fd, buffer, sizeof buffer, 0);
        if (got > 0)
            who.assign(buffer, static_cast<size_t>(got));
        while (!who.empty() && (who.back() == '\n' || who.back() == ' '))
            who.pop_back();
        ::close(fd);
        if (error != EWOULDBLOCK)
            return files::from_errno(error, "lock", path);
        if (holder != nullptr)
            *holder = who;
        return make_error(ErrorCode::conflict,
                          "the environment " + env_id + " already has a running session" +
                              (who.empty() ? std::string() : " (" + who + ")"),
                          "wait for it to end (`sc sessions show " + (who.empty() ? std::string("ID") : who) +
                              "`), or dispatch another task");
    }
    std::string content = session_id + "\n";
    if (::ftruncate(fd, 0) == 0) {
        ssize_t ignored = ::pwrite(fd, content.data(), content.size(), 0);
        (void)ignored;
    }
    return SessionLock(fd);
}

SessionLock& SessionLock::operator=(SessionLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

SessionLock::~SessionLock() {
    if (m_fd >= 0)
        ::close(m_fd);
}

}  // namespace sc::sessions
