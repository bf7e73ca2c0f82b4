#pragma once
// Traces out of the store for other tools: the stored OTLP requests cut down to one trace, and
// the Jaeger JSON that the Jaeger UI's "JSON File" upload loads. The mapping follows Jaeger's own
// OTLP translator (span kind, status and scope as tags, events as logs, links as FOLLOWS_FROM,
// one process per resource), so a trace looks the same whether it was uploaded or shipped.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/reader.hpp"
#include "util/result.hpp"

namespace sc::observe {

/// `request` (an ExportTraceServiceRequest in OTLP JSON) with only the spans of `trace_id` (32
/// lower-case hex digits); the resources and scopes left without spans are dropped. A null
/// value when the request holds none of them.
nlohmann::ordered_json filter_trace_request(const nlohmann::ordered_json& request, const std::string& trace_id);

/// The stored trace requests that hold spans of `trace_id`, each filtered to that trace, in
/// store order: what `sc traces export --format otlp` writes, one per line.
Result<std::vector<nlohmann::ordered_json>> load_trace_requests(store::Reader& reader, const std::string& trace_id);

/// One Jaeger trace, {"traceID", "spans", "processes", "warnings"}, from the OTLP requests that
/// hold its spans (spans of other traces in them are left out).
nlohmann::ordered_json jaeger_trace(const std::string& trace_id, const std::vector<nlohmann::ordered_json>& requests);

}  // namespace sc::observe
