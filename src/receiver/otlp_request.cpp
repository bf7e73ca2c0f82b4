#include "receiver/otlp_request.hpp"

#include <algorithm>
#include <mutex>

#include <google/protobuf/arena.h>
#include <google/protobuf/stubs/logging.h>

#include "google/rpc/status.pb.h"
#include "receiver/otlp_json_reader.hpp"
#include "receiver/otlp_json_writer.hpp"
#include "receiver/otlp_validate.hpp"

namespace sc::receiver {

namespace {

namespace collector_trace = opentelemetry::proto::collector::trace::v1;
namespace collector_metrics = opentelemetry::proto::collector::metrics::v1;
namespace collector_logs = opentelemetry::proto::collector::logs::v1;

// libprotobuf logs a line on stderr for each string that is not UTF-8; the client is told in
// the 400 instead, and one bad client must not flood the server's log.
void quiet_protobuf_logging() {
    static std::once_flag once;
    std::call_once(once, [] {
        google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string&) {});
    });
}

int grpc_code(int http_status) {
    switch (http_status) {
        case 400:
        case 415:
            return 3;  // INVALID_ARGUMENT
        case 401:
            return 16;  // UNAUTHENTICATED
        case 403:
            return 7;  // PERMISSION_DENIED
        case 404:
            return 5;  // NOT_FOUND
        case 405:
            return 12;  // UNIMPLEMENTED
        case 408:
            return 4;  // DEADLINE_EXCEEDED
        case 413:
        case 429:
            return 8;  // RESOURCE_EXHAUSTED
        case 503:
            return 14;  // UNAVAILABLE
        default:
            return 13;  // INTERNAL
    }
}

std::string serialize(Encoding encoding, const google::protobuf::Message& message) {
    std::string out;
    if (encoding == Encoding::json)
        append_otlp_json(out, message);
    else
        message.SerializeToString(&out);
    return out;
}

const char* unit_of(store::Signal signal) {
    switch (signal) {
        case store::Signal::traces:
            return "spans";
        case store::Signal::metrics:
            return "data points";
        default:
            return "log records";
    }
}

template <class Request, class Response>
Decoded decode(store::Signal signal, Encoding encoding, std::string_view body) {
    Decoded decoded;
    // One arena for the whole request: a 512-span request is thousands of small messages,
    // which the arena allocates by bumping a pointer and frees at once.
    google::protobuf::ArenaOptions arena_options;
    arena_options.start_block_size = std::max<size_t>(4096, body.size() * 3);
    arena_options.max_block_size = std::max<size_t>(arena_options.start_block_size, 8u << 20);
    google::protobuf::Arena arena(arena_options);
    Request& request = *google::protobuf::Arena::CreateMessage<Request>(&arena);
    if (encoding == Encoding::protobuf) {
        quiet_protobuf_logging();
        if (!request.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
            decoded.status = 400;
            decoded.message =
                "the body is not a valid " + Request::descriptor()->name() +
                " in protobuf (cut short, a wrong type, nesting deeper than 100, or a string that is not UTF-8)";
        }
    } else {
        Status read = read_otlp_json(body, request);
        if (!read.ok()) {
            decoded.status = 400;
            decoded.message = read.error().message;
        }
    }
    if (decoded.status != 200) {
        decoded.response = status_body(encoding, 400, decoded.message);
        return decoded;
    }
    Rejections rejections = validate(request);
    decoded.accepted = rejections.accepted;
    decoded.rejected = rejections.rejected;
    Response response;
    if (rejections.rejected > 0) {
        decoded.message = std::to_string(rejections.rejected) + " " + unit_of(signal) +
                          " rejected; the first: " + rejections.first_reason;
        auto* partial = response.mutable_partial_success();
        if constexpr (std::is_same_v<Response, collector_trace::ExportTraceServiceResponse>)
            partial->set_rejected_spans(rejections.rejected);
        else if constexpr (std::is_same_v<Response, collector_metrics::ExportMetricsServiceResponse>)
            partial->set_rejected_data_points(rejections.rejected);
        else
            partial->set_rejected_log_records(rejections.rejected);
        partial->set_error_message(decoded.message);
    }
    if (rejections.accepted > 0) {
        decoded.line.reserve(body.size() * 2 + 64);
        append_otlp_json(decoded.line, request);
    }
    decoded.response = serialize(encoding, response);
    return decoded;
}

}  // namespace

Decoded decode_request(store::Signal signal, Encoding encoding, std::string_view body) {
    switch (signal) {
        case store::Signal::traces:
            return decode<collector_trace::ExportTraceServiceRequest, collector_trace::ExportTraceServiceResponse>(
                signal, encoding, body);
        case store::Signal::metrics:
            return decode<collector_metrics::ExportMetricsServiceRequest,
                          collector_metrics::ExportMetricsServiceResponse>(signal, encoding, body);
        default:
            return decode<collector_logs::ExportLogsServiceRequest, collector_logs::ExportLogsServiceResponse>(
                signal, encoding, body);
    }
}

std::string status_body(Encoding encoding, int http_status, const std::string& message) {
    google::rpc::Status status;
    status.set_code(grpc_code(http_status));
    status.set_message(message);
    return serialize(encoding, status);
}

std::string_view content_type(Encoding encoding) {
    return encoding == Encoding::json ? "application/json" : "application/x-protobuf";
}

}  // namespace sc::receiver
