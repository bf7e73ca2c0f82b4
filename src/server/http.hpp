#pragma once
// The server's view of one HTTP exchange, independent of the HTTP library (cpp-httplib stays
// inside http_server.cpp), so route files compile quickly and can be tested without a socket.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sc::server {

/// One request as a route handler sees it: the body already read (and inflated when it came
/// gzip-encoded), never longer than the route's limit.
struct Request {
    std::string method;  // "POST"
    std::string path;    // "/v1/traces", without the query
    std::string query;   // after '?', undecoded; empty when none
    /// Header fields as received; names compare case-insensitively through header().
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string remote_address;
    int remote_port = 0;

    /// The first value of a header field (case-insensitive name), if present.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
    /// The media type of Content-Type, lower case, without parameters ("application/json").
    [[nodiscard]] std::string media_type() const;
};

/// Writes one chunk of a streamed body; false once the client is gone.
using ChunkWriter = std::function<bool(std::string_view chunk)>;

struct Response {
    int status = 200;
    std::string content_type;  // empty: no body
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/Length
    /// A body produced while it is sent (chunked; Server-Sent Events for MCP's Streamable
    /// HTTP), instead of `body`: called again and again, on the request's thread, while it
    /// returns true; it writes what it has through the writer (and may wait for more).
    std::function<bool(const ChunkWriter& write)> stream;

    void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

using Handler = std::function<void(const Request&, Response&)>;

/// Formats an error the server itself answers on a route's path (401, 405, 408, 413, 415 and
/// 400 for a body that could not be read) in the route's own format: the OTLP routes answer a
/// google.rpc.Status in the request's encoding. `message` says what went wrong.
using ErrorFormatter = std::function<void(const Request&, int status, const std::string& message, Response&)>;

/// The largest body a route accepts unless it says otherwise (after inflating).
inline constexpr size_t k_default_body_limit = 16u << 20;

/// The reason phrase of a status code ("Not Found").
std::string_view status_reason(int status);

}  // namespace sc::server
