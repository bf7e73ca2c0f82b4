#include "receiver/otlp_routes.hpp"

#include "receiver/otlp_request.hpp"
#include "telemetry/api/telemetry.hpp"

namespace sc::receiver {

namespace {

const telemetry::Counter<int64_t> k_items_received {"scopecraft.server", "scopecraft.receiver.items", "{item}",
                                                    "Spans, data points and log records received, by outcome"};

std::optional<Encoding> encoding_of(const server::Request& request) {
    std::string media = request.media_type();
    if (media == "application/x-protobuf")
        return Encoding::protobuf;
    if (media == "application/json")
        return Encoding::json;
    return std::nullopt;
}

// Errors answered before the body is decoded go back in the request's encoding when it has one
// we speak, else in protobuf (OTLP/HTTP's default).
void answer(const server::Request& request, int status, const std::string& message, server::Response& response) {
    Encoding encoding = encoding_of(request).value_or(Encoding::protobuf);
    response.status = status;
    response.content_type = std::string(content_type(encoding));
    response.body = status_body(encoding, status, message);
    if (status == 429 || status == 503)
        response.set_header("Retry-After", std::to_string(k_retry_after_seconds));
}

server::Route receiver_route(store::Signal signal, const server::ServeContext& context) {
    server::Route route;
    route.method = "POST";
    route.path = "/v1/" + std::string(store::signal_name(signal));
    route.max_body_bytes = k_receiver_body_limit;
    route.errors = answer;
    std::shared_ptr<server::StoreWriter> store = context.store;
    std::function<void(const std::string&)> log = context.log;
    route.handler = [signal, store, log](const server::Request& request, server::Response& response) {
        std::optional<Encoding> encoding = encoding_of(request);
        if (!encoding) {
            std::string given(request.header("Content-Type").value_or(""));
            answer(request, 415,
                   "Content-Type \"" + given + "\" is not accepted: send application/x-protobuf or application/json",
                   response);
            return;
        }
        Decoded decoded = decode_request(signal, *encoding, request.body);
        const telemetry::Attribute signal_attribute {"scopecraft.signal", store::signal_name(signal)};
        if (decoded.status != 200) {
            answer(request, decoded.status, decoded.message, response);
            return;
        }
        if (!decoded.line.empty()) {
            // One line, one append: stored whole or not at all (a full disk leaves no torn
            // line), and acknowledged only once the store has it.
            std::vector<store::SignalLine> lines(1);
            lines[0].signal = signal;
            lines[0].line = std::move(decoded.line);  // a 512-span line is ~200 KB: moved, not copied
            Status stored = store->append(lines);
            if (!stored.ok()) {
                if (log)
                    log("warning: " + std::string(store::signal_name(signal)) +
                        " not stored: " + stored.error().message);
                answer(request, 503,
                       "the store cannot take data now (" + stored.error().message +
                           "); nothing of this request was stored: send it again later",
                       response);
                return;
            }
        }
        const telemetry::Attribute accepted[] = {signal_attribute, {"scopecraft.outcome", "accepted"}};
        const telemetry::Attribute rejected[] = {signal_attribute, {"scopecraft.outcome", "rejected"}};
        if (decoded.accepted > 0)
            k_items_received.add(decoded.accepted, std::span<const telemetry::Attribute>(accepted));
        if (decoded.rejected > 0)
            k_items_received.add(decoded.rejected, std::span<const telemetry::Attribute>(rejected));
        response.status = 200;
        response.content_type = std::string(content_type(*encoding));
        response.body = std::move(decoded.response);
    };
    return route;
}

}  // namespace

void add_otlp_receiver_routes(server::Router& router, const server::ServeContext& context) {
    for (store::Signal signal : {store::Signal::traces, store::Signal::metrics, store::Signal::logs})
        router.add(receiver_route(signal, context));
}

}  // namespace sc::receiver
