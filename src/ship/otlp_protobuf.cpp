// http/protobuf: the batch's OTLP JSON request parsed into the generated OTLP classes
// (sc_otlp_proto) and serialised. The protobuf JSON mapping reads bytes fields as base64, but
// OTLP JSON writes trace and span ids as hex: the parser takes the hex digits for base64 (they
// are valid base64 characters, and 32 or 16 of them decode without padding), so each id is
// turned back into its text and read as hex. Hex that is not an id is left out.

#include <google/protobuf/util/json_util.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "ship/otlp_encoding.hpp"

namespace sc::ship {

namespace {

namespace collector = opentelemetry::proto::collector;
namespace metrics = opentelemetry::proto::metrics::v1;

std::string base64(std::string_view bytes) {
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        uint32_t group = (static_cast<uint8_t>(bytes[i]) << 16U) | (static_cast<uint8_t>(bytes[i + 1]) << 8U) |
                         static_cast<uint8_t>(bytes[i + 2]);
        out += k_alphabet[(group >> 18U) & 63U];
        out += k_alphabet[(group >> 12U) & 63U];
        out += k_alphabet[(group >> 6U) & 63U];
        out += k_alphabet[group & 63U];
    }
    if (i < bytes.size()) {
        uint32_t group = static_cast<uint8_t>(bytes[i]) << 16U;
        if (i + 1 < bytes.size())
            group |= static_cast<uint8_t>(bytes[i + 1]) << 8U;
        out += k_alphabet[(group >> 18U) & 63U];
        out += k_alphabet[(group >> 12U) & 63U];
        out += i + 1 < bytes.size() ? k_alphabet[(group >> 6U) & 63U] : '=';
        out += '=';
    }
    return out;
}

int hex_digit(char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

// The id the JSON held, as bytes: the base64 text of what the parser decoded is the hex text.
void fix_id(std::string* id) {
    if (id->empty())
        return;
    std::string text = base64(*id);
    std::string bytes;
    bool ok = text.size() % 2 == 0;
    for (size_t i = 0; ok && i < text.size(); i += 2) {
        int high = hex_digit(text[i]);
        int low = hex_digit(text[i + 1]);
        ok = high >= 0 && low >= 0;
        bytes += static_cast<char>(high * 16 + low);
    }
    *id = ok ? bytes : std::string();
}

template <class Points>
void fix_exemplars(Points* points) {
    for (auto& point : *points)
        for (auto& exemplar : *point.mutable_exemplars()) {
            fix_id(exemplar.mutable_trace_id());
            fix_id(exemplar.mutable_span_id());
        }
}

void fix_ids(collector::trace::v1::ExportTraceServiceRequest& request) {
    for (auto& resource : *request.mutable_resource_spans())
        for (auto& scope : *resource.mutable_scope_spans())
            for (auto& span : *scope.mutable_spans()) {
                fix_id(span.mutable_trace_id());
                fix_id(span.mutable_span_id());
                fix_id(span.mutable_parent_span_id());
                for (auto& link : *span.mutable_links()) {
                    fix_id(link.mutable_trace_id());
                    fix_id(link.mutable_span_id());
                }
            }
}

void fix_ids(collector::metrics::v1::ExportMetricsServiceRequest& request) {
    for (auto& resource : *request.mutable_resource_metrics())
        for (auto& scope : *resource.mutable_scope_metrics())
            for (metrics::Metric& metric : *scope.mutable_metrics()) {
                if (metric.has_gauge())
                    fix_exemplars(metric.mutable_gauge()->mutable_data_points());
                if (metric.has_sum())
                    fix_exemplars(metric.mutable_sum()->mutable_data_points());
                if (metric.has_histogram())
                    fix_exemplars(metric.mutable_histogram()->mutable_data_points());
                if (metric.has_exponential_histogram())
                    fix_exemplars(metric.mutable_exponential_histogram()->mutable_data_points());
            }
}

void fix_ids(collector::logs::v1::ExportLogsServiceRequest& request) {
    for (auto& resource : *request.mutable_resource_logs())
        for (auto& scope : *resource.mutable_scope_logs())
            for (auto& record : *scope.mutable_log_records()) {
                fix_id(record.mutable_trace_id());
                fix_id(record.mutable_span_id());
            }
}

template <class Request>
Result<std::string> convert(const std::string& json) {
    Request request;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // fields newer than our .proto files
    auto status = google::protobuf::util::JsonStringToMessage(json, &request, options);
    if (!status.ok())
        return make_error(ErrorCode::parse,
                          "a batch could not be turned into OTLP protobuf: " + std::string(status.message()),
                          "ship with --protocol http/json, and report the store line to the developers");
    fix_ids(request);
    std::string bytes;
    if (!request.SerializeToString(&bytes))
        return make_error(ErrorCode::internal, "a batch could not be serialised as OTLP protobuf");
    return bytes;
}

}  // namespace

Result<std::string> json_request_to_protobuf(telemetry::sdk::OtlpSignal signal, const std::string& json) {
    switch (signal) {
        case telemetry::sdk::OtlpSignal::traces:
            return convert<collector::trace::v1::ExportTraceServiceRequest>(json);
        case telemetry::sdk::OtlpSignal::metrics:
            return convert<collector::metrics::v1::ExportMetricsServiceRequest>(json);
        case telemetry::sdk::OtlpSignal::logs:
            return convert<collector::logs::v1::ExportLogsServiceRequest>(json);
    }
    return make_error(ErrorCode::internal, "unknown OTLP signal");
}

}  // namespace sc::ship
