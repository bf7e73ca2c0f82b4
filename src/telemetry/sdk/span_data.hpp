#pragma once
// A finished span as the SDK hands it to processors and exporters, and the two interfaces of the
// trace pipeline: SpanProcessor (what happens when a span ends) and SpanExporter (where it goes).

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "telemetry/api/trace.hpp"
#include "telemetry/sdk/attribute_values.hpp"
#include "telemetry/sdk/export_result.hpp"

namespace sc::telemetry::sdk {

struct SpanEventData {
    std::string name;
    int64_t time = 0;
    KeyValues attributes;
    uint32_t dropped_attributes = 0;
};

struct SpanLinkData {
    SpanContext context;
    KeyValues attributes;
    uint32_t dropped_attributes = 0;
};

struct SpanData {
    InstrumentationScope scope;
    std::string name;
    SpanContext context;
    SpanId parent_span_id;  // invalid for a root span
    bool parent_remote = false;
    SpanKind kind = SpanKind::internal;
    int64_t start_time = 0;
    int64_t end_time = 0;
    KeyValues attributes;
    std::vector<SpanEventData> events;
    std::vector<SpanLinkData> links;
    StatusCode status = StatusCode::unset;
    std::string status_message;
    uint32_t dropped_attributes = 0;
    uint32_t dropped_events = 0;
    uint32_t dropped_links = 0;
};

class SpanExporter {
public:
    virtual ~SpanExporter() = default;
    /// Exports a batch. Must not throw; failures are returned (and counted by the caller).
    virtual ExportResult export_batch(std::span<const std::unique_ptr<SpanData>> spans) = 0;
    virtual bool force_flush() { return true; }
    virtual void shutdown() {}
};

class SpanProcessor {
public:
    virtual ~SpanProcessor() = default;
    virtual void on_end(std::unique_ptr<SpanData> span) = 0;
    /// Exports everything received so far; false when it could not within the timeout.
    virtual bool force_flush(std::chrono::milliseconds timeout) = 0;
    /// Flushes and stops; later calls do nothing and later spans are dropped.
    virtual bool shutdown(std::chrono::milliseconds timeout) = 0;
    /// Spans thrown away because the queue was full or the processor was shut down.
    [[nodiscard]] virtual uint64_t dropped() const { return 0; }
};

}  // namespace sc::telemetry::sdk
