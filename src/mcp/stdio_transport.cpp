#include "mcp/stdio_transport.hpp"

#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <deque>

#include "mcp/server.hpp"

namespace sc::mcp {

void LineReader::feed(std::string_view bytes, const std::function<void(std::string_view)>& line,
                      const std::function<void(size_t)>& oversized) {
    while (!bytes.empty()) {
        size_t newline = bytes.find('\n');
        std::string_view piece = bytes.substr(0, newline);
        if (m_skipping) {
            m_skipped += piece.size();
        } else if (m_buffer.size() + piece.size() > m_limit) {
            m_skipping = true;
            m_skipped = m_buffer.size() + piece.size();
            m_buffer.clear();
            m_buffer.shrink_to_fit();
        } else {
            m_buffer.append(piece);
        }
        if (newline == std::string_view::npos)
            return;
        bytes.remove_prefix(newline + 1);
        if (m_skipping) {
            oversized(m_skipped);
            m_skipping = false;
            m_skipped = 0;
            continue;
        }
        std::string_view complete = m_buffer;
        if (!complete.empty() && complete.back() == '\r')
            complete.remove_suffix(1);
        if (complete.find_first_not_of(" \t") != std::string_view::npos)
            line(complete);
        m_buffer.clear();
    }
}

void LineReader::finish(const std::function<void(std::string_view)>& line) {
    if (!m_skipping && m_buffer.find_first_not_of(" \t\r") != std::string::npos)
        line(m_buffer);
    m_buffer.clear();
}

namespace {

bool write_line(int fd, const std::string& message) {
    // The message and its newline in one system call, without copying the message (a
    // listing's answer is a megabyte) to append the newline.
    static const char k_newline = '\n';
    iovec parts[2] = {{const_cast<char*>(message.data()), message.size()}, {const_cast<char*>(&k_newline), 1}};
    size_t left = message.size() + 1;
    iovec* part = parts;
    int count = 2;
    while (left > 0) {
        ssize_t n = ::writev(fd, part, count);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        left -= static_cast<size_t>(n);
        auto written = static_cast<size_t>(n);
        while (count > 0 && written >= part->iov_len) {
            written -= part->iov_len;
            ++part;
            --count;
        }
        if (count > 0) {
            part->iov_base = static_cast<char*>(part->iov_base) + written;
            part->iov_len -= written;
        }
    }
    return true;
}

}  // namespace

namespace {

// Marks a line that went past the limit: its size follows (a NUL never starts a message: the
// reader drops no byte, but JSON text cannot begin with one).
constexpr char k_oversized_mark = '\0';

/// The request a notifications/cancelled line names, in id_text form; empty for other lines.
/// Parsed as it is read only when the line mentions the method, so ordinary requests are
/// parsed once, by the server.
std::string cancelled_request(std::string_view line) {
    if (line.find("notifications/cancelled") == std::string_view::npos)
        return {};
    Json message = Json::parse(line.begin(), line.end(), nullptr, false);
    if (!message.is_object() || message.value("method", "") != "notifications/cancelled" || message.contains("id"))
        return {};
    auto params = message.find("params");
    if (params == message.end() || !params->is_object())
        return {};
    auto id = params->find("requestId");
    if (id == params->end() || (!id->is_string() && !id->is_number_integer()))
        return {};
    return id_text(*id);
}

}  // namespace

int serve_stdio(Server& server, int in_fd, int out_fd, size_t limit) {
    // One thread reads and handles, in order. While a call runs, the input is looked at without
    // waiting (poll with a zero timeout) from the long loops' cancellation checks, at most once
    // a millisecond and only once the call has run that long (util/activity.hpp), and before a
    // call of a millisecond or more is answered: a notifications/cancelled among what arrived
    // reaches the running call, the other lines wait their turn. A quick call pays nothing for
    // this: no other thread is woken for it and no system call is made beyond its own read
    // (an earlier design took turns between two threads, a futex wake and a context switch per
    // request, an interrupt to a halted vCPU on an idle machine).
    std::deque<std::string> pending;  // lines read, not handled yet
    size_t pending_bytes = 0;
    bool closed = false;  // end of input, or the output is gone
    bool output_ok = true;
    auto write = [&](const std::string& message) {
        if (output_ok && !write_line(out_fd, message))
            output_ok = false;
    };
    server.set_emitter(write);
    auto last_flush = std::chrono::steady_clock::now();
    auto flush = [&] {
        server.flush_telemetry();
        last_flush = std::chrono::steady_clock::now();
    };

    LineReader reader(limit);
    auto on_line = [&](std::string_view line) {
        if (std::string id = cancelled_request(line); !id.empty())
            server.cancel(id);
        pending.emplace_back(line);
        pending_bytes += line.size();
    };
    auto on_oversized = [&](size_t size) {
        pending.push_back(std::string(1, k_oversized_mark) + std::to_string(size));
    };
    std::vector<char> buffer(65536);
    // One read; false at the end of input (its last line, if any, is then in pending).
    auto read_some = [&]() -> bool {
        while (true) {
            ssize_t got = ::read(in_fd, buffer.data(), buffer.size());
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0 || !output_ok) {
                if (output_ok)
                    reader.finish(on_line);
                return false;
            }
            reader.feed(std::string_view(buffer.data(), static_cast<size_t>(got)), on_line, on_oversized);
            return true;
        }
    };
    // Whether input is there, waiting at most `timeout_ms` (-1: for ever). True also at the end
    // of input or on an error: the read that follows tells which.
    auto input_ready = [&](int timeout_ms) {
        pollfd watched {in_fd, POLLIN, 0};
        int ready = ::poll(&watched, 1, timeout_ms);
        return ready != 0 && !(ready < 0 && errno == EINTR);
    };
    // What arrived while a call runs. A client that sends more than k_read_ahead meanwhile is
    // read no further until the call ends (a cancellation behind that much is then too late).
    server.set_input_check([&] {
        if (!closed && pending_bytes < k_read_ahead && input_ready(0) && !read_some())
            closed = true;
    });

    auto handle = [&](const std::string& line) {
        if (!line.empty() && line.front() == k_oversized_mark) {
            write(server.too_large(std::stoull(line.substr(1)), limit));
            return;
        }
        for (const std::string& message : server.handle(line))
            write(message);
        // A client that never pauses still gets its telemetry stored every second.
        if (server.unflushed_telemetry() > 0 && std::chrono::steady_clock::now() - last_flush >= k_busy_flush)
            flush();
    };

    while (true) {
        while (!pending.empty()) {
            std::string line = std::move(pending.front());
            pending.pop_front();
            pending_bytes -= std::min(pending_bytes, line.size());
            handle(line);
        }
        if (closed || !output_ok)
            break;
        // Telemetry of answered requests is stored once the client has been quiet for a
        // moment, so a request in a burst does not wait for the previous one's; with nothing
        // to store, the wait for input has no timeout (an idle server is never woken).
        if (server.unflushed_telemetry() > 0 && !input_ready(static_cast<int>(k_idle_flush.count()))) {
            flush();
            continue;
        }
        if (!read_some())
            closed = true;
    }
    server.flush_telemetry();
    server.set_input_check(nullptr);
    server.set_emitter(nullptr);
    return output_ok ? 0 : 1;
}

}  // namespace sc::mcp
