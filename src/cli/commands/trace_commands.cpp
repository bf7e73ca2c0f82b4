// `sc traces ...`: the traces in the store, one row per trace, and one trace as a waterfall.

#include <charconv>

#include "cli/commands/commands.hpp"
#include "cli/commands/signal_support.hpp"
#include "cli/commands/telemetry_support.hpp"
#include "observe/waterfall.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;

const char* status_name(observe::SpanStatus status) {
    switch (status) {
        case observe::SpanStatus::ok:
            return "ok";
        case observe::SpanStatus::error:
            return "error";
        case observe::SpanStatus::unset:
            break;
    }
    return "unset";
}

double milliseconds(int64_t nanos) {
    return static_cast<double>(nanos) / 1e6;
}

Result<CommandResult> list(const Invocation& invocation, Context& context) {
    TimeWindow window = SC_TRY(read_time_window(invocation, context));
    observe::TraceFilter filter;
    filter.since = window.since;
    filter.until = window.until;
    filter.name = invocation.get("name").value_or("");
    filter.errors_only = invocation.has("errors");
    filter.last = SC_TRY(read_last(invocation));
    store::Reader reader(SC_TRY(existing_store(context)));
    // Lines are picked by any time in them; the filter then keeps traces that started inside.
    auto loaded = SC_TRY(observe::load_spans(reader, signal_query_for(window)));
    warn_skipped_lines(context, loaded.stats, "traces");
    Json rows = Json::array();
    for (const observe::TraceSummary& trace : observe::summarize_traces(loaded.records, filter))
        rows.push_back({{"trace_id", trace.trace_id},
                        {"start", time_text(trace.start)},
                        {"duration_ms", number_json(milliseconds(trace.duration))},
                        {"spans", trace.span_count},
                        {"errors", trace.error_count},
                        {"service", trace.service},
                        {"root", trace.root_name}});
    return CommandResult {std::move(rows), View::records, ""};
}

Json span_json(const observe::SpanTreeRow& row) {
    const observe::SpanRecord& span = *row.span;
    Json events = Json::array();
    for (const observe::SpanEventRecord& event : span.events)
        events.push_back({{"time", time_text(event.time)}, {"name", event.name}, {"attributes", event.attributes}});
    return {{"span_id", span.span_id},
            {"parent_span_id", span.parent_span_id.empty() ? Json(nullptr) : Json(span.parent_span_id)},
            {"depth", row.depth},
            {"name", span.name},
            {"kind", span.kind},
            {"service", span.service},
            {"start", time_text(span.start)},
            {"end", time_text(span.end)},
            {"duration_ms", number_json(milliseconds(span.duration()))},
            {"status", status_name(span.status)},
            {"status_message", span.status_message},
            {"attributes", span.attributes},
            {"events", std::move(events)}};
}

int waterfall_width(const Context& context) {
    // The handler cannot see the terminal; COLUMNS (set by most shells) is the best hint.
    int columns = 0;
    if (auto text = context.environment().get("COLUMNS")) {
        auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), columns);
        if (error != std::errc() || end != text->data() + text->size())
            columns = 0;
    }
    return columns >= 40 && columns <= 1000 ? columns : 100;
}

Result<CommandResult> show(const Invocation& invocation, Context& context) {
    store::Reader reader(SC_TRY(existing_store(context)));
    std::vector<observe::SpanRecord> spans = SC_TRY(observe::find_trace(reader, invocation.argument(0)));
    Json rows = Json::array();
    for (const observe::SpanTreeRow& row : observe::span_tree(spans))
        rows.push_back(span_json(row));
    Json data = {{"trace_id", spans.front().trace_id}, {"spans", std::move(rows)}};
    std::string text = observe::render_waterfall(spans, {.width = waterfall_width(context)});
    return CommandResult {std::move(data), View::text, std::move(text)};
}

}  // namespace

void register_trace_commands(Registry& registry) {
    registry.add_group({"traces", "Traces recorded in the telemetry store"});
    if (!registry.wants("traces"))
        return;
    std::vector<OptionSpec> list_options = time_window_options();
    list_options.push_back(
        {"name", OptionKind::value, "Only traces with a span whose name contains TEXT", "TEXT", {}, {}});
    list_options.push_back({"errors", OptionKind::flag, "Only traces with a failed span", "", {}, {}});
    list_options.push_back(last_option("traces"));
    registry.add({
        .group = "traces",
        .name = "list",
        .summary = "List traces: root span, start, duration, span and error counts",
        .description = "One row per trace, oldest first. --since and --until select traces by their start.",
        .arguments = {},
        .options = std::move(list_options),
        .examples = {"sc traces list --since 1h", "sc traces list --errors --last 5",
                     "sc traces list --name task.create --format json"},
        .mutates = false,
        .handler = list,
    });
    registry.add({
        .group = "traces",
        .name = "show",
        .summary = "Show one trace as a waterfall of its spans",
        .description = "Each span is a bar placed by its start and sized by its duration within the trace; "
                       "✗ marks a failed span. --format json gives the spans with their attributes and events.",
        .arguments = {{"trace_id", "Trace id (32 hex digits, or its first 8 or more)", true}},
        .options = {},
        .examples = {"sc traces show 0af7651916cd43dd8448eb211c80319c", "sc traces show 0af76519 --format json"},
        .mutates = false,
        .handler = show,
    });
}

}  // namespace sc::cli
