#pragma once
// GET /ui/api/stream: the Now page's live tail as Server-Sent Events. Each answer holds the
// domain events appended after a store position (the event seq), each with `id: SEQ`, then ends
// with `retry:`; the browser's EventSource reconnects at once and sends Last-Event-ID, so the
// tail resumes from the last event it saw after any reconnect, a server restart included. An
// answer waits up to a few seconds for the first new event (long poll), so a new event reaches
// the page within the store's polling interval (100 ms) plus a reconnect.

#include "server/router.hpp"
#include "server/serve_context.hpp"

namespace sc::viewer {

void add_live_stream_route(server::Router& router, const server::ServeContext& serve,
                           const std::function<server::Handler(server::Handler)>& guard);

}  // namespace sc::viewer
