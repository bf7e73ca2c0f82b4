#pragma once
// The small filter language of trace lists, shared by `sc traces list --where`, the MCP
// traces_list tool and the viewer's trace list: words joined by spaces, all must hold.
//
//   name:TEXT        some span's name contains TEXT (a bare word means the same)
//   service:TEXT     the root span's service contains TEXT
//   status:error     some span failed
//   dur>2s dur<50ms  the trace's duration (also >= and <=; ns, us, ms, s, m, h)
//   attr.KEY=VALUE   some span has attribute KEY with VALUE (compared as text)
//   task:ID          some span has scopecraft.task.id = ID
//   session:ID       some span has session.id = ID
//
// A value with spaces goes in double quotes: name:"task create".

#include <optional>
#include <string_view>

#include "observe/signal_query.hpp"
#include "util/result.hpp"

namespace sc::observe {

/// Adds the conditions of `text` to `filter`. An unknown word or a malformed duration is an
/// error naming the word and listing the forms above.
Status parse_trace_query(std::string_view text, TraceFilter& filter);

/// "2s" -> 2e9, "150ms", "3m", "1h", "500us", "20ns", "1.5s"; nullopt for anything else.
std::optional<int64_t> parse_duration(std::string_view text);

}  // namespace sc::observe
