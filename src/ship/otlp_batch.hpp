#pragma once
// One batch of the shipper: store lines of one signal gathered into one OTLP request. The
// store's signal lines are OTLP JSON requests already (one Export*ServiceRequest per line), so
// a batch keeps each line's resource array and joins them; a domain event becomes an OTLP log
// record whose body is the envelope and whose attribute `event.name` is the event type
// (docs/events.md, "Shipped as OTLP logs").

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/event_parser.hpp"
#include "store/layout.hpp"
#include "telemetry/sdk/export_settings.hpp"

namespace sc::ship {

/// The OTLP signal a store signal ships as: events go out as logs.
telemetry::sdk::OtlpSignal otlp_signal_of(store::Signal signal);
/// "resourceSpans", "resourceMetrics" or "resourceLogs".
std::string_view resource_key(telemetry::sdk::OtlpSignal signal);

/// One domain event as an OTLP JSON LogRecord object.
std::string event_log_record(const store::EventView& event, std::string_view span_id);

class Batch {
public:
    explicit Batch(store::Signal signal) : m_signal(signal) {}

    /// Adds one stored line (for events, its parsed envelope and the meta.span_id). False, and
    /// nothing added, when a signal line is not an OTLP JSON request: the caller counts it.
    bool add_signal_line(std::string_view line);
    void add_event(const store::EventView& event, std::string_view span_id);

    [[nodiscard]] store::Signal signal() const { return m_signal; }
    [[nodiscard]] size_t lines() const { return m_lines; }
    [[nodiscard]] size_t bytes() const { return m_bytes; }
    [[nodiscard]] bool empty() const { return m_lines == 0; }
    void clear();

    /// The batch as one OTLP JSON Export*ServiceRequest.
    [[nodiscard]] std::string json_request() const;

private:
    store::Signal m_signal;
    // Signal lines: the text inside each line's resource array ("{...},{...}"). Events: the
    // log records, gathered under one resource and scope when the request is built.
    std::vector<std::string> m_parts;
    size_t m_lines = 0;
    size_t m_bytes = 0;
};

/// The text inside the resource array of an OTLP JSON request line, e.g. `{...},{...}` of
/// `{"resourceSpans":[{...},{...}]}`. False when the line is not such a request (bad JSON, no
/// array under `key`). Our own lines take a fast path that validates without parsing.
bool resource_array_text(std::string_view line, std::string_view key, std::string& out);

}  // namespace sc::ship
