#pragma once
// GET /ui/api/stream: the Now page's live tail as Server-Sent Events: domain events
// (`event: event`), span ends (`event: span`, the viewer's own requests left out) and log
// records of WARN and above (`event: warning`), at most 200 span ends and warnings an answer
// (`event: skipped` counts the rest). Every message's id is the store position after it,
// "SEQ.TRACES.LOGS" (the event seq, then DAY-NUMBER-OFFSET of the traces and logs segments),
// and an answer ends with `retry:`; the browser's EventSource reconnects at once and sends
// Last-Event-ID, so the tail resumes where it was after any reconnect, a server restart
// included. A bare "SEQ" (an older link) resumes the events and starts the other signals at
// their end. An answer waits up to a few seconds for something new (long poll), so news reaches
// the page within the polling interval (100 ms) plus a reconnect.

#include "server/router.hpp"
#include "server/serve_context.hpp"

namespace sc::viewer {

void add_live_stream_route(server::Router& router, const server::ServeContext& serve,
                           const std::function<server::Handler(server::Handler)>& guard);

}  // namespace sc::viewer
