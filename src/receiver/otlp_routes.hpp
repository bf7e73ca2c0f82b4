#pragma once
// The OTLP/HTTP receiver's routes: POST /v1/traces, /v1/metrics and /v1/logs, each taking
// application/x-protobuf or application/json (gzip or not) and appending what it accepts to the
// store as one OTLP JSON line per request (docs/export.md, "The receiver").

#include "server/router.hpp"
#include "server/serve_context.hpp"

namespace sc::receiver {

/// The largest request body, counted after inflating gzip (the Collector's default is 20 MiB).
inline constexpr size_t k_receiver_body_limit = 16u << 20;

/// Seconds a client is asked to wait (Retry-After) when the store cannot take data.
inline constexpr int k_retry_after_seconds = 5;

void add_otlp_receiver_routes(server::Router& router, const server::ServeContext& context);

}  // namespace sc::receiver
