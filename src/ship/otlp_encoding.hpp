#pragma once
// A batch as an OTLP/HTTP request body (http/json or http/protobuf), and what the backend's
// answer says: a partial success, or the message of a google.rpc.Status.

#include <cstdint>
#include <string>

#include "ship/http_client.hpp"
#include "ship/otlp_batch.hpp"
#include "telemetry/sdk/export_settings.hpp"
#include "util/result.hpp"

namespace sc::ship {

struct EncodedRequest {
    std::string body;
    std::string content_type;
};

Result<EncodedRequest> encode_request(const Batch& batch, telemetry::sdk::OtlpProtocol protocol);

/// http/protobuf: the batch's OTLP JSON request as protobuf bytes (otlp_protobuf.cpp).
/// ErrorCode::unsupported when this build has no OTLP protobuf classes.
Result<std::string> json_request_to_protobuf(telemetry::sdk::OtlpSignal signal, const std::string& json);

struct PartialSuccess {
    uint64_t rejected = 0;  // rejectedSpans / rejectedDataPoints / rejectedLogRecords
    std::string error_message;
    [[nodiscard]] bool any() const { return rejected > 0 || !error_message.empty(); }
};

/// The partial_success of an Export*ServiceResponse, JSON or protobuf (the three responses
/// share its shape: field 1 = count, field 2 = message). Empty when there is none.
PartialSuccess partial_success(const HttpResponse& response);

/// What a refusal says: the message of a google.rpc.Status body (JSON or protobuf), else the
/// body's text, cut to 300 bytes. Empty when the body is empty.
std::string refusal_message(const HttpResponse& response);

}  // namespace sc::ship
