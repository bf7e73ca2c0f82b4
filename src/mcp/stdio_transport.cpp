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
    // Two threads take turns (leader and follower): one reads the input while the other handles
    // the lines read, in order, or waits. The thread that reads a line when no line is being
    // handled hands the reading over to the other and handles the line itself: a request runs
    // on the thread that read it, with no wake-up of another thread on its way (10-20 µs on a
    // loaded machine), while the other thread reads on, so a notifications/cancelled reaches
    // the server during a call. One thread handles at a time: it alone writes.
    std::mutex mutex;
    std::condition_variable turn;     // a thread with nothing to do waits here
    std::deque<std::string> pending;  // lines read, not handled yet
    bool reading = false;             // a thread is reading (or about to)
    bool handling = false;            // a thread is handling lines (or storing telemetry)
    bool closed = false;              // end of input, or the output is gone
    std::atomic<bool> output_ok {true};
    auto write = [&](const std::string& message) {
        if (output_ok.load() && !write_line(out_fd, message))
            output_ok.store(false);
    };
    server.set_emitter(write);
    auto last_flush = std::chrono::steady_clock::now();  // the handling thread's
    auto flush = [&] {
        server.flush_telemetry();
        last_flush = std::chrono::steady_clock::now();
    };

    // The reader's state, used by the reading thread only (the role passes under the mutex).
    LineReader reader(limit);
    std::vector<std::string> read_lines;
    auto on_line = [&](std::string_view line) {
        if (std::string id = cancelled_request(line); !id.empty())
            server.cancel(id);
        read_lines.emplace_back(line);
    };
    auto on_oversized = [&](size_t size) {
        read_lines.push_back(std::string(1, k_oversized_mark) + std::to_string(size));
    };
    std::vector<char> buffer(65536);
    // One read; false at the end of input (its last line, if any, is in read_lines).
    auto read_some = [&]() -> bool {
        while (true) {
            ssize_t got = ::read(in_fd, buffer.data(), buffer.size());
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0 || !output_ok.load()) {
                if (output_ok.load())
                    reader.finish(on_line);
                return false;
            }
            reader.feed(std::string_view(buffer.data(), static_cast<size_t>(got)), on_line, on_oversized);
            return true;
        }
    };

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

    auto take_turns = [&] {
        std::unique_lock lock(mutex);
        while (true) {
            if (!pending.empty() && !handling) {
                handling = true;
                if (!reading && !closed)
                    turn.notify_one();  // the other thread reads meanwhile
                while (!pending.empty()) {
                    std::string line = std::move(pending.front());
                    pending.pop_front();
                    lock.unlock();
                    handle(line);
                    lock.lock();
                }
                handling = false;
                continue;
            }
            if (!reading && !closed) {
                reading = true;
                lock.unlock();
                bool more = read_some();
                lock.lock();
                reading = false;
                for (std::string& line : read_lines)
                    pending.push_back(std::move(line));
                read_lines.clear();
                if (!more) {
                    closed = true;
                    turn.notify_all();
                }
                continue;
            }
            if (closed && pending.empty()) {
                turn.notify_all();
                return;
            }
            // Nothing to do: wait. Telemetry of answered requests is stored once the client has
            // been quiet for a moment, so a request in a burst does not wait for the previous
            // one's.
            if (!handling && server.unflushed_telemetry() > 0) {
                if (!turn.wait_for(lock, k_idle_flush,
                                   [&] { return !pending.empty() || (!reading && !closed) || closed; }) &&
                    !handling && pending.empty()) {
                    handling = true;
                    lock.unlock();
                    flush();
                    lock.lock();
                    handling = false;
                }
                continue;
            }
            turn.wait(lock);
        }
    };
    std::thread other(take_turns);
    take_turns();
    other.join();
    server.flush_telemetry();
    server.set_emitter(nullptr);
    return output_ok.load() ? 0 : 1;
}

}  // namespace sc::mcp
