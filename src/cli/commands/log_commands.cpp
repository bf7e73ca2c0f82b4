// `sc logs`: log records in the store, filtered by severity, time, trace and text.

#include "cli/commands/commands.hpp"
#include "cli/commands/signal_support.hpp"
#include "cli/commands/telemetry_support.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;

Result<CommandResult> logs(const Invocation& invocation, Context& context) {
    TimeWindow window = SC_TRY(read_time_window(invocation, context));
    observe::LogFilter filter;
    if (auto severity = invocation.get("severity")) {
        std::optional<int> number = observe::parse_severity(*severity);
        if (!number)
            return make_error(ErrorCode::invalid_argument, "\"" + *severity + "\" is not a severity",
                              Location {"", 0, "--severity"},
                              "use trace, debug, info, warn, error or fatal (or an OTLP number 1-24)");
        filter.min_severity = *number;
    }
    filter.since = window.since;
    filter.until = window.until;
    filter.trace_id = invocation.get("trace").value_or("");
    filter.text = invocation.get("grep").value_or("");
    filter.last = SC_TRY(read_last(invocation));
    store::Reader reader(SC_TRY(existing_store(context)));
    store::SignalQuery query = signal_query_for(window);
    if (filter.trace_id.size() == 32)
        query.trace_id = filter.trace_id;  // lets the reader skip lines without parsing them
    auto loaded = SC_TRY(observe::load_logs(reader, query));
    warn_skipped_lines(context, loaded.stats, "logs");
    Json rows = Json::array();
    for (const observe::LogRecord& record : observe::filter_logs(loaded.records, filter))
        rows.push_back(log_json(record));
    return CommandResult {std::move(rows), View::records, ""};
}

}  // namespace

void register_log_commands(Registry& registry) {
    if (!registry.wants("", "logs"))
        return;
    std::vector<OptionSpec> options = {
        {"severity",
         OptionKind::value,
         "At least this severity: trace, debug, info, warn, error, fatal",
         "LEVEL",
         {},
         {}},
        {"trace", OptionKind::value, "Only records of this trace (id or its first digits)", "TRACE_ID", {}, {}},
        {"grep", OptionKind::value, "Only records whose body or attributes contain TEXT (any case)", "TEXT", {}, {}},
    };
    for (OptionSpec& option : time_window_options())
        options.push_back(std::move(option));
    options.push_back(last_option("records"));
    registry.add({
        .group = "",
        .name = "logs",
        .summary = "List log records, oldest first",
        .description = "Records carry the trace and span they were written in: `sc traces show TRACE_ID` "
                       "shows the operation around them.",
        .arguments = {},
        .options = std::move(options),
        .examples = {"sc logs --severity warn --since 1d", "sc logs --trace 0af76519",
                     "sc logs --grep 'disk full' --last 5 --format json"},
        .mutates = false,
        .handler = logs,
    });
}

}  // namespace sc::cli
