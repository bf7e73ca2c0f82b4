#pragma once
// Plain files opened in the viewer without storing them (`sc telemetry serve --open FILE`,
// or a file dropped on the page): OTLP JSON Lines (traces, logs, metrics), our domain-event
// JSON Lines, and Jaeger JSON ({"data": [trace, ...]}, what the Jaeger UI downloads). They are
// read with the store's own parsers and answered in the projections of the commands (trace
// rows as `sc traces list`, spans as `sc traces show`, records as `sc logs`), so the UI draws
// them with the same code as stored data. A line that cannot be read is named; the rest shows.

#include <string>
#include <string_view>
#include <vector>

#include "server/router.hpp"
#include "server/serve_context.hpp"
#include "viewer/http_query.hpp"

namespace sc::viewer {

/// {"name", "traces": [row...], "spans": {trace_id: [span...]}, "logs": [...], "events": [...],
///  "metric_points": N, "problems": [{"line": N, "message": ...}]}
Json read_plain_file(const std::string& name, std::string_view content);

/// GET /ui/api/files (the --open files), GET /ui/api/file?index=N (one of them, read now), and
/// POST /ui/api/open?name=NAME (a dropped file's bytes, read and forgotten).
void add_plain_file_routes(server::Router& router, const server::ServeContext& serve,
                           const std::function<server::Handler(server::Handler)>& guard);

}  // namespace sc::viewer
