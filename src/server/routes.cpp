#include "server/routes.hpp"

#include "mcp/http_transport.hpp"
#include "prometheus/metrics_route.hpp"
#include "receiver/otlp_routes.hpp"
#include "viewer/viewer_routes.hpp"

namespace sc::server {

void add_health_routes(Router& router, const ServeContext&) {
    Route health;
    health.method = "GET";
    health.path = "/health";
    health.requires_token = false;  // for load balancers and scripts; it tells nothing else
    health.max_body_bytes = 0;
    health.handler = [](const Request&, Response& response) {
        response.content_type = "text/plain; charset=utf-8";
        response.body = "ok\n";
    };
    router.add(std::move(health));
}

void add_all_routes(Router& router, const ServeContext& context) {
    add_health_routes(router, context);
    receiver::add_otlp_receiver_routes(router, context);  // POST /v1/traces, /v1/metrics, /v1/logs
    prometheus::add_prometheus_routes(router, context);   // GET /metrics
    viewer::add_viewer_routes(router, context);           // GET /ui/..., the web viewer (docs/viewer.md)
    mcp::add_mcp_http_routes(router, context);            // POST/DELETE /mcp, MCP's Streamable HTTP (docs/mcp.md)
}

}  // namespace sc::server
