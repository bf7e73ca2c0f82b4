#pragma once
// `GET /metrics` on the network server (`sc-server serve`): one StoreMetrics for the life of
// the server, so each scrape reads only what the store gained since the previous one
// (docs/export.md, "Prometheus").

#include <functional>
#include <memory>
#include <string>

#include "prometheus/store_metrics.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "server/serve_context.hpp"

namespace sc::prometheus {

/// Answers a scrape: 200 with the exposition in the format the Accept header asks for, or 500
/// with what went wrong reading the store (also logged).
server::Handler metrics_handler(std::shared_ptr<StoreMetrics> metrics, std::function<void(const std::string&)> log);

/// Adds GET /metrics (and HEAD) over the server's store. It needs the bearer token when the
/// server requires one, as every route but /health does: Prometheus sends it with
/// `authorization: {credentials_file: ...}`.
void add_prometheus_routes(server::Router& router, const server::ServeContext& context);

}  // namespace sc::prometheus
