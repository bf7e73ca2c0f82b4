#pragma once
// W3C Trace Context: the traceparent and tracestate headers, and their environment-variable
// carriers (TRACEPARENT, TRACESTATE) that join a CLI invocation to its caller's trace and pass
// our context on to every child process.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/api/span_context.hpp"
#include "util/environment.hpp"
#include "util/result.hpp"

namespace sc::telemetry::sdk {

/// Parses `00-<32 hex>-<16 hex>-<2 hex>` (lowercase only). Rejects version ff, all-zero ids,
/// wrong lengths and uppercase hex; accepts a higher version's longer form as the spec asks.
/// The context is marked remote.
Result<SpanContext> parse_traceparent(std::string_view header);
/// Formats a valid context as a version 00 traceparent.
std::string format_traceparent(const SpanContext& context);
/// Validates a tracestate header (at most 32 key=value members, W3C key and value grammar) and
/// returns it with optional whitespace removed.
Result<std::string> parse_tracestate(std::string_view header);

/// The caller's context from TRACEPARENT/TRACESTATE; invalid when absent. A malformed value
/// adds a warning naming the variable and is ignored (our spans then start a new trace).
SpanContext context_from_environment(const Environment& environment, std::vector<Error>& warnings);

struct EnvironmentEntry {
    std::string name;
    std::optional<std::string> value;  // nullopt: remove the variable
};

/// What to set in a child process's environment so it joins `context`'s trace: TRACEPARENT and
/// TRACESTATE (removed when empty, so a stale inherited one does not leak). Nothing for an
/// invalid context: the child then inherits whatever we were given.
std::vector<EnvironmentEntry> child_environment(const SpanContext& context);

}  // namespace sc::telemetry::sdk
