// The OTLP/HTTP receiver of `sc telemetry serve` end to end: real requests over real sockets,
// in both encodings, good and bad, and what the store and `sc traces|metrics|logs` show after.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <future>

#include "e2e/sandbox.hpp"
#include "e2e/server_process.hpp"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace sc::e2e {
namespace {

namespace trace_service = opentelemetry::proto::collector::trace::v1;
using Headers = std::vector<std::pair<std::string, std::string>>;

const Headers k_json = {{"Content-Type", "application/json"}};
const Headers k_protobuf = {{"Content-Type", "application/x-protobuf"}};

std::string now_nanos(int64_t offset_ms = 0) {
    auto now = std::chrono::system_clock::now() + std::chrono::milliseconds(offset_ms);
    return std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
}

// Hex ids from a small number: trace 16 bytes, span 8 bytes.
std::string trace_hex(int n) {
    char text[33];
    std::snprintf(text, sizeof text, "%032x", n + 0x1000);
    return text;
}
std::string span_hex(int n) {
    char text[17];
    std::snprintf(text, sizeof text, "%016x", n + 0x100);
    return text;
}
std::string bytes_of_hex(const std::string& hex) {
    std::string bytes;
    for (size_t i = 0; i < hex.size(); i += 2)
        bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

std::string spans_json(const std::string& service, const std::string& spans) {
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":")" + service +
           R"("}}]},"scopeSpans":[{"scope":{"name":"e2e"},"spans":[)" + spans + "]}]}]}";
}

std::string span_json(const std::string& trace, const std::string& span, const std::string& name,
                      const std::string& parent = "") {
    return R"({"traceId":")" + trace + R"(","spanId":")" + span + R"(",)" +
           (parent.empty() ? "" : R"("parentSpanId":")" + parent + R"(",)") + R"("name":")" + name +
           R"(","kind":2,"startTimeUnixNano":")" + now_nanos(-50) + R"(","endTimeUnixNano":")" + now_nanos() + R"("})";
}

trace_service::ExportTraceServiceRequest spans_protobuf(const std::string& service, int trace, int count,
                                                        const std::string& prefix) {
    trace_service::ExportTraceServiceRequest request;
    auto* resource = request.add_resource_spans();
    auto* attribute = resource->mutable_resource()->add_attributes();
    attribute->set_key("service.name");
    attribute->mutable_value()->set_string_value(service);
    auto* scope = resource->add_scope_spans();
    scope->mutable_scope()->set_name("e2e");
    for (int i = 0; i < count; ++i) {
        auto* span = scope->add_spans();
        span->set_trace_id(bytes_of_hex(trace_hex(trace)));
        span->set_span_id(bytes_of_hex(span_hex(i)));
        if (i > 0)
            span->set_parent_span_id(bytes_of_hex(span_hex(0)));
        span->set_name(prefix + std::to_string(i));
        span->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_INTERNAL);
        span->set_start_time_unix_nano(std::stoull(now_nanos(-100)));
        span->set_end_time_unix_nano(std::stoull(now_nanos()));
    }
    return request;
}

std::string gzip(const std::string& data) {
    z_stream stream {};
    deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&stream, data.size()) + 64, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

size_t count_of(const std::string& text, const std::string& needle) {
    size_t count = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size()))
        ++count;
    return count;
}

class Receiver : public ::testing::Test {
protected:
    void SetUp() override {
        if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
            GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF: no store readers to check";
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/telemetry");
        // Only what the server receives goes into the store: neither `sc` nor the server
        // records its own telemetry, unless a test turns it back on.
        m_sandbox.set_env("OTEL_SDK_DISABLED", "true");
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    }

    // Every stored line of a signal (the server's own telemetry is off in the fault tests, so
    // only what it received is there).
    std::string stored(const std::string& signal) const {
        return m_sandbox
            .run({"sh", "-c", "cat " + m_sandbox.root() + "/telemetry/" + signal + "/*/*.jsonl 2>/dev/null || true"})
            .out;
    }

    RunResult ok(const std::vector<std::string>& arguments) const {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        return result;
    }

    Sandbox m_sandbox;
};

TEST_F(Receiver, SpansSentAsProtobufAndAsJsonShowInTracesShow) {
    m_sandbox.unset_env("OTEL_SDK_DISABLED");  // the server's own spans are checked too
    ServerProcess server(m_sandbox, {});
    ASSERT_TRUE(server.started()) << server.err();
    std::string body = spans_protobuf("checkout", 1, 3, "proto-span-").SerializeAsString();
    HttpResponse protobuf = http_request(server.port(), "POST", "/v1/traces", body, k_protobuf);
    EXPECT_EQ(protobuf.status, 200);
    EXPECT_EQ(protobuf.headers["content-type"], "application/x-protobuf");
    trace_service::ExportTraceServiceResponse response;
    EXPECT_TRUE(response.ParseFromString(protobuf.body));
    EXPECT_FALSE(response.has_partial_success());

    std::string json = spans_json("cart", span_json(trace_hex(2), span_hex(1), "json-root") + "," +
                                              span_json(trace_hex(2), span_hex(2), "json-child", span_hex(1)));
    HttpResponse from_json = http_request(server.port(), "POST", "/v1/traces", json, k_json);
    EXPECT_EQ(from_json.status, 200);
    EXPECT_EQ(from_json.headers["content-type"], "application/json");
    EXPECT_EQ(from_json.body, "{}");
    EXPECT_EQ(server.stop(), 0) << server.err();

    RunResult first = ok({"traces", "show", trace_hex(1)});
    for (const char* name : {"proto-span-0", "proto-span-1", "proto-span-2", "(checkout)"})
        EXPECT_NE(first.out.find(name), std::string::npos) << name << "\n" << first.out;
    RunResult second = ok({"traces", "show", trace_hex(2)});
    for (const char* name : {"json-root", "json-child", "(cart)"})
        EXPECT_NE(second.out.find(name), std::string::npos) << name << "\n" << second.out;
    // The server's own span for each request is in the store too.
    EXPECT_NE(ok({"traces", "list"}).out.find("POST /v1/traces"), std::string::npos);
}

TEST_F(Receiver, MetricsKeepTheirTemporalityAndScMetricsAddsThemUp) {
    ServerProcess server(m_sandbox, {"--no-telemetry"}, {});
    ASSERT_TRUE(server.started()) << server.err();
    const std::string series_start = now_nanos(-60000);  // one cumulative series
    auto metrics = [&](int cumulative, int delta) {
        return R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},)"
               R"("scopeMetrics":[{"metrics":[{"name":"shop.orders","unit":"{order}","sum":{"dataPoints":[{"startTimeUnixNano":")" +
               series_start + R"(","timeUnixNano":")" + now_nanos() + R"(","asInt":")" + std::to_string(cumulative) +
               R"("}],"aggregationTemporality":2,"isMonotonic":true}},{"name":"shop.errors","sum":{"dataPoints":[{"timeUnixNano":")" +
               now_nanos() + R"(","asInt":)" + std::to_string(delta) +
               R"(}],"aggregationTemporality":1,"isMonotonic":true}}]}]}]})";
    };
    EXPECT_EQ(http_request(server.port(), "POST", "/v1/metrics", metrics(10, 3), k_json).status, 200);
    EXPECT_EQ(http_request(server.port(), "POST", "/v1/metrics", metrics(15, 4), k_json).status, 200);
    EXPECT_EQ(server.stop(), 0) << server.err();
    std::string lines = stored("metrics");
    EXPECT_EQ(count_of(lines, R"("aggregationTemporality":2)"), 2u) << lines;
    EXPECT_EQ(count_of(lines, R"("aggregationTemporality":1)"), 2u) << lines;
    RunResult shown = ok({"metrics", "--format", "json"});
    bool orders = false, errors = false;
    for (const auto& metric : shown.json()) {
        if (metric["name"] == "shop.orders")
            orders = metric["value"] == 15;  // cumulative: the latest point
        if (metric["name"] == "shop.errors")
            errors = metric["value"] == 7;  // delta: the sum of the points
    }
    EXPECT_TRUE(orders && errors) << shown.out;
}

TEST_F(Receiver, LogRecordsShowInScLogs) {
    ServerProcess server(m_sandbox, {"--no-telemetry"});
    ASSERT_TRUE(server.started()) << server.err();
    std::string logs =
        R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},)"
        R"("scopeLogs":[{"logRecords":[{"timeUnixNano":")" +
        now_nanos() + R"(","severityNumber":13,"severityText":"WARN","body":{"stringValue":"stock low"},"traceId":")" +
        trace_hex(5) + R"(","spanId":")" + span_hex(5) + R"("}]}]}]})";
    EXPECT_EQ(http_request(server.port(), "POST", "/v1/logs", gzip(logs),
                           {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}})
                  .status,
              200);
    EXPECT_EQ(server.stop(), 0) << server.err();
    RunResult shown = ok({"logs", "--format", "json"});
    ASSERT_EQ(shown.json().size(), 1u) << shown.out;
    EXPECT_EQ(shown.json()[0]["body"], "stock low");
    EXPECT_EQ(shown.json()[0]["severity"], "WARN");
    EXPECT_EQ(shown.json()[0]["trace_id"], trace_hex(5));
}

TEST_F(Receiver, ItemsWithIdsOfTheWrongLengthAreRejectedAsPartialSuccess) {
    ServerProcess server(m_sandbox, {"--no-telemetry"});
    ASSERT_TRUE(server.started()) << server.err();
    std::string json = spans_json("cart", span_json(trace_hex(3), span_hex(1), "kept") + "," +
                                              span_json(trace_hex(3), "abcdef", "short-span-id") + "," +
                                              span_json("0011", span_hex(2), "short-trace-id"));
    HttpResponse response = http_request(server.port(), "POST", "/v1/traces", json, k_json);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body,
              R"({"partialSuccess":{"rejectedSpans":"2","errorMessage":"2 spans rejected; the first: span 1 )"
              R"((\"short-span-id\"): spanId must be 8 bytes (16 hex digits), not 3"}})");
    EXPECT_EQ(server.stop(), 0) << server.err();
    std::string lines = stored("traces");
    EXPECT_EQ(count_of(lines, "\"kept\""), 1u);
    EXPECT_EQ(count_of(lines, "short-"), 0u);
}

TEST_F(Receiver, UndecodableBodiesAnswer400StoreNothingAndTheServerGoesOn) {
    ServerProcess server(m_sandbox, {"--no-telemetry"});
    ASSERT_TRUE(server.started()) << server.err();
    std::string good = spans_protobuf("svc", 4, 2, "good-").SerializeAsString();
    std::string nested = "{\"resourceSpans\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
    const std::vector<std::pair<std::string, Headers>> bad = {
        {"\xff\xff\xff\xff garbage", k_protobuf},
        {good.substr(0, good.size() - 7), k_protobuf},  // truncated
        {spans_json("svc", span_json(trace_hex(4), span_hex(1), "bad-cut")).substr(0, 80), k_json},
        {R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":["bad-typed"]}]}]}]})", k_json},
        {R"({"resourceSpans":"bad-typed"})", k_json},
        {nested, k_json},
        {spans_json("svc", span_json(trace_hex(4), span_hex(1), "bad-utf8-\xc3\x28")), k_json},
    };
    for (const auto& [body, headers] : bad) {
        HttpResponse response = http_request(server.port(), "POST", "/v1/traces", body, headers);
        EXPECT_EQ(response.status, 400) << body.substr(0, 60);
        EXPECT_EQ(response.headers["content-type"], headers[0].second);
        if (headers[0].second == "application/x-protobuf") {
            google::rpc::Status status;
            EXPECT_TRUE(status.ParseFromString(response.body));
            EXPECT_EQ(status.code(), 3);
        } else {
            auto status = nlohmann::json::parse(response.body, nullptr, false);
            ASSERT_TRUE(status.is_object()) << response.body;
            EXPECT_EQ(status["code"], 3);
            EXPECT_FALSE(status["message"].get<std::string>().empty());
        }
    }
    EXPECT_EQ(http_request(server.port(), "POST", "/v1/traces", good, k_protobuf).status, 200);
    EXPECT_EQ(server.stop(), 0) << server.err();
    std::string lines = stored("traces");
    EXPECT_EQ(count_of(lines, "\n"), 1u) << "only the good request was stored:\n" << lines;
    EXPECT_EQ(count_of(lines, "bad-"), 0u);
    EXPECT_EQ(ok({"telemetry", "check"}).exit_code, 0);
}

TEST_F(Receiver, OtherContentTypesAnswer415AndOtherMethods405) {
    ServerProcess server(m_sandbox, {"--no-telemetry"});
    ASSERT_TRUE(server.started()) << server.err();
    HttpResponse text = http_request(server.port(), "POST", "/v1/metrics", "{}", {{"Content-Type", "text/plain"}});
    EXPECT_EQ(text.status, 415);
    google::rpc::Status status;
    ASSERT_TRUE(status.ParseFromString(text.body));
    EXPECT_EQ(status.message(),
              "Content-Type \"text/plain\" is not accepted: send application/x-protobuf or application/json");
    EXPECT_EQ(http_request(server.port(), "POST", "/v1/logs", "{}", {}).status, 415) << "no Content-Type at all";
    EXPECT_EQ(http_request(server.port(), "POST", "/v1/logs", "{}",
                           {{"Content-Type", "application/json"}, {"Content-Encoding", "br2"}})
                  .status,
              415);
    HttpResponse get = http_request(server.port(), "GET", "/v1/traces", "", k_json);
    EXPECT_EQ(get.status, 405);
    EXPECT_EQ(get.headers["allow"], "POST");
    EXPECT_EQ(get.body, R"x({"code":12,"message":"GET is not allowed on /v1/traces (allowed: POST)"})x");
    EXPECT_EQ(http_request(server.port(), "PUT", "/v1/logs", "{}", k_json).status, 405);
    EXPECT_EQ(server.stop(), 0) << server.err();
    EXPECT_EQ(stored("traces") + stored("metrics") + stored("logs"), "");
}

TEST_F(Receiver, BodiesOverTheLimitAnswer413GzipBombsIncluded) {
    ServerProcess server(m_sandbox, {"--no-telemetry"});
    ASSERT_TRUE(server.started()) << server.err();
    const size_t over = (16u << 20) + 4096;
    // A declared length over the limit.
    HttpResponse declared = http_request(server.port(), "POST", "/v1/traces", std::string(over, 'x'), k_json);
    EXPECT_EQ(declared.status, 413);
    // A chunked body, which declares nothing.
    std::string chunk(1 << 20, ' ');
    std::string chunked =
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    for (int i = 0; i < 17; ++i)
        chunked += size_line + chunk + "\r\n";
    chunked += "0\r\n\r\n";
    EXPECT_EQ(http_exchange(server.port(), chunked).status, 413);
    // 64 MiB of zeros: 64 KiB of gzip, refused once 16 MiB have been inflated.
    std::string bomb = gzip(std::string(64u << 20, '\0'));
    ASSERT_LT(bomb.size(), 200u << 10);
    auto started = std::chrono::steady_clock::now();
    HttpResponse inflated = http_request(server.port(), "POST", "/v1/traces", bomb,
                                         {{"Content-Type", "application/x-protobuf"}, {"Content-Encoding", "gzip"}});
    EXPECT_EQ(inflated.status, 413);
    google::rpc::Status status;
    ASSERT_TRUE(status.ParseFromString(inflated.body));
    EXPECT_EQ(status.message(),
              "the request body is larger than the limit of 16777216 bytes (counted after inflating gzip)");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    // And the next request is served.
    EXPECT_EQ(http_request(server.port(), "POST", "/v1/traces",
                           gzip(spans_protobuf("svc", 6, 1, "after-").SerializeAsString()),
                           {{"Content-Type", "application/x-protobuf"}, {"Content-Encoding", "gzip"}})
                  .status,
              200);
    EXPECT_EQ(server.stop(), 0) << server.err();
    EXPECT_EQ(count_of(stored("traces"), "\n"), 1u);
}

TEST_F(Receiver, AttributeValuesNestedTooDeeplyAreRejectedItemByItem) {
    ServerProcess server(m_sandbox, {"--no-telemetry"});
    ASSERT_TRUE(server.started()) << server.err();
    auto request = spans_protobuf("svc", 7, 2, "nest-");
    auto* value = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->add_attributes();
    value->set_key("deep");
    auto* any = value->mutable_value();
    for (int i = 0; i < 40; ++i)
        any = any->mutable_array_value()->add_values();
    any->set_string_value("bottom");
    HttpResponse response = http_request(server.port(), "POST", "/v1/traces", request.SerializeAsString(), k_protobuf);
    EXPECT_EQ(response.status, 200);
    trace_service::ExportTraceServiceResponse answer;
    ASSERT_TRUE(answer.ParseFromString(response.body));
    EXPECT_EQ(answer.partial_success().rejected_spans(), 1);
    EXPECT_EQ(server.stop(), 0) << server.err();
    std::string lines = stored("traces");
    EXPECT_EQ(count_of(lines, "nest-0"), 1u);
    EXPECT_EQ(count_of(lines, "nest-1"), 0u);
}

TEST_F(Receiver, ASlowClientTimesOutWithoutHoldingUpOthers) {
    ServerProcess server(m_sandbox, {"--no-telemetry"});
    ASSERT_TRUE(server.started()) << server.err();
    std::string body = spans_json("svc", span_json(trace_hex(8), span_hex(1), "slow-span"));
    auto slow = std::async(std::launch::async, [&] {
        // Headers and half the body, then nothing more.
        std::string start =
            "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2);
        return http_exchange(server.port(), start, std::chrono::seconds(30));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(
            http_request(server.port(), "POST", "/v1/traces",
                         spans_json("svc", span_json(trace_hex(9), span_hex(i), "quick-" + std::to_string(i))), k_json)
                .status,
            200);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2)) << "others are not held up";
    HttpResponse timed_out = slow.get();
    EXPECT_EQ(timed_out.status, 408);
    EXPECT_EQ(timed_out.body, R"({"code":4,"message":"the request body did not arrive in time"})");
    EXPECT_EQ(server.stop(), 0) << server.err();
    std::string lines = stored("traces");
    EXPECT_EQ(count_of(lines, "quick-"), 5u);
    EXPECT_EQ(count_of(lines, "slow-span"), 0u);
}

TEST_F(Receiver, AClientThatHangsUpHalfWayThroughItsBodyLeavesNothingStored) {
    ServerProcess server(m_sandbox, {"--no-telemetry"});
    ASSERT_TRUE(server.started()) << server.err();
    std::string body = spans_protobuf("svc", 10, 5, "cut-").SerializeAsString();
    int fd = connect_local(server.port());
    ASSERT_GE(fd, 0);
    std::string start =
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2);
    ASSERT_EQ(::send(fd, start.data(), start.size(), MSG_NOSIGNAL), static_cast<ssize_t>(start.size()));
    ::shutdown(fd, SHUT_WR);  // the client gives up half way
    std::string received;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::recv(fd, buffer, sizeof buffer, 0)) > 0)
        received.append(buffer, static_cast<size_t>(got));
    ::close(fd);
    // cpp-httplib writes nothing to a connection whose client has closed its side, so the 400
    // is only in the server's log.
    EXPECT_EQ(received, "");
    EXPECT_EQ(http_request(server.port(), "GET", "/health").status, 200);
    EXPECT_EQ(server.stop(), 0) << server.err();
    EXPECT_NE(server.err().find("POST /v1/traces 400 Bad Request"), std::string::npos) << server.err();
    EXPECT_EQ(stored("traces"), "");
}

TEST_F(Receiver, AFullDiskAnswers503WithRetryAfterAndAcknowledgesOnlyWhatWasStored) {
    // Files may grow to 1 MiB (ulimit -f counts KiB): the segment fills up after a few requests.
    ServerProcess server(m_sandbox, {"--no-telemetry"}, {}, "ulimit -f 1024");
    ASSERT_TRUE(server.started()) << server.err();
    std::vector<int> acknowledged;
    int refused = -1;
    for (int request = 0; request < 40 && refused < 0; ++request) {
        std::string body =
            spans_protobuf("svc", 100 + request, 300, "disk-" + std::to_string(request) + "-").SerializeAsString();
        HttpResponse response = http_request(server.port(), "POST", "/v1/traces", body, k_protobuf);
        if (response.status == 200) {
            acknowledged.push_back(request);
            continue;
        }
        EXPECT_EQ(response.status, 503);
        EXPECT_EQ(response.headers["retry-after"], "5");
        google::rpc::Status status;
        ASSERT_TRUE(status.ParseFromString(response.body));
        EXPECT_EQ(status.code(), 14);
        EXPECT_NE(status.message().find("nothing of this request was stored: send it again later"), std::string::npos)
            << status.message();
        refused = request;
    }
    ASSERT_GE(refused, 1) << "the limit should have been reached after some requests were stored";
    EXPECT_EQ(http_request(server.port(), "GET", "/health").status, 200) << "the server still answers";
    EXPECT_EQ(server.stop(), 0) << server.err();
    EXPECT_NE(server.err().find("warning: traces not stored"), std::string::npos) << server.err();
    std::string lines = stored("traces");
    for (int request : acknowledged)
        EXPECT_EQ(count_of(lines, "\"disk-" + std::to_string(request) + "-"), 300u) << "request " << request;
    EXPECT_EQ(count_of(lines, "\"disk-" + std::to_string(refused) + "-"), 0u);
    EXPECT_EQ(ok({"telemetry", "check"}).exit_code, 0) << "no torn line";
}

}  // namespace
}  // namespace sc::e2e
