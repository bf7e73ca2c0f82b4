#pragma once
// The server's access rules (docs/export.md, "Security"): a bind that other machines can reach
// needs a bearer token, checked on every request; browsers are kept off /mcp by its Origin.

#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"

namespace sc::server {

/// Whether a listen address only accepts connections from this machine: 127.0.0.0/8, ::1,
/// "localhost". Anything else (0.0.0.0, ::, a LAN address, a host name) is reachable.
bool is_loopback_host(std::string_view host);

/// Whether an Authorization header value carries `token` as a bearer token. The comparison
/// takes the same time wherever the first difference is, so the token cannot be guessed byte by
/// byte from response times.
bool bearer_matches(std::string_view authorization, std::string_view token);

/// Who may call a browser-facing route (MCP's Streamable HTTP, which the MCP specification
/// says must validate Origin against DNS rebinding).
struct OriginPolicy {
    /// Origins allowed besides this machine's own ("https://app.example.com"), exact match.
    std::vector<std::string> allowed;
};

/// True when the request has no Origin (not sent by a browser), or its Origin is this
/// machine's (http or https on localhost, 127.0.0.1 or [::1], any port), or is listed.
bool origin_allowed(const Request& request, const OriginPolicy& policy);

}  // namespace sc::server
