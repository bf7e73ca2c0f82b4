#pragma once
// What the receiver refuses item by item (the rest of the request is kept and the client told
// in partial_success, as OTLP/HTTP specifies): a span whose trace id is not 16 bytes or span id
// not 8 (or all zero), a parent span id that is neither empty nor 8 bytes, a link likewise; a
// log record or exemplar whose ids are neither empty nor of those lengths; an attribute, body
// or AnyValue nested deeper than k_max_any_value_depth. Rejected items are removed; scopes and
// resources left empty are removed with them.

#include <cstdint>
#include <string>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace sc::receiver {

struct Rejections {
    int64_t accepted = 0;  // spans, data points or log records kept
    int64_t rejected = 0;
    std::string first_reason;  // why the first rejected item was refused, with where it was
};

Rejections validate(opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request);
/// Counts data points (OTLP's unit for metrics); a metric with no data point left is removed.
Rejections validate(opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request);
Rejections validate(opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request);

}  // namespace sc::receiver
