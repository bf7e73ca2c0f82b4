#pragma once
// The route table of the network server: other parts of sc-server (the OTLP receiver,
// Prometheus's /metrics, MCP's /mcp) add their routes here from their own files, through a
// function the serve command calls (serve.cpp, "Routes"). Paths match exactly.

#include <map>
#include <string>
#include <vector>

#include "server/http.hpp"

namespace sc::server {

struct Route {
    std::string method;  // "GET", "POST", "PUT", "PATCH", "DELETE" or "OPTIONS" (GET also answers HEAD)
    std::string path;    // "/v1/traces": matched exactly, without the query
    Handler handler;
    /// The largest body accepted, counted after inflating a gzip body; more answers 413.
    size_t max_body_bytes = k_default_body_limit;
    /// Formats the errors the server answers on this path; null: plain text.
    ErrorFormatter errors;
    /// Whether the route needs the bearer token when one is configured (true for all but a
    /// health check).
    bool requires_token = true;
};

class Router {
public:
    /// Adds a route; a second route for the same method and path replaces the first.
    void add(Route route);

    /// The route for a method and path; null when none.
    [[nodiscard]] const Route* find(std::string_view method, std::string_view path) const;
    /// Every route registered on a path (to answer 405 with Allow); empty when the path is unknown.
    [[nodiscard]] std::vector<const Route*> on_path(std::string_view path) const;
    /// "GET, HEAD, POST": the Allow header of a path.
    [[nodiscard]] std::string allowed_methods(std::string_view path) const;
    [[nodiscard]] bool empty() const { return m_routes.empty(); }
    /// The largest body any route accepts (a Content-Length over it is refused unread).
    [[nodiscard]] size_t largest_body_limit() const;

private:
    std::map<std::string, std::vector<Route>, std::less<>> m_routes;  // by path
};

}  // namespace sc::server
