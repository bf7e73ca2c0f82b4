#pragma once
// Whole exchanges on a non-blocking socket under one deadline: a message sent whole, an answer
// read to the peer's end or a request read to its line break. What both ends of the watch
// service need (tasks/watch_client.cpp, observe/watch_service.cpp): a slow or silent peer costs
// at most the deadline, EINTR is retried, a partial write goes on where it stopped, and a peer
// that hangs up makes a send fail rather than raise SIGPIPE.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace sc::socket_io {

using Deadline = std::chrono::steady_clock::time_point;

/// Milliseconds left before `deadline` (0 when it has passed), for poll().
int left_ms(Deadline deadline);

/// Waits until `fd` is ready for `events` (POLLIN, POLLOUT) or the deadline passes; false then,
/// or on an error.
bool wait_for(int fd, short events, Deadline deadline);

/// Sends all of `bytes` on the non-blocking socket `fd`; false when the peer went away, stopped
/// reading, or the deadline passed first.
bool send_all(int fd, std::string_view bytes, Deadline deadline);

/// Reads from the non-blocking socket `fd` into `into` until the peer closes its end; false on
/// an error or when the deadline passes first.
bool receive_to_end(int fd, std::string& into, Deadline deadline);

/// Reads from the non-blocking socket `fd` into `into` until it holds a line break within its
/// first `max_bytes` bytes; false when the peer closes first, sends more than that without a
/// line break, fails, or the deadline passes. Bytes after the line break may be in `into` too.
bool receive_line(int fd, std::string& into, size_t max_bytes, Deadline deadline);

}  // namespace sc::socket_io
