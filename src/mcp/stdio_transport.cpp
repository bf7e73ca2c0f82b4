#include "mcp/stdio_transport.hpp"

#include <unistd.h>

#include <cerrno>

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
    std::string framed = message + "\n";
    size_t written = 0;
    while (written < framed.size()) {
        ssize_t n = ::write(fd, framed.data() + written, framed.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        written += static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

int serve_stdio(Server& server, int in_fd, int out_fd, size_t limit) {
    LineReader reader(limit);
    bool output_ok = true;
    auto on_line = [&](std::string_view line) {
        for (const std::string& message : server.handle(line))
            output_ok = output_ok && write_line(out_fd, message);
    };
    auto on_oversized = [&](size_t size) {
        output_ok = output_ok && write_line(out_fd, server.too_large(size, limit));
    };
    char buffer[65536];
    while (output_ok) {
        ssize_t got = ::read(in_fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        reader.feed(std::string_view(buffer, static_cast<size_t>(got)), on_line, on_oversized);
    }
    if (output_ok)
        reader.finish(on_line);
    return output_ok ? 0 : 1;
}

}  // namespace sc::mcp
