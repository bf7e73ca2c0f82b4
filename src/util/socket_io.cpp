#include "util/socket_io.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace sc::socket_io {

namespace {

/// EAGAIN, or EWOULDBLOCK where that is another number.
bool would_block(int error) {
#if EAGAIN != EWOULDBLOCK
    if (error == EWOULDBLOCK)
        return true;
#endif
    return error == EAGAIN;
}

enum class Got { bytes, closed, failed };

/// One read into `into` of at most `limit` bytes, waiting (under the deadline) while nothing is
/// there yet.
Got read_some(int fd, std::string& into, size_t limit, Deadline deadline) {
    char buffer[16384];
    while (true) {
        ssize_t got = ::read(fd, buffer, limit < sizeof buffer ? limit : sizeof buffer);
        if (got > 0) {
            into.append(buffer, static_cast<size_t>(got));
            return Got::bytes;
        }
        if (got == 0)
            return Got::closed;
        if (errno == EINTR)
            continue;
        if (would_block(errno) && wait_for(fd, POLLIN, deadline))
            continue;
        return Got::failed;
    }
}

}  // namespace

int left_ms(Deadline deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

bool wait_for(int fd, short events, Deadline deadline) {
    while (true) {
        struct pollfd waiting {
            fd, events, 0
        };
        int ready = ::poll(&waiting, 1, left_ms(deadline));
        if (ready > 0)
            return true;
        if (ready == 0 || errno != EINTR)
            return false;
    }
}

bool send_all(int fd, std::string_view bytes, Deadline deadline) {
    size_t sent = 0;
    while (sent < bytes.size()) {
#ifdef MSG_NOSIGNAL
        ssize_t wrote = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
#else
        ssize_t wrote = ::send(fd, bytes.data() + sent, bytes.size() - sent, 0);
#endif
        if (wrote > 0) {
            sent += static_cast<size_t>(wrote);
            continue;
        }
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote < 0 && would_block(errno) && wait_for(fd, POLLOUT, deadline))
            continue;
        return false;
    }
    return true;
}

bool receive_to_end(int fd, std::string& into, Deadline deadline) {
    while (true) {
        switch (read_some(fd, into, SIZE_MAX, deadline)) {
            case Got::bytes:
                continue;
            case Got::closed:
                return true;
            case Got::failed:
                return false;
        }
    }
}

bool receive_line(int fd, std::string& into, size_t max_bytes, Deadline deadline) {
    size_t searched = 0;
    while (true) {
        size_t newline = into.find('\n', searched);
        if (newline != std::string::npos)
            return newline < max_bytes;
        if (into.size() >= max_bytes)
            return false;  // no line break where a line of this size would have one
        searched = into.size();
        if (read_some(fd, into, max_bytes - into.size(), deadline) != Got::bytes)
            return false;
    }
}

}  // namespace sc::socket_io
