// `sc traces ...`: the traces in the store, one row per trace, one trace as a waterfall, and
// traces exported for other tools (Jaeger JSON, OTLP JSON).

#include <algorithm>
#include <charconv>

#include "cli/commands/commands.hpp"
#include "cli/commands/signal_support.hpp"
#include "cli/commands/telemetry_support.hpp"
#include "observe/jaeger_json.hpp"
#include "observe/trace_query.hpp"
#include "observe/trace_summaries.hpp"
#include "observe/waterfall.hpp"
#include "util/files.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;

Result<CommandResult> list(const Invocation& invocation, Context& context) {
    TimeWindow window = SC_TRY(read_time_window(invocation, context));
    observe::TraceFilter filter;
    filter.since = window.since;
    filter.until = window.until;
    filter.name = invocation.get("name").value_or("");
    filter.errors_only = invocation.has("errors");
    filter.last = SC_TRY(read_last(invocation));
    if (auto where = invocation.get("where"))
        if (Status parsed = observe::parse_trace_query(*where, filter); !parsed.ok()) {
            Error error = parsed.error();
            error.where = Location {"", 0, "--where"};
            return error;
        }
    // The summaries kept beside the store (observe/trace_summaries.hpp), not a scan of every span.
    std::string root = SC_TRY(existing_store(context));
    observe::TraceListing listing = SC_TRY(observe::list_traces(root, filter));
    warn_skipped_lines(context, listing.stats, "traces");
    Json rows = Json::array();
    for (const observe::TraceSummary& trace : listing.traces)
        rows.push_back(trace_summary_json(trace));
    return CommandResult {std::move(rows), View::records, ""};
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
    // Only the lines the trace summaries name are read (observe::load_trace), not every trace line.
    std::string root = SC_TRY(existing_store(context));
    std::vector<observe::SpanRecord> spans = SC_TRY(observe::load_trace(root, invocation.argument(0)));
    Json rows = Json::array();
    for (const observe::SpanTreeRow& row : observe::span_tree(spans))
        rows.push_back(span_json(row));
    Json data = {{"trace_id", spans.front().trace_id}, {"spans", std::move(rows)}};
    std::string text = observe::render_waterfall(spans, {.width = waterfall_width(context)});
    return CommandResult {std::move(data), View::text, std::move(text)};
}

// The full ids of the traces to export: those named (prefixes resolved as `traces show` does),
// or those the selection options pick, oldest first.
Result<std::vector<std::string>> export_trace_ids(const Invocation& invocation, Context& context,
                                                  store::Reader& reader) {
    const bool selects = invocation.has("last") || invocation.has("since") || invocation.has("until") ||
                         invocation.has("name") || invocation.has("errors");
    std::vector<std::string> ids;
    if (!invocation.arguments().empty()) {
        if (selects)
            return make_error(ErrorCode::invalid_argument,
                              "give trace ids or --last/--since/--until/--name/--errors, not both",
                              Location {"", 0, "TRACE_ID"}, "drop the ids to export what the options select");
        for (const std::string& wanted : invocation.arguments()) {
            std::string id = SC_TRY(observe::find_trace(reader, wanted)).front().trace_id;
            if (std::find(ids.begin(), ids.end(), id) == ids.end())
                ids.push_back(std::move(id));
        }
        return ids;
    }
    if (!selects)
        return make_error(ErrorCode::invalid_argument, "no trace to export", Location {"", 0, "TRACE_ID"},
                          "give trace ids (`sc traces list` shows them) or pick traces with --last N");
    TimeWindow window = SC_TRY(read_time_window(invocation, context));
    observe::TraceFilter filter;
    filter.since = window.since;
    filter.until = window.until;
    filter.name = invocation.get("name").value_or("");
    filter.errors_only = invocation.has("errors");
    filter.last = SC_TRY(read_last(invocation));
    observe::TraceListing listing = SC_TRY(observe::list_traces(reader.layout().root(), filter));
    warn_skipped_lines(context, listing.stats, "traces");
    for (const observe::TraceSummary& trace : listing.traces)
        ids.push_back(trace.trace_id);
    return ids;
}

Result<CommandResult> export_traces(const Invocation& invocation, Context& context) {
    store::Reader reader(SC_TRY(existing_store(context)));
    std::vector<std::string> ids = SC_TRY(export_trace_ids(invocation, context, reader));
    const bool jaeger = invocation.get("format").value_or("jaeger") == "jaeger";
    std::string text;
    Json traces = Json::array();
    size_t spans = 0;
    for (const std::string& id : ids) {
        std::vector<Json> requests = SC_TRY(observe::load_trace_requests(reader, id));
        if (jaeger) {
            traces.push_back(observe::jaeger_trace(id, requests));
            spans += traces.back()["spans"].size();
            continue;
        }
        for (const Json& request : requests) {
            for (const Json& resource : request["resourceSpans"])
                for (const Json& scope : resource["scopeSpans"])
                    spans += scope["spans"].size();
            text += request.dump(-1, ' ', false, Json::error_handler_t::replace);
            text += '\n';
        }
    }
    if (jaeger)
        text = Json {{"data", std::move(traces)}}.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
    if (auto output = invocation.get("output")) {
        SC_TRY(files::write_atomic(*output, text, files::Durability::none, 0600));
        return CommandResult {Json {{"traces", ids.size()}, {"spans", spans}, {"file", *output}}, View::message,
                              "Exported " + std::to_string(ids.size()) + (ids.size() == 1 ? " trace (" : " traces (") +
                                  std::to_string(spans) + " spans) to " + *output};
    }
    // The file format on stdout whatever the global format: that is what export is for.
    context.write_out(text);
    CommandResult result {Json(), View::text, ""};
    result.streamed = true;
    return result;
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
    list_options.push_back({"where",
                            OptionKind::value,
                            "Only traces matching the filter: name:TEXT service:TEXT status:error dur>2s "
                            "attr.KEY=VALUE task:ID session:ID",
                            "FILTER",
                            {},
                            {}});
    list_options.push_back(last_option("traces"));
    registry.add({
        .group = "traces",
        .name = "list",
        .summary = "List traces: root span, start, duration, span and error counts",
        .description = "One row per trace, oldest first. --since and --until select traces by their start.",
        .arguments = {},
        .options = std::move(list_options),
        .examples = {"sc traces list --since 1h", "sc traces list --errors --last 5",
                     "sc traces list --name task.create --format json",
                     "sc traces list --where 'status:error dur>2s task:auth-05K'"},
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
    std::vector<OptionSpec> export_options = {
        {"format",
         OptionKind::value,
         "jaeger: Jaeger UI's JSON File upload; otlp: OTLP JSON Lines",
         "FORMAT",
         {"jaeger", "otlp"},
         {}},
        {"output", OptionKind::value, "Write to this file instead of stdout", "FILE", {}, {}},
    };
    for (OptionSpec& option : time_window_options())
        export_options.push_back(std::move(option));
    export_options.push_back(
        {"name", OptionKind::value, "Without ids: traces with a span whose name contains TEXT", "TEXT", {}, {}});
    export_options.push_back({"errors", OptionKind::flag, "Without ids: traces with a failed span", "", {}, {}});
    export_options.push_back(last_option("traces"));
    registry.add({
        .group = "traces",
        .name = "export",
        .summary = "Write traces as Jaeger JSON (for the Jaeger UI) or OTLP JSON Lines",
        .description = "--format jaeger (the default) writes {\"data\":[trace,...]}, which the Jaeger UI's "
                       "\"JSON File\" upload opens; --format otlp writes the stored OTLP requests cut down to these "
                       "traces, one per line. Name traces by id, or pick them with the options of `sc traces list`.",
        .arguments = {{"trace_id", "Trace ids (32 hex digits, or the first 8 or more of each)", false, true}},
        .options = std::move(export_options),
        .examples = {"sc traces export 0af76519 --output trace.json", "sc traces export --last 5 --output traces.json",
                     "sc traces export 0af76519 --format otlp > trace.jsonl"},
        .mutates = false,
        .handler = export_traces,
    });
}

}  // namespace sc::cli
