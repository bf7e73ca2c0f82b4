#include "viewer/viewer_api.hpp"

#include <algorithm>
#include <ctime>

#include "cli/commands/signal_support.hpp"
#include "cli/commands/telemetry_support.hpp"
#include "cli/registry.hpp"
#include "observe/replay.hpp"
#include "observe/signal_query.hpp"
#include "observe/trace_query.hpp"
#include "observe/trace_summaries.hpp"

namespace sc::viewer {

namespace {

constexpr size_t k_default_limit = 100;
constexpr size_t k_max_limit = 1000;
// A waterfall needs a whole trace at once; still bounded.
constexpr size_t k_default_span_limit = 20000;
constexpr size_t k_max_span_limit = 50000;
// The metrics board: a sparkline of this many buckets per metric, the cost of this many days.
constexpr const char* k_default_buckets = "12";
constexpr int k_cost_days = 14;
constexpr int64_t k_nanos_per_day = 86'400'000'000'000;

// A UTC day as `sc` reads a date option: 2026-12-06.
std::string day_text(int64_t unix_nanos) {
    std::time_t seconds = static_cast<std::time_t>(unix_nanos / 1'000'000'000);
    std::tm parts {};
    gmtime_r(&seconds, &parts);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &parts);
    return text;
}

using Parameters = std::map<std::string, std::string>;

std::string parameter(const Parameters& parameters, const std::string& name) {
    auto found = parameters.find(name);
    return found == parameters.end() ? "" : found->second;
}

// Options of the command taken from the query string, by the same names (--grep <- grep=).
void add_options(cli::Invocation& invocation, const Parameters& parameters, std::initializer_list<const char*> names) {
    for (const char* name : names)
        if (std::string value = parameter(parameters, name); !value.empty())
            invocation.add_option(name, {value});
}

Error missing(const std::string& name, const std::string& example) {
    return Error {ErrorCode::invalid_argument, "the parameter \"" + name + "\" is missing", {}, "e.g. " + example};
}

// A listing answer: newest first when asked (the commands list oldest first), then one page.
Result<Json> listing(const server::ServeContext& serve, const Parameters& parameters, const std::string& group,
                     const std::string& name, const cli::Invocation& invocation, bool newest_first) {
    Page page = SC_TRY(read_page(parameters, k_default_limit, k_max_limit));
    CommandOutput output = SC_TRY(run_command(serve, group, name, invocation));
    if (!output.data.is_array())
        output.data = Json::array();
    if (newest_first)
        std::reverse(output.data.begin(), output.data.end());
    Json result = {{"success", true}};
    keep_page(result, output.data, page);
    result["data"] = std::move(output.data);
    if (!output.warnings.empty())
        result["warnings"] = output.warnings;
    return result;
}

// "copy as LLM context": the trace in a few lines (root, counts, errors, slowest spans).
std::string text_summary(const Json& trace) {
    const Json& spans = trace["spans"];
    std::string text = "trace " + trace.value("trace_id", "") + ": " + std::to_string(spans.size()) + " spans";
    std::vector<const Json*> errors;
    std::vector<const Json*> by_duration;
    for (const Json& span : spans) {
        if (span.value("status", "") == "error")
            errors.push_back(&span);
        by_duration.push_back(&span);
    }
    text += ", " + std::to_string(errors.size()) + (errors.size() == 1 ? " error\n" : " errors\n");
    auto line = [](const Json& span) {
        std::string row = "  " + std::string(static_cast<size_t>(span.value("depth", 0)) * 2, ' ') +
                          span.value("name", "") + "  " + span["duration_ms"].dump() + " ms";
        if (span.value("status", "") == "error")
            row += "  ERROR " + span.value("status_message", "");
        return row + "  [" + span.value("span_id", "") + "]\n";
    };
    if (!spans.empty())
        text += "root:\n" + line(spans.front());
    if (!errors.empty()) {
        text += "errors:\n";
        for (size_t i = 0; i < errors.size() && i < 10; ++i)
            text += line(*errors[i]);
        if (errors.size() > 10)
            text += "  ... " + std::to_string(errors.size() - 10) + " more\n";
    }
    std::stable_sort(by_duration.begin(), by_duration.end(), [](const Json* a, const Json* b) {
        return a->value("duration_ms", 0.0) > b->value("duration_ms", 0.0);
    });
    text += "slowest:\n";
    for (size_t i = 0; i < by_duration.size() && i < 5; ++i)
        text += line(*by_duration[i]);
    return text;
}

// A task's file in a replayed tree: `<id>.task.md` or `<id>/_overview.md`, in either tree.
std::vector<std::pair<std::string, std::string>> task_files(const observe::TreeModel& model, const std::string& id) {
    std::vector<std::pair<std::string, std::string>> found;
    for (const auto& [key, content] : model.files()) {
        bool file = key.size() > id.size() + 8 && key.ends_with("/" + id + ".task.md");
        bool overview = key.find("/" + id + "/_overview.md") != std::string::npos;
        if (file || overview || key.ends_with(":" + id + ".task.md"))
            found.emplace_back(key, content);
    }
    return found;
}

using Work = std::function<Result<Json>(const Parameters&, const server::Request&)>;

server::Handler json_handler(Work work) {
    return [work = std::move(work)](const server::Request& request, server::Response& response) {
        Parameters parameters = parse_query(request.query);
        Result<Json> result = work(parameters, request);
        response.set_header("Cache-Control", "no-store");
        if (!result.ok())
            answer_error(response, result.error());
        else
            answer_json(response, std::move(result).value());
    };
}

}  // namespace

Result<CommandOutput> run_command(const server::ServeContext& serve, const std::string& group, const std::string& name,
                                  const cli::Invocation& invocation) {
    const cli::CommandSpec* spec = cli::registry().find(group, name);
    if (spec == nullptr)
        return make_error(ErrorCode::internal, "no command \"" + group + " " + name + "\" in the registry");
    cli::GlobalOptions globals = serve.context->globals();
    globals.format = cli::OutputFormat::json;
    CommandOutput output;
    cli::Context context(serve.context->environment(), serve.context->clock(), serve.context->working_directory(),
                         globals, [&output](const Error& warning) { output.warnings.push_back(warning.message); });
    std::string streamed;
    context.set_stream_out([&streamed](std::string_view piece) { streamed.append(piece); });
    Result<cli::CommandResult> result = spec->handler(invocation, context);
    if (!result.ok())
        return std::move(result).error();
    if (result->streamed)
        output.data = std::move(streamed);
    else
        output.data = result->data.is_null() ? Json::object() : std::move(result->data);
    return output;
}

void add_api_routes(server::Router& router, const server::ServeContext& serve,
                    const std::function<server::Handler(server::Handler)>& guard) {
    auto add = [&](const std::string& path, Work work) {
        server::Route route;
        route.method = "GET";
        route.path = path;
        route.max_body_bytes = 0;
        route.handler = guard(json_handler(std::move(work)));
        router.add(std::move(route));
    };
    const server::ServeContext* context = &serve;

    // Traces, newest first: `sc traces list --where Q`.
    // The same query layer as the command (observe::list_traces, the summaries kept in memory),
    // called directly so that only the page asked for becomes JSON.
    add("/ui/api/traces", [context](const Parameters& parameters, const server::Request&) -> Result<Json> {
        Page page = SC_TRY(read_page(parameters, k_default_limit, k_max_limit));
        cli::Invocation invocation;
        add_options(invocation, parameters, {"since", "until"});
        std::vector<std::string> warnings;
        cli::Context command_context(context->context->environment(), context->context->clock(),
                                     context->context->working_directory(), context->context->globals(),
                                     [&warnings](const Error& warning) { warnings.push_back(warning.message); });
        cli::TimeWindow window = SC_TRY(cli::read_time_window(invocation, command_context));
        observe::TraceFilter filter;
        filter.since = window.since;
        filter.until = window.until;
        if (std::string q = parameter(parameters, "q"); !q.empty())
            if (Status parsed = observe::parse_trace_query(q, filter); !parsed.ok()) {
                Error error = parsed.error();
                error.where = Location {"", 0, "q"};
                return error;
            }
        std::string root = SC_TRY(cli::existing_store(command_context));
        observe::TraceListing found = SC_TRY(observe::list_traces(root, filter));
        cli::warn_skipped_lines(command_context, found.stats, "traces");
        const size_t total = found.traces.size();
        Json rows = Json::array();
        for (size_t i = page.offset; i < total && i < page.offset + page.limit; ++i)
            rows.push_back(cli::trace_summary_json(found.traces[total - 1 - i]));  // newest first
        Json result = {{"success", true}, {"total", total}};
        if (page.offset + page.limit < total)
            result["nextCursor"] = "o" + std::to_string(page.offset + page.limit);
        result["data"] = std::move(rows);
        if (!warnings.empty())
            result["warnings"] = warnings;
        return result;
    });

    // One trace: `sc traces show ID`, its spans depth first (paged for a huge trace).
    add("/ui/api/trace", [context](const Parameters& parameters, const server::Request&) -> Result<Json> {
        std::string id = parameter(parameters, "id");
        if (id.empty())
            return missing("id", "/ui/api/trace?id=0af7651916cd43dd8448eb211c80319c");
        Page page = SC_TRY(read_page(parameters, k_default_span_limit, k_max_span_limit));
        cli::Invocation invocation;
        invocation.add_argument(id);
        CommandOutput output = SC_TRY(run_command(*context, "traces", "show", invocation));
        Json result = {{"success", true}};
        keep_page(result, output.data["spans"], page);
        result["data"] = std::move(output.data);
        return result;
    });

    // A trace for other tools: OTLP JSON lines and Jaeger JSON (`sc traces export`), or the
    // compact text summary.
    server::Route exporting;
    exporting.method = "GET";
    exporting.path = "/ui/api/trace/export";
    exporting.max_body_bytes = 0;
    exporting.handler = guard([context](const server::Request& request, server::Response& response) {
        Parameters parameters = parse_query(request.query);
        std::string id = parameter(parameters, "id");
        std::string format = parameter(parameters, "format");
        if (format.empty())
            format = "jaeger";
        if (id.empty())
            return answer_error(response, missing("id", "/ui/api/trace/export?id=0af76519&format=otlp"));
        if (format != "jaeger" && format != "otlp" && format != "text")
            return answer_error(response, Error {ErrorCode::invalid_argument,
                                                 "format \"" + format + "\" is not one the viewer exports",
                                                 {},
                                                 "use format=otlp, format=jaeger or format=text"});
        cli::Invocation invocation;
        invocation.add_argument(id);
        Result<CommandOutput> output = format == "text" ? run_command(*context, "traces", "show", invocation) : [&] {
            invocation.add_option("format", {format});
            return run_command(*context, "traces", "export", invocation);
        }();
        if (!output.ok())
            return answer_error(response, output.error());
        std::string short_id = id.substr(0, 8);
        if (format == "text") {
            response.content_type = "text/plain; charset=utf-8";
            response.body = text_summary(output->data);
        } else {
            response.content_type = format == "jaeger" ? "application/json; charset=utf-8" : "application/x-ndjson";
            response.body = output->data.get<std::string>();
            response.set_header("Content-Disposition", "attachment; filename=\"trace-" + short_id +
                                                           (format == "jaeger" ? ".jaeger.json\"" : ".otlp.jsonl\""));
        }
    });
    router.add(std::move(exporting));

    // Log records, newest first: `sc logs`.
    add("/ui/api/logs", [context](const Parameters& parameters, const server::Request&) -> Result<Json> {
        cli::Invocation invocation;
        add_options(invocation, parameters, {"severity", "grep", "trace", "since", "until"});
        return listing(*context, parameters, "", "logs", invocation, true);
    });

    // Domain events (full envelopes), oldest first: `sc events list`.
    add("/ui/api/events", [context](const Parameters& parameters, const server::Request&) -> Result<Json> {
        cli::Invocation invocation;
        add_options(invocation, parameters, {"type", "stream", "trace", "since", "until"});
        return listing(*context, parameters, "events", "list", invocation, false);
    });

    // One task's events, oldest first: `sc task history ID`.
    add("/ui/api/task", [context](const Parameters& parameters, const server::Request&) -> Result<Json> {
        std::string id = parameter(parameters, "id");
        if (id.empty())
            return missing("id", "/ui/api/task?id=add-login-page-11A");
        cli::Invocation invocation;
        invocation.add_argument(id);
        return listing(*context, parameters, "task", "history", invocation, false);
    });

    // The task's file as the events rebuild it at a moment (`sc events replay --as-of`).
    add("/ui/api/task/state", [context](const Parameters& parameters, const server::Request&) -> Result<Json> {
        std::string id = parameter(parameters, "id");
        if (id.empty())
            return missing("id", "/ui/api/task/state?id=add-login-page-11A&as_of=2026-11-27T12:00:00Z");
        cli::GlobalOptions globals = context->context->globals();
        cli::Context command_context(context->context->environment(), context->context->clock(),
                                     context->context->working_directory(), globals, nullptr);
        observe::ReplayOptions options;
        if (std::string as_of = parameter(parameters, "as_of"); !as_of.empty())
            options.as_of = SC_TRY(cli::parse_time_option(as_of, "as_of", command_context.clock().now_unix_nanos()));
        std::string root = SC_TRY(cli::existing_store(command_context));
        observe::ReplayResult replayed = SC_TRY(observe::replay_events(root, options));
        Json files = Json::array();
        for (const auto& [key, content] : task_files(replayed.model, id))
            files.push_back({{"path", key}, {"content", content}});
        Json data = {{"task", id}, {"events_applied", replayed.events_applied}, {"files", std::move(files)}};
        return Json {{"success", true}, {"data", std::move(data)}};
    });

    // Sessions (`sc sessions list`, oldest first), one session (`sc sessions show ID`) and the
    // totals (`sc sessions stats`).
    add("/ui/api/sessions", [context](const Parameters& parameters, const server::Request&) -> Result<Json> {
        cli::Invocation invocation;
        add_options(invocation, parameters, {"task", "since", "until", "state"});
        return listing(*context, parameters, "sessions", "list", invocation, false);
    });
    add("/ui/api/session", [context](const Parameters& parameters, const server::Request&) -> Result<Json> {
        std::string id = parameter(parameters, "id");
        if (id.empty())
            return missing("id", "/ui/api/session?id=SESSION_ID");
        cli::Invocation invocation;
        invocation.add_argument(id);
        CommandOutput output = SC_TRY(run_command(*context, "sessions", "show", invocation));
        return Json {{"success", true}, {"data", std::move(output.data)}};
    });
    add("/ui/api/sessions/stats", [context](const Parameters& parameters, const server::Request&) -> Result<Json> {
        cli::Invocation invocation;
        add_options(invocation, parameters, {"task", "since", "until"});
        CommandOutput output = SC_TRY(run_command(*context, "sessions", "stats", invocation));
        return Json {{"success", true}, {"data", std::move(output.data)}};
    });

    // The metrics board: `sc metrics --buckets N` (a sparkline per metric), `sc events stats`,
    // `sc sessions stats`, and the latter once per UTC day of the last k_cost_days for the cost
    // per day (the figures of the command, not computed again here).
    add("/ui/api/metrics", [context](const Parameters& parameters, const server::Request&) -> Result<Json> {
        cli::Invocation metrics;
        add_options(metrics, parameters, {"since", "until"});
        std::string buckets = parameter(parameters, "buckets");
        metrics.add_option("buckets", {buckets.empty() ? k_default_buckets : buckets});
        CommandOutput values = SC_TRY(run_command(*context, "", "metrics", metrics));
        cli::Invocation stats;
        add_options(stats, parameters, {"since", "until"});
        CommandOutput projections = SC_TRY(run_command(*context, "events", "stats", stats));
        cli::Invocation session_stats;
        add_options(session_stats, parameters, {"since", "until"});
        CommandOutput sessions = SC_TRY(run_command(*context, "sessions", "stats", session_stats));
        Json days = Json::array();
        const int64_t today = context->context->clock().now_unix_nanos() / k_nanos_per_day * k_nanos_per_day;
        for (int back = k_cost_days - 1; back >= 0; --back) {
            int64_t start = today - back * k_nanos_per_day;
            cli::Invocation day;
            day.add_option("since", {day_text(start)});
            day.add_option("until", {day_text(start + k_nanos_per_day)});
            day.add_option("no-reap", {});
            CommandOutput one = SC_TRY(run_command(*context, "sessions", "stats", day));
            days.push_back({{"day", day_text(start)},
                            {"sessions", one.data.value("completed", 0)},
                            {"costUsd", one.data.contains("costUsd") ? one.data["costUsd"] : Json()}});
        }
        Json result = {{"success", true}};
        Page page = SC_TRY(read_page(parameters, k_max_limit, k_max_limit));
        keep_page(result, values.data, page);
        result["data"] = {{"metrics", std::move(values.data)},
                          {"stats", std::move(projections.data)},
                          {"sessions", std::move(sessions.data)},
                          {"costPerDay", std::move(days)}};
        std::vector<std::string> warnings = values.warnings;
        warnings.insert(warnings.end(), projections.warnings.begin(), projections.warnings.end());
        warnings.insert(warnings.end(), sessions.warnings.begin(), sessions.warnings.end());
        if (!warnings.empty())
            result["warnings"] = warnings;
        return result;
    });
}

}  // namespace sc::viewer
