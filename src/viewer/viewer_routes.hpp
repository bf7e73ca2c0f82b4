#pragma once
// The local web viewer on the server of `sc telemetry serve` (docs/viewer.md): the UI's files
// under /ui/ and its API under /ui/api/. Every route checks Host and Origin (DNS rebinding and
// other sites' pages are refused with 403), answers no CORS header, and sends a
// Content-Security-Policy that runs only the viewer's own scripts.

#include "server/router.hpp"
#include "server/serve_context.hpp"

namespace sc::viewer {

void add_viewer_routes(server::Router& router, const server::ServeContext& serve);

}  // namespace sc::viewer
