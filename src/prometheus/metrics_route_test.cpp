// The /metrics route's handler, without a socket: the format the Accept header asks for, the
// store read on every scrape, and a store that cannot be read.

#include <gtest/gtest.h>

#include <fstream>

#include "prometheus/metrics_route.hpp"
#include "prometheus/otlp_test_lines.hpp"
#include "store/store.hpp"
#include "store/test_support.hpp"

namespace sc::prometheus {
namespace {

namespace t = testing;

std::string counter_line(double value) {
    return t::line(t::sc_resource(1), "s", "", {t::sum("ops", "", true, 1, {t::number_point(value, 1)})});
}

server::Response get(const server::Handler& handler, const std::string& accept) {
    server::Request request;
    request.method = "GET";
    request.path = "/metrics";
    if (!accept.empty())
        request.headers.emplace_back("accept", accept);
    server::Response response;
    handler(request, response);
    return response;
}

TEST(MetricsRoute, AnswersInTheAskedFormatAndFollowsTheStore) {
    store::testing::TempDir dir;
    auto store = store::Store::open(dir.path());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->append_signals(store::Signal::metrics, {counter_line(2)}).ok());
    server::Handler handler = metrics_handler(std::make_shared<StoreMetrics>(dir.path()), nullptr);

    server::Response text = get(handler, "");
    EXPECT_EQ(text.status, 200);
    EXPECT_EQ(text.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(text.body.find("\nops_total{job=\"scopecraft\",otel_scope_name=\"s\"} 2\n"), std::string::npos)
        << text.body;

    ASSERT_TRUE(store->append_signals(store::Signal::metrics, {counter_line(3)}).ok());
    server::Response openmetrics = get(handler, "application/openmetrics-text;version=1.0.0,*/*;q=0.1");
    EXPECT_EQ(openmetrics.status, 200);
    EXPECT_EQ(openmetrics.content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8");
    EXPECT_NE(openmetrics.body.find("\nops_total{job=\"scopecraft\",otel_scope_name=\"s\"} 5\n"), std::string::npos)
        << openmetrics.body;
}

TEST(MetricsRoute, AStoreThatCannotBeReadIsA500ThatSaysSoAndIsLogged) {
    store::testing::TempDir dir;
    // A file where the metrics folder should be: listing it fails, for root too.
    std::ofstream(dir.path("metrics")) << "not a folder\n";
    std::vector<std::string> logged;
    server::Handler handler = metrics_handler(std::make_shared<StoreMetrics>(dir.path()),
                                              [&](const std::string& line) { logged.push_back(line); });
    server::Response response = get(handler, "");
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(response.body.rfind("cannot read the telemetry store for /metrics: ", 0), 0U) << response.body;
    ASSERT_EQ(logged.size(), 1U);
    EXPECT_EQ(logged[0] + "\n", response.body);
}

}  // namespace
}  // namespace sc::prometheus
