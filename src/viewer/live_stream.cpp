#include "viewer/live_stream.hpp"

#include <chrono>
#include <thread>

#include "cli/commands/telemetry_support.hpp"
#include "store/reader.hpp"
#include "viewer/http_query.hpp"

namespace sc::viewer {

namespace {

constexpr auto k_longest_wait = std::chrono::milliseconds(4000);
constexpr auto k_poll = std::chrono::milliseconds(100);
constexpr size_t k_most_events = 500;  // per answer; the next answer goes on from the last
constexpr int k_retry_ms = 100;

// "after=" or Last-Event-ID: a seq, or nothing (start at the store's end).
std::optional<uint64_t> position_of(std::string_view text) {
    if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    return std::stoull(std::string(text));
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
        std::optional<uint64_t> after;
        if (auto last = request.header("Last-Event-ID"))
            after = position_of(*last);
        if (!after && parameters.count("after") > 0) {
            after = position_of(parameters["after"]);
            if (!after)
                return answer_error(response, Error {ErrorCode::invalid_argument,
                                                     "after=\"" + parameters["after"] + "\" is not a store position",
                                                     {},
                                                     "give the seq of the last event seen (the SSE id), or leave "
                                                     "it out to start at the end of the store"});
        }
        std::string body = "retry: " + std::to_string(k_retry_ms) + "\n\n";
        store::Reader reader(context->store_root);
        uint64_t last_seq = 0;
        if (!after) {
            // Start at the end: say where that is, so a reconnect resumes from here.
            Result<store::ReadStats> read = reader.read_events_after(
                UINT64_MAX - 1, {}, [](const store::EventView&) { return true; }, &last_seq);
            if (!read.ok())
                return answer_error(response, read.error());
            body += "id: " + std::to_string(last_seq) +
                    "\nevent: position\ndata: {\"seq\":" + std::to_string(last_seq) + "}\n\n";
        } else {
            auto deadline = std::chrono::steady_clock::now() + k_longest_wait;
            size_t sent = 0;
            while (true) {
                uint64_t from = *after;
                Result<store::ReadStats> read = reader.read_events_after(
                    from, {},
                    [&](const store::EventView& event) {
                        body += "id: " + std::to_string(event.seq) + "\nevent: event\ndata: ";
                        body += event.line;
                        body += "\n\n";
                        *after = event.seq;
                        return ++sent < k_most_events;
                    },
                    &last_seq);
                if (!read.ok())
                    return answer_error(response, read.error());
                if (sent > 0 || std::chrono::steady_clock::now() >= deadline)
                    break;
                std::this_thread::sleep_for(k_poll);
            }
            if (sent == 0)  // keep the position for the reconnect
                body += "id: " + std::to_string(*after) + "\n: waiting\n\n";
        }
        response.set_header("Cache-Control", "no-store");
        response.content_type = "text/event-stream; charset=utf-8";
        response.body = std::move(body);
    });
    router.add(std::move(route));
}

}  // namespace sc::viewer
