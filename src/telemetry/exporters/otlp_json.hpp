#pragma once
// OTLP JSON encoding (the OTLP File format): one ExportTraceServiceRequest,
// ExportMetricsServiceRequest or ExportLogsServiceRequest object per line, following the
// protobuf JSON mapping as OTLP specifies it: lowerCamelCase keys, trace and span ids as
// lowercase hex, 64-bit integers as decimal strings, enums as integers, default values omitted.

#include <memory>
#include <span>
#include <string>

#include "telemetry/sdk/log_data.hpp"
#include "telemetry/sdk/metric_data.hpp"
#include "telemetry/sdk/resource.hpp"
#include "telemetry/sdk/span_data.hpp"

namespace sc::telemetry::exporters {

/// One line (without the newline) holding every span, grouped by instrumentation scope.
std::string encode_traces(const sdk::Resource& resource, std::span<const std::unique_ptr<sdk::SpanData>> spans);
std::string encode_metrics(const sdk::Resource& resource, std::span<const sdk::MetricData> metrics);
std::string encode_logs(const sdk::Resource& resource, std::span<const std::unique_ptr<sdk::LogRecordData>> records);

/// An OTLP KeyValue list: `[{"key":"k","value":{"stringValue":"v"}}, ...]`.
void append_attributes(std::string& out, const sdk::KeyValues& attributes);

}  // namespace sc::telemetry::exporters
