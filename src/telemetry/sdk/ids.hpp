#pragma once
// Random trace and span ids (OTel "random" id generation, W3C Trace Context level 2 randomness):
// a per-thread xoshiro256++ generator seeded from the operating system, so ids never collide
// between threads or processes and cost a few nanoseconds each.

#include <cstdint>

#include "telemetry/api/span_context.hpp"

namespace sc::telemetry::sdk {

/// A new non-zero 128-bit trace id; every bit random.
TraceId new_trace_id();
/// A new non-zero 64-bit span id.
SpanId new_span_id();
/// 64 random bits from this thread's generator.
uint64_t random_u64();

}  // namespace sc::telemetry::sdk
