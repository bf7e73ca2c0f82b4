#pragma once
// The route-registration point of `sc-server serve`. Each feature of the server keeps its
// routes in its own files and exposes one function `void add_..._routes(server::Router&, const
// server::ServeContext&)`; add_all_routes (routes.cpp) calls each of them, one line per feature.

#include "server/router.hpp"
#include "server/serve_context.hpp"

namespace sc::server {

/// GET /health: "ok" while the server runs; needs no token, says nothing else.
void add_health_routes(Router& router, const ServeContext& context);

/// Every route of the server.
void add_all_routes(Router& router, const ServeContext& context);

}  // namespace sc::server
