#pragma once
// Trace and span ids and the span context that travels between spans, threads and processes
// (W3C Trace Context). Ids are kept as integers for speed; their byte order on the wire is
// big-endian, so the hex text of TraceId{high, low} is hex(high) followed by hex(low).

#include <cstdint>
#include <string>

namespace sc::telemetry {

struct TraceId {
    uint64_t high = 0;
    uint64_t low = 0;

    [[nodiscard]] bool is_valid() const { return (high | low) != 0; }
    friend bool operator==(const TraceId&, const TraceId&) = default;
};

struct SpanId {
    uint64_t value = 0;

    [[nodiscard]] bool is_valid() const { return value != 0; }
    friend bool operator==(const SpanId&, const SpanId&) = default;
};

/// W3C trace-flags bit 0: the caller recorded (sampled) this trace.
inline constexpr uint8_t k_trace_flag_sampled = 0x01;

struct SpanContext {
    TraceId trace_id;
    SpanId span_id;
    uint8_t trace_flags = 0;
    /// True when the context came from another process (TRACEPARENT, an incoming request).
    bool remote = false;
    /// The W3C tracestate header value, already validated; usually empty.
    std::string trace_state;

    [[nodiscard]] bool is_valid() const { return trace_id.is_valid() && span_id.is_valid(); }
    [[nodiscard]] bool is_sampled() const { return (trace_flags & k_trace_flag_sampled) != 0; }
};

namespace detail {
inline void write_hex64(uint64_t value, char* out) {
    constexpr char k_digits[] = "0123456789abcdef";
    for (int index = 15; index >= 0; --index) {
        out[index] = k_digits[value & 0xF];
        value >>= 4;
    }
}
}  // namespace detail

/// 32 lowercase hex digits.
inline std::string to_hex(const TraceId& id) {
    std::string text(32, '0');
    detail::write_hex64(id.high, text.data());
    detail::write_hex64(id.low, text.data() + 16);
    return text;
}

/// 16 lowercase hex digits.
inline std::string to_hex(const SpanId& id) {
    std::string text(16, '0');
    detail::write_hex64(id.value, text.data());
    return text;
}

}  // namespace sc::telemetry
