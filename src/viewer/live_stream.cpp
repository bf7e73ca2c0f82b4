#include "viewer/live_stream.hpp"

#include <charconv>
#include <chrono>
#include <thread>

#include "cli/commands/signal_support.hpp"
#include "cli/commands/telemetry_support.hpp"
#include "observe/signal_query.hpp"
#include "store/reader.hpp"
#include "store/segment_file.hpp"
#include "viewer/http_query.hpp"

namespace sc::viewer {

namespace {

using Json = nlohmann::ordered_json;

constexpr auto k_longest_wait = std::chrono::milliseconds(4000);
constexpr auto k_poll = std::chrono::milliseconds(100);
constexpr size_t k_most_events = 500;        // per answer; the next answer goes on from the last
constexpr size_t k_most_items = 200;         // span ends and warnings per answer; more are counted
constexpr uint64_t k_most_bytes = 4u << 20;  // of trace or log lines per answer: a tail resumed
                                             // after a long time catches up over several answers
constexpr int k_retry_ms = 100;
constexpr int k_warning_severity = 13;  // OTLP WARN and above

// Where the tail is in one signal of traces or logs: just past `offset` bytes of `segment`.
struct SignalPosition {
    bool at_end = false;  // not given: start at the signal's end
    store::SegmentId segment;
    bool has_segment = false;
    uint64_t offset = 0;
};

// The SSE id: "SEQ" (events only: traces and logs start at their end) or
// "SEQ.DAY-NUMBER-OFFSET.DAY-NUMBER-OFFSET" with the traces' and the logs' positions
// (0-0-0: the beginning).
SignalPosition at_end() {
    SignalPosition position;
    position.at_end = true;
    return position;
}

struct Position {
    uint64_t seq = 0;
    SignalPosition traces = at_end();
    SignalPosition logs = at_end();
};

bool number(std::string_view text, uint64_t& value) {
    if (text.empty() || text.size() > 19)
        return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

bool parse_signal_position(std::string_view text, store::Signal signal, SignalPosition& position) {
    uint64_t parts[3] = {0, 0, 0};
    for (int i = 0; i < 3; ++i) {
        size_t dash = i < 2 ? text.find('-') : text.size();
        if (dash == std::string_view::npos || !number(text.substr(0, dash), parts[i]))
            return false;
        text.remove_prefix(i < 2 ? dash + 1 : dash);
    }
    position = {};
    position.has_segment = parts[1] != 0;
    position.segment = {signal, static_cast<store::Day>(parts[0]), static_cast<uint32_t>(parts[1])};
    position.offset = position.has_segment ? parts[2] : 0;
    return true;
}

std::optional<Position> position_of(std::string_view text) {
    Position position;
    size_t dot = text.find('.');
    if (!number(text.substr(0, dot), position.seq))
        return std::nullopt;
    if (dot == std::string_view::npos)
        return position;
    text.remove_prefix(dot + 1);
    dot = text.find('.');
    if (dot == std::string_view::npos ||
        !parse_signal_position(text.substr(0, dot), store::Signal::traces, position.traces) ||
        !parse_signal_position(text.substr(dot + 1), store::Signal::logs, position.logs))
        return std::nullopt;
    return position;
}

std::string signal_text(const SignalPosition& position) {
    if (!position.has_segment)
        return "0-0-0";
    return std::to_string(position.segment.day) + "-" + std::to_string(position.segment.number) + "-" +
           std::to_string(position.offset);
}

std::string id_text(const Position& position) {
    return std::to_string(position.seq) + "." + signal_text(position.traces) + "." + signal_text(position.logs);
}

// The end of a signal: its newest segment's size (a line being written there is cut; what
// follows the cut does not read as a record and is skipped).
Status move_to_end(const store::Layout& layout, store::Signal signal, SignalPosition& position) {
    std::vector<store::SegmentFile> segments = SC_TRY(layout.list_all_segments(signal));
    position = {};
    if (segments.empty())
        return {};
    const store::SegmentFile& last = segments.back();
    position.has_segment = true;
    position.segment = last.id;
    if (!last.compressed) {
        position.offset = last.bytes;
    } else {
        store::SegmentBuffer buffer = SC_TRY(store::read_segment(layout.path(last.relative_path()), true));
        position.offset = buffer.size;
    }
    return {};
}

// The complete lines after the position (about k_most_bytes of them), which moves past them.
Status read_lines_after(const store::Layout& layout, store::Signal signal, SignalPosition& position,
                        const std::function<void(std::string_view)>& visit) {
    std::vector<store::SegmentFile> segments = SC_TRY(layout.list_all_segments(signal));
    uint64_t read_bytes = 0;
    for (const store::SegmentFile& segment : segments) {
        if (read_bytes >= k_most_bytes)
            break;
        if (position.has_segment && segment.id < position.segment)
            continue;
        if (!position.has_segment || segment.id != position.segment) {
            position.has_segment = true;
            position.segment = segment.id;
            position.offset = 0;
        }
        Result<store::SegmentBuffer> read =
            store::read_segment(layout.path(segment.relative_path()), segment.compressed, position.offset);
        if (!read.ok()) {
            if (read.error().code == ErrorCode::not_found)
                continue;
            return std::move(read).error();
        }
        std::string_view content = read->content();
        size_t at = 0;
        for (size_t end = content.find('\n'); end != std::string_view::npos && read_bytes < k_most_bytes;
             end = content.find('\n', at)) {
            std::string_view line = content.substr(at, end - at);
            at = end + 1;
            read_bytes += line.size() + 1;
            if (line.size() >= 2 && line.front() == '{' && line.back() == '}')
                visit(line);
        }
        position.offset += at;
    }
    return {};
}

// The viewer's own requests (its API and this stream) are not news: they would fill the tail.
bool is_viewer_request(const observe::SpanRecord& span) {
    auto path = span.attributes.find("url.path");
    return path != span.attributes.end() && path->is_string() &&
           path->get_ref<const std::string&>().starts_with("/ui/");
}

// Span ends and warnings after the positions, as SSE messages; the count of those left out.
Status add_signals(const store::Layout& layout, Position& position, std::string& items, size_t& sent,
                   size_t& left_out) {
    std::vector<std::string> messages;
    std::vector<observe::SpanRecord> spans;
    SC_TRY(read_lines_after(layout, store::Signal::traces, position.traces, [&](std::string_view line) {
        spans.clear();
        if (!observe::parse_trace_line(line, spans).ok())
            return;
        for (const observe::SpanRecord& span : spans) {
            if (is_viewer_request(span))
                continue;
            if (messages.size() >= k_most_items) {
                ++left_out;
                continue;
            }
            Json data = {{"trace_id", span.trace_id},
                         {"span_id", span.span_id},
                         {"name", span.name},
                         {"service", span.service},
                         {"end", cli::time_text(span.end)},
                         {"duration_ms", static_cast<double>(span.duration()) / 1e6},
                         {"status", span.is_error()                          ? "error"
                                    : span.status == observe::SpanStatus::ok ? "ok"
                                                                             : "unset"},
                         {"status_message", span.status_message}};
            messages.push_back("event: span\ndata: " + data.dump(-1, ' ', false, Json::error_handler_t::replace));
        }
    }));
    std::vector<observe::LogRecord> logs;
    SC_TRY(read_lines_after(layout, store::Signal::logs, position.logs, [&](std::string_view line) {
        logs.clear();
        if (!observe::parse_log_line(line, logs).ok())
            return;
        for (const observe::LogRecord& record : logs) {
            if (record.severity_number < k_warning_severity)
                continue;
            if (messages.size() >= k_most_items) {
                ++left_out;
                continue;
            }
            messages.push_back("event: warning\ndata: " +
                               cli::log_json(record).dump(-1, ' ', false, Json::error_handler_t::replace));
        }
    }));
    // Every message carries the whole position, so a reconnect goes on after all of them.
    std::string id = "id: " + id_text(position) + "\n";
    for (const std::string& message : messages)
        items += id + message + "\n\n";
    if (left_out > 0)
        items += id + "event: skipped\ndata: {\"count\":" + std::to_string(left_out) + "}\n\n";
    sent += messages.size() + (left_out > 0 ? 1 : 0);
    return {};
}

}  // namespace

void add_live_stream_route(server::Router& router, const server::ServeContext& serve,
                           const std::function<server::Handler(server::Handler)>& guard) {
    server::Route route;
    route.method = "GET";
    route.path = "/ui/api/stream";
    route.max_body_bytes = 0;
    const server::ServeContext* context = &serve;
    route.handler = guard([context](const server::Request& request, server::Response& response) {
        auto parameters = parse_query(request.query);
        std::optional<Position> after;
        if (auto last = request.header("Last-Event-ID"))
            after = position_of(*last);
        if (!after && parameters.count("after") > 0) {
            after = position_of(parameters["after"]);
            if (!after)
                return answer_error(response, Error {ErrorCode::invalid_argument,
                                                     "after=\"" + parameters["after"] + "\" is not a store position",
                                                     {},
                                                     "give the id of the last message seen (SEQ, or "
                                                     "SEQ.TRACES.LOGS), or leave it out to start at the end"});
        }
        std::string body = "retry: " + std::to_string(k_retry_ms) + "\n\n";
        store::Reader reader(context->store_root);
        store::Layout layout(context->store_root);
        uint64_t last_seq = 0;
        auto fail = [&](const Error& error) { answer_error(response, error); };
        if (!after) {
            // Start at the end: say where that is, so a reconnect resumes from here.
            Result<store::ReadStats> read = reader.read_events_after(
                UINT64_MAX - 1, {}, [](const store::EventView&) { return true; }, &last_seq);
            if (!read.ok())
                return fail(read.error());
            Position end;
            end.seq = last_seq;
            if (Status moved = move_to_end(layout, store::Signal::traces, end.traces); !moved.ok())
                return fail(moved.error());
            if (Status moved = move_to_end(layout, store::Signal::logs, end.logs); !moved.ok())
                return fail(moved.error());
            body += "id: " + id_text(end) + "\nevent: position\ndata: {\"seq\":" + std::to_string(last_seq) + "}\n\n";
        } else {
            for (SignalPosition* signal : {&after->traces, &after->logs})
                if (signal->at_end) {
                    store::Signal which = signal == &after->traces ? store::Signal::traces : store::Signal::logs;
                    if (Status moved = move_to_end(layout, which, *signal); !moved.ok())
                        return fail(moved.error());
                }
            auto deadline = std::chrono::steady_clock::now() + k_longest_wait;
            size_t sent = 0;
            while (true) {
                // Events first, each with its own seq and the other signals where they were.
                Position before = *after;
                Result<store::ReadStats> read = reader.read_events_after(
                    before.seq, {},
                    [&](const store::EventView& event) {
                        after->seq = event.seq;
                        body += "id: " + id_text(*after) + "\nevent: event\ndata: ";
                        body += event.line;
                        body += "\n\n";
                        return ++sent < k_most_events;
                    },
                    &last_seq);
                if (!read.ok())
                    return fail(read.error());
                size_t left_out = 0;
                if (Status added = add_signals(layout, *after, body, sent, left_out); !added.ok())
                    return fail(added.error());
                if (sent > 0 || std::chrono::steady_clock::now() >= deadline)
                    break;
                std::this_thread::sleep_for(k_poll);
            }
            if (sent == 0)  // keep the position for the reconnect
                body += "id: " + id_text(*after) + "\n: waiting\n\n";
        }
        response.set_header("Cache-Control", "no-store");
        response.content_type = "text/event-stream; charset=utf-8";
        response.body = std::move(body);
    });
    router.add(std::move(route));
}

}  // namespace sc::viewer
