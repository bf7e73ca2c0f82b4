#pragma once
// One OTLP/HTTP export request, from body to what the store keeps and what the client is told,
// without any I/O (the route in otlp_routes.cpp adds HTTP and the store; the fuzzers and unit
// tests call this directly): decode (protobuf or JSON), refuse bad items (otlp_validate),
// write the rest as one OTLP JSON line, and build the Export*ServiceResponse or the
// google.rpc.Status in the request's encoding.

#include <cstdint>
#include <string>
#include <string_view>

#include "store/layout.hpp"

namespace sc::receiver {

enum class Encoding { protobuf, json };

struct Decoded {
    /// 200, or 400 for a body that cannot be decoded (then nothing is stored).
    int status = 200;
    /// The OTLP JSON line to append (no newline); empty when nothing is left to store.
    std::string line;
    int64_t accepted = 0;
    int64_t rejected = 0;
    /// Why the request or the first rejected item was refused; empty when all is well.
    std::string message;
    /// The response body in the request's encoding: an Export*ServiceResponse for 200 (with
    /// partial_success when items were rejected), a google.rpc.Status for 400.
    std::string response;
};

/// Decodes one export request of `signal` (store::Signal::traces, metrics or logs).
Decoded decode_request(store::Signal signal, Encoding encoding, std::string_view body);

/// A google.rpc.Status body (`code` is the gRPC code that matches the HTTP status).
std::string status_body(Encoding encoding, int http_status, const std::string& message);

/// The Content-Type of a body in `encoding`.
std::string_view content_type(Encoding encoding);

}  // namespace sc::receiver
