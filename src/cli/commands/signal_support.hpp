#pragma once
// Shared by `sc traces`, `sc metrics` and `sc logs`: opening the store for reading, the time
// window options, and turning what was read into JSON-friendly values.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/context.hpp"
#include "observe/signal_query.hpp"
#include "store/reader.hpp"

namespace sc::cli {

struct TimeWindow {
    std::optional<int64_t> since;
    std::optional<int64_t> until;
};

/// `--since` and `--until`, the options every signal command takes.
std::vector<OptionSpec> time_window_options();
Result<TimeWindow> read_time_window(const Invocation& invocation, const Context& context);
/// The store query for a window: whole lines outside it are skipped before parsing.
store::SignalQuery signal_query_for(const TimeWindow& window);

/// `--last N`: 0 when absent.
OptionSpec last_option(const std::string& what);
Result<size_t> read_last(const Invocation& invocation);

/// Warns when lines were skipped (corrupt, torn, or not OTLP), so an empty answer is not
/// mistaken for "nothing happened".
void warn_skipped_lines(const Context& context, const observe::LoadStats& stats, const std::string& signal);

/// One row of `sc traces list --format json`.
nlohmann::ordered_json trace_summary_json(const observe::TraceSummary& trace);
/// One span of `sc traces show --format json`.
nlohmann::ordered_json span_json(const observe::SpanTreeRow& row);

/// One record of `sc logs --format json`.
nlohmann::ordered_json log_json(const observe::LogRecord& record);

/// RFC 3339 with nanoseconds.
std::string time_text(int64_t unix_nanos);
/// A double as JSON: integral values as integers, others to 6 significant digits.
nlohmann::ordered_json number_json(double value);

}  // namespace sc::cli
