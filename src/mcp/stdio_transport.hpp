#pragma once
// The stdio transport: newline-delimited JSON-RPC on a pair of file descriptors. Only protocol
// goes to the output; messages about the server go to stderr. A line longer than the limit is
// skipped (never held in memory) and answered with an error; end of input ends the loop.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sc::mcp {

class Server;

/// Splits a byte stream into lines of at most `limit` bytes. A longer line is dropped as it
/// arrives and reported once, with its size so far.
class LineReader {
public:
    explicit LineReader(size_t limit) : m_limit(limit) {}

    /// Feeds bytes; calls `line` for each complete line (without "\n" or a final "\r") and
    /// `oversized` for each line that went past the limit.
    void feed(std::string_view bytes, const std::function<void(std::string_view)>& line,
              const std::function<void(size_t)>& oversized);
    /// At end of input: a last line without a newline still counts.
    void finish(const std::function<void(std::string_view)>& line);

private:
    size_t m_limit;
    std::string m_buffer;
    bool m_skipping = false;
    size_t m_skipped = 0;
};

inline constexpr size_t k_max_message_bytes = size_t {4} << 20;
/// When the telemetry of answered requests is written to the store: after the client has been
/// quiet this long, and at least this often while it keeps sending.
inline constexpr std::chrono::milliseconds k_idle_flush {10};
inline constexpr std::chrono::milliseconds k_busy_flush {1000};
/// While a call runs, input is read ahead (to find a notifications/cancelled) up to this much.
inline constexpr size_t k_read_ahead = size_t {64} << 20;

/// Serves `server` over `in_fd`/`out_fd` until end of input, on the calling thread. Returns 0,
/// or 1 when the output is gone (the client went away).
int serve_stdio(Server& server, int in_fd, int out_fd, size_t limit = k_max_message_bytes);

}  // namespace sc::mcp
