#include "mcp/stdio_transport.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

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

/// Lines read and not yet handled, handed from the reading thread to the one that runs them.
class LineQueue {
public:
    void push(std::string line) {
        std::lock_guard lock(m_mutex);
        m_lines.push_back(std::move(line));
        m_ready.notify_one();
    }
    void close() {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_ready.notify_one();
    }
    /// The next line; nullopt at the end, or (with a timeout) when none came in time, which
    /// `timed_out` tells apart.
    std::optional<std::string> pop(std::optional<std::chrono::milliseconds> timeout, bool& timed_out) {
        std::unique_lock lock(m_mutex);
        auto ready = [&] { return !m_lines.empty() || m_closed; };
        timed_out = false;
        if (timeout) {
            if (!m_ready.wait_for(lock, *timeout, ready)) {
                timed_out = true;
                return std::nullopt;
            }
        } else {
            m_ready.wait(lock, ready);
        }
        if (m_lines.empty())
            return std::nullopt;
        std::string line = std::move(m_lines.front());
        m_lines.pop_front();
        return line;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<std::string> m_lines;
    bool m_closed = false;
};

// Marks a line that went past the limit: its size follows (a NUL never starts a message: the
// reader drops no byte, but JSON text cannot begin with one).
constexpr char k_oversized_mark = '\0';

/// The request a notifications/cancelled line names, in id_text form; empty for other lines.
/// Parsed on the reading thread only when the line mentions the method, so ordinary requests
/// are parsed once, by the server.
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
    // Two threads: this one reads, so a notifications/cancelled reaches the server while a call
    // runs; the worker handles the messages in order and is the only one that writes.
    LineQueue queue;
    std::atomic<bool> output_ok {true};
    auto write = [&](const std::string& message) {
        if (output_ok.load() && !write_line(out_fd, message))
            output_ok.store(false);
    };
    server.set_emitter(write);
    std::thread worker([&] {
        auto last_flush = std::chrono::steady_clock::now();
        auto flush = [&] {
            server.flush_telemetry();
            last_flush = std::chrono::steady_clock::now();
        };
        while (true) {
            // Telemetry waiting: stored once the client has been quiet for a moment, so a
            // request in a burst does not wait for the previous one's.
            bool timed_out = false;
            std::optional<std::chrono::milliseconds> wait;
            if (server.unflushed_telemetry() > 0)
                wait = k_idle_flush;
            std::optional<std::string> line = queue.pop(wait, timed_out);
            if (timed_out) {
                flush();
                continue;
            }
            if (!line)
                break;
            if (!line->empty() && line->front() == k_oversized_mark) {
                write(server.too_large(std::stoull(line->substr(1)), limit));
                continue;
            }
            for (const std::string& message : server.handle(*line))
                write(message);
            // A client that never pauses still gets its telemetry stored every second.
            if (server.unflushed_telemetry() > 0 && std::chrono::steady_clock::now() - last_flush >= k_busy_flush)
                flush();
        }
        server.flush_telemetry();
    });

    LineReader reader(limit);
    auto on_line = [&](std::string_view line) {
        if (std::string id = cancelled_request(line); !id.empty())
            server.cancel(id);
        queue.push(std::string(line));
    };
    auto on_oversized = [&](size_t size) { queue.push(std::string(1, k_oversized_mark) + std::to_string(size)); };
    char buffer[65536];
    while (output_ok.load()) {
        ssize_t got = ::read(in_fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        reader.feed(std::string_view(buffer, static_cast<size_t>(got)), on_line, on_oversized);
    }
    if (output_ok.load())
        reader.finish(on_line);
    queue.close();
    worker.join();
    server.set_emitter(nullptr);
    return output_ok.load() ? 0 : 1;
}

}  // namespace sc::mcp
