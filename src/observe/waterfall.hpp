#pragma once
// A trace drawn for a terminal: one row per span, indented by depth, with a bar placed and sized
// by the span's start and duration within the whole trace, its duration and its status.

#include <string>
#include <vector>

#include "observe/signal_query.hpp"

namespace sc::observe {

struct WaterfallOptions {
    int width = 100;  // terminal columns for the whole row
};

/// A header line (trace id, root, start, duration, counts), a blank line, then one row per span:
///
///     sc task create   │████████████████████│ 12.0 ms  ✓
///       task.create    │    ████████        │  4.0 ms  ✗ disk full
std::string render_waterfall(const std::vector<SpanRecord>& spans, const WaterfallOptions& options = {});

}  // namespace sc::observe
