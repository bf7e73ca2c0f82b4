#include "prometheus/metrics_route.hpp"

namespace sc::prometheus {

server::Handler metrics_handler(std::shared_ptr<StoreMetrics> metrics, std::function<void(const std::string&)> log) {
    return [metrics = std::move(metrics), log = std::move(log)](const server::Request& request,
                                                                server::Response& response) {
        Result<ScrapeAnswer> answer = metrics->scrape(request.header("Accept").value_or(""));
        if (!answer.ok()) {
            std::string message = "cannot read the telemetry store for /metrics: " + answer.error().describe();
            if (log)
                log(message);
            response.status = 500;
            response.content_type = "text/plain; charset=utf-8";
            response.body = message + "\n";
            return;
        }
        response.content_type = std::move(answer->content_type);
        response.body = std::move(answer->body);
    };
}

void add_prometheus_routes(server::Router& router, const server::ServeContext& context) {
    server::Route route;
    route.method = "GET";
    route.path = "/metrics";
    route.max_body_bytes = 0;
    route.handler = metrics_handler(std::make_shared<StoreMetrics>(context.store_root), context.log);
    router.add(std::move(route));
}

}  // namespace sc::prometheus
