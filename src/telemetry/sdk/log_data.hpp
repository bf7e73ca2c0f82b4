#pragma once
// A log record as the SDK hands it to processors and exporters, and the LogRecordExporter
// interface.

#include <memory>
#include <span>
#include <string>

#include "telemetry/api/logs.hpp"
#include "telemetry/sdk/attribute_values.hpp"
#include "telemetry/sdk/export_result.hpp"

namespace sc::telemetry::sdk {

struct LogRecordData {
    InstrumentationScope scope;
    int64_t time = 0;
    int64_t observed_time = 0;
    Severity severity = Severity::info;
    std::string body;
    std::string event_name;  // e.g. "exception"; empty for plain logs
    KeyValues attributes;
    uint32_t dropped_attributes = 0;
    TraceId trace_id;
    SpanId span_id;
    uint8_t trace_flags = 0;
};

class LogRecordExporter {
public:
    virtual ~LogRecordExporter() = default;
    virtual ExportResult export_batch(std::span<const std::unique_ptr<LogRecordData>> records) = 0;
    virtual bool force_flush() { return true; }
    virtual void shutdown() {}
};

/// The OTLP SeverityText of a severity ("INFO", "ERROR", ...).
std::string_view severity_text(Severity severity);

}  // namespace sc::telemetry::sdk
