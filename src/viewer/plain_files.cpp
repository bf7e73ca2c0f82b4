#include "viewer/plain_files.hpp"

#include <map>

#include "cli/commands/signal_support.hpp"
#include "observe/signal_query.hpp"
#include "util/files.hpp"

namespace sc::viewer {

namespace {

constexpr size_t k_most_problems = 50;
constexpr size_t k_file_limit = 64u << 20;

std::string text_of(const Json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// "abc" -> 32 hex digits, zero padded on the left (Jaeger writes 64-bit trace ids as 16).
std::string padded_id(std::string id, size_t width) {
    return id.size() < width ? std::string(width - id.size(), '0') + id : id;
}

// Jaeger's tags ([{"key", "type", "value"}]) as our attributes.
observe::Attributes tags_of(const Json& tags) {
    observe::Attributes attributes = observe::Attributes::object();
    if (tags.is_array())
        for (const Json& tag : tags)
            if (tag.is_object() && tag.contains("key") && tag["key"].is_string())
                attributes[tag["key"].get<std::string>()] = tag.value("value", Json());
    return attributes;
}

int64_t micros_to_nanos(const Json& value) {
    return value.is_number() ? static_cast<int64_t>(value.get<double>() * 1000) : 0;
}

// One Jaeger trace's spans as records, with the mapping of observe/jaeger_json.cpp read back.
void read_jaeger_trace(const Json& trace, std::vector<observe::SpanRecord>& spans, Json& problems) {
    const Json& processes = trace.contains("processes") && trace["processes"].is_object() ? trace["processes"] : Json();
    if (!trace.contains("spans") || !trace["spans"].is_array()) {
        problems.push_back({{"line", 1}, {"message", "a trace without \"spans\" was skipped"}});
        return;
    }
    for (const Json& span : trace["spans"]) {
        if (!span.is_object() || !span.contains("spanID")) {
            problems.push_back({{"line", 1}, {"message", "a span without \"spanID\" was skipped"}});
            continue;
        }
        observe::SpanRecord record;
        record.trace_id = padded_id(text_of(span.value("traceID", trace.value("traceID", Json("")))), 32);
        record.span_id = padded_id(text_of(span["spanID"]), 16);
        record.name = text_of(span.value("operationName", Json("")));
        record.start = micros_to_nanos(span.value("startTime", Json()));
        record.end = record.start + micros_to_nanos(span.value("duration", Json()));
        for (const Json& reference : span.value("references", Json::array()))
            if (reference.is_object() && reference.value("refType", "") == "CHILD_OF")
                record.parent_span_id = padded_id(text_of(reference.value("spanID", Json(""))), 16);
        record.attributes = tags_of(span.value("tags", Json()));
        auto take = [&](const char* key) {
            Json value = record.attributes.contains(key) ? record.attributes[key] : Json();
            record.attributes.erase(key);
            return value;
        };
        std::string status = text_of(take("otel.status_code"));
        Json description = take("otel.status_description");
        Json error = take("error");
        if (status == "ERROR" || (error.is_boolean() && error.get<bool>()))
            record.status = observe::SpanStatus::error;
        else if (status == "OK")
            record.status = observe::SpanStatus::ok;
        if (description.is_string())
            record.status_message = description.get<std::string>();
        std::string kind = text_of(take("span.kind"));
        record.kind = kind == "internal"   ? 1
                      : kind == "server"   ? 2
                      : kind == "client"   ? 3
                      : kind == "producer" ? 4
                      : kind == "consumer" ? 5
                                           : 0;
        for (const Json& log : span.value("logs", Json::array())) {
            observe::SpanEventRecord event;
            event.time = micros_to_nanos(log.value("timestamp", Json()));
            event.attributes = tags_of(log.value("fields", Json()));
            if (event.attributes.contains("event")) {
                event.name = text_of(event.attributes["event"]);
                event.attributes.erase("event");
            }
            record.events.push_back(std::move(event));
        }
        std::string process = text_of(span.value("processID", Json("")));
        if (processes.is_object() && processes.contains(process) && processes[process].is_object())
            record.service = text_of(processes[process].value("serviceName", Json("")));
        spans.push_back(std::move(record));
    }
}

}  // namespace

Json read_plain_file(const std::string& name, std::string_view content) {
    std::vector<observe::SpanRecord> spans;
    std::vector<observe::LogRecord> logs;
    std::vector<observe::MetricPoint> points;
    Json events = Json::array();
    Json problems = Json::array();
    std::string format = "jsonl";
    auto problem = [&](size_t line, std::string message) {
        if (problems.size() < k_most_problems)
            problems.push_back({{"line", line}, {"message", std::move(message)}});
    };

    // Jaeger JSON is one document; OTLP and event files are one object per line.
    Json whole = content.size() < k_file_limit ? Json::parse(content, nullptr, false) : Json();
    if (whole.is_object() && whole.contains("data") && whole["data"].is_array()) {
        format = "jaeger";
        for (const Json& trace : whole["data"])
            read_jaeger_trace(trace, spans, problems);
    } else {
        size_t number = 0;
        size_t start = 0;
        while (start < content.size()) {
            size_t end = content.find('\n', start);
            std::string_view line = content.substr(start, end == std::string_view::npos ? content.npos : end - start);
            start = end == std::string_view::npos ? content.size() : end + 1;
            ++number;
            if (line.find_first_not_of(" \t\r") == std::string_view::npos)
                continue;
            Json object = Json::parse(line, nullptr, false);
            if (object.is_discarded() || !object.is_object()) {
                problem(number, "line " + std::to_string(number) + " is not a JSON object: skipped");
                continue;
            }
            Status read;
            if (object.contains("resourceSpans"))
                read = observe::parse_trace_line(line, spans);
            else if (object.contains("resourceLogs"))
                read = observe::parse_log_line(line, logs);
            else if (object.contains("resourceMetrics"))
                read = observe::parse_metric_line(line, points);
            else if (object.contains("type") && object.contains("stream") && object.contains("seq"))
                events.push_back(std::move(object));
            else
                read = make_error(ErrorCode::parse, "neither an OTLP request nor a domain event");
            if (!read.ok())
                problem(number, "line " + std::to_string(number) + ": " + read.error().message + ": skipped");
        }
    }

    Json traces = Json::array();
    for (const observe::TraceSummary& summary : observe::summarize_traces(spans, {}))
        traces.push_back(cli::trace_summary_json(summary));
    std::reverse(traces.begin(), traces.end());  // newest first, as the trace list shows them
    std::map<std::string, std::vector<observe::SpanRecord>> by_trace;
    for (observe::SpanRecord& span : spans)
        by_trace[span.trace_id].push_back(std::move(span));
    Json span_rows = Json::object();
    for (const auto& [trace_id, trace_spans] : by_trace) {
        Json rows = Json::array();
        for (const observe::SpanTreeRow& row : observe::span_tree(trace_spans))
            rows.push_back(cli::span_json(row));
        span_rows[trace_id] = std::move(rows);
    }
    Json log_rows = Json::array();
    for (const observe::LogRecord& record : logs)
        log_rows.push_back(cli::log_json(record));
    return {{"name", name},
            {"format", format},
            {"traces", std::move(traces)},
            {"spans", std::move(span_rows)},
            {"logs", std::move(log_rows)},
            {"events", std::move(events)},
            {"metric_points", points.size()},
            {"problems", std::move(problems)}};
}

void add_plain_file_routes(server::Router& router, const server::ServeContext& serve,
                           const std::function<server::Handler(server::Handler)>& guard) {
    std::vector<std::string> opened = serve.open_files;
    server::Route list;
    list.method = "GET";
    list.path = "/ui/api/files";
    list.max_body_bytes = 0;
    list.handler = guard([opened](const server::Request&, server::Response& response) {
        Json files = Json::array();
        for (size_t i = 0; i < opened.size(); ++i)
            files.push_back({{"index", i}, {"name", opened[i]}});
        answer_json(response, {{"success", true}, {"data", std::move(files)}});
    });
    router.add(std::move(list));

    server::Route one;
    one.method = "GET";
    one.path = "/ui/api/file";
    one.max_body_bytes = 0;
    one.handler = guard([opened](const server::Request& request, server::Response& response) {
        auto parameters = parse_query(request.query);
        std::string index = parameters["index"];
        if (index.empty() || index.size() > 6 || index.find_first_not_of("0123456789") != std::string::npos ||
            std::stoul(index) >= opened.size())
            return answer_error(response, Error {ErrorCode::not_found,
                                                 "no opened file number \"" + index + "\"",
                                                 {},
                                                 "/ui/api/files lists the files given to --open"});
        const std::string& path = opened[std::stoul(index)];
        Result<std::string> content = files::read_regular(path, k_file_limit);
        if (!content.ok())
            return answer_error(response, content.error());
        answer_json(response, {{"success", true}, {"data", read_plain_file(path, content.value())}});
    });
    router.add(std::move(one));

    server::Route dropped;
    dropped.method = "POST";
    dropped.path = "/ui/api/open";
    dropped.max_body_bytes = k_file_limit;
    dropped.handler = guard([](const server::Request& request, server::Response& response) {
        auto parameters = parse_query(request.query);
        std::string name = parameters["name"].empty() ? "dropped file" : parameters["name"];
        answer_json(response, {{"success", true}, {"data", read_plain_file(name, request.body)}});
    });
    router.add(std::move(dropped));
}

}  // namespace sc::viewer
