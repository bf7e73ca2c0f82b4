// The shipper's loop against a real HTTP server on loopback (cpp-httplib), with the clock and
// the sleeper injected: cursors, batching, retries, refusals and partial success.

#include "ship/shipper.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "store/follower.hpp"
#include "store/store.hpp"
#include "store/test_support.hpp"
#include "util/files.hpp"

namespace sc::ship {
namespace {

using std::chrono::milliseconds;

struct Received {
    std::string path;
    std::string body;
};

/// A local OTLP/HTTP endpoint whose answers the test scripts: `answer(request_number)`.
class Backend {
public:
    using Answer = std::function<void(size_t number, httplib::Response&)>;
    explicit Backend(Answer answer = {}) : m_answer(std::move(answer)) {
        for (const char* path : {"/v1/traces", "/v1/metrics", "/v1/logs"}) {
            m_server.Post(path, [this](const httplib::Request& request, httplib::Response& response) {
                size_t number = 0;
                {
                    std::lock_guard lock(m_mutex);
                    m_received.push_back({request.path, request.body});
                    number = m_received.size();
                }
                response.status = 200;
                response.set_content("{}", "application/json");
                if (m_answer)
                    m_answer(number, response);
            });
        }
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        // stop() before the accept loop runs would be lost, and the join would wait forever.
        while (!m_server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds {1});
    }
    ~Backend() {
        m_server.stop();
        m_thread.join();
    }
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    [[nodiscard]] std::string url(const char* path) const {
        return "http://127.0.0.1:" + std::to_string(m_port) + path;
    }
    std::vector<Received> received() {
        std::lock_guard lock(m_mutex);
        return m_received;
    }

private:
    httplib::Server m_server;
    Answer m_answer;
    int m_port = 0;
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<Received> m_received;
};

/// Records each wait and moves the clock on by it instead of sleeping.
class RecordingSleeper final : public Sleeper {
public:
    explicit RecordingSleeper(FixedClock& clock) : m_clock(clock) {}
    bool sleep(milliseconds duration) override {
        delays.push_back(duration);
        m_clock.advance(duration);
        return true;
    }
    std::vector<milliseconds> delays;

private:
    FixedClock& m_clock;
};

std::string span_line(int number) {
    return R"({"resourceSpans":[{"resource":{},"scopeSpans":[{"spans":[{"name":"s)" + std::to_string(number) +
           R"("}]}]}]})";
}

class ShipperTest : public ::testing::Test {
protected:
    void append_spans(int from, int count) {
        auto opened = store::Store::open(m_dir.path());
        ASSERT_TRUE(opened.ok());
        std::vector<std::string> lines;
        for (int i = from; i < from + count; ++i)
            lines.push_back(span_line(i));
        ASSERT_TRUE(opened->append_signals(store::Signal::traces, lines).ok());
        ASSERT_TRUE(opened->flush().ok());
    }

    ShipOptions options(const Backend& backend) {
        ShipOptions options;
        options.store_root = m_dir.path();
        options.signals = {store::Signal::traces};
        options.targets[0].url = backend.url("/v1/traces");
        options.targets[0].protocol = telemetry::sdk::OtlpProtocol::http_json;
        options.targets[0].timeout = milliseconds {5000};
        return options;
    }

    Result<ShipReport> run(const ShipOptions& options) {
        CurlHttpClient client;
        ShipSeams seams;
        seams.client = &client;
        seams.clock = &m_clock;
        seams.sleeper = &m_sleeper;
        seams.random01 = [] { return 0.0; };
        seams.log = [this](const std::string& line) { m_log.push_back(line); };
        return ship(options, seams);
    }

    static std::vector<std::string> span_names(const std::vector<Received>& received) {
        std::vector<std::string> names;
        for (const Received& request : received) {
            nlohmann::json parsed = nlohmann::json::parse(request.body);
            for (const auto& resource : parsed["resourceSpans"])
                for (const auto& scope : resource["scopeSpans"])
                    for (const auto& span : scope["spans"])
                        names.push_back(span["name"]);
        }
        return names;
    }

    store::testing::TempDir m_dir;
    FixedClock m_clock {1'796'580'000'000'000'000LL};
    RecordingSleeper m_sleeper {m_clock};
    std::vector<std::string> m_log;
};

TEST_F(ShipperTest, ShipsEverythingOnceAndResumesFromTheCursor) {
    Backend backend;
    append_spans(0, 3);
    Result<ShipReport> first = run(options(backend));
    ASSERT_TRUE(first.ok()) << first.error().describe();
    EXPECT_EQ(first->by_signal[1].lines, 3u);
    EXPECT_EQ(span_names(backend.received()), (std::vector<std::string> {"s0", "s1", "s2"}));

    append_spans(3, 2);
    ASSERT_TRUE(run(options(backend)).ok());
    EXPECT_EQ(span_names(backend.received()), (std::vector<std::string> {"s0", "s1", "s2", "s3", "s4"}));
    auto cursor = store::load_cursor(store::Layout(m_dir.path()), "otlp.traces");
    ASSERT_TRUE(cursor.ok() && cursor->has_value());
    EXPECT_GT((*cursor)->offset, 0u);
}

TEST_F(ShipperTest, BatchesHoldAtMostTheGivenNumberOfLines) {
    Backend backend;
    append_spans(0, 5);
    ShipOptions limited = options(backend);
    limited.max_batch_lines = 2;
    Result<ShipReport> report = run(limited);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(backend.received().size(), 3u);
    EXPECT_EQ(report->by_signal[1].batches, 3u);
    EXPECT_EQ(span_names(backend.received()).size(), 5u);
}

TEST_F(ShipperTest, A503WithRetryAfterIsRetriedAfterTheDelayItAsks) {
    Backend backend([](size_t number, httplib::Response& response) {
        if (number <= 2) {
            response.status = 503;
            response.set_header("Retry-After", "7");
        }
    });
    append_spans(0, 1);
    Result<ShipReport> report = run(options(backend));
    ASSERT_TRUE(report.ok());
    EXPECT_FALSE(report->failure);
    EXPECT_EQ(m_sleeper.delays, (std::vector<milliseconds> {milliseconds {7000}, milliseconds {7000}}));
    EXPECT_EQ(report->by_signal[1].retries, 2u);
    EXPECT_EQ(report->by_signal[1].lines, 1u);
}

TEST_F(ShipperTest, WithoutRetryAfterTheBackoffGrowsUntilTheRunGivesUpKeepingTheCursor) {
    Backend backend([](size_t, httplib::Response& response) { response.status = 502; });
    append_spans(0, 1);
    ShipOptions patient = options(backend);
    patient.give_up_after = milliseconds {20000};
    Result<ShipReport> report = run(patient);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->failure);
    EXPECT_EQ(report->failure->message,
              "the backend at " + backend.url("/v1/traces") + " kept failing for 15.0s: 502 Bad Gateway");
    EXPECT_EQ(m_sleeper.delays, (std::vector<milliseconds> {milliseconds {1000}, milliseconds {2000},
                                                            milliseconds {4000}, milliseconds {8000}}));
    auto cursor = store::load_cursor(store::Layout(m_dir.path()), "otlp.traces");
    ASSERT_TRUE(cursor.ok());
    EXPECT_FALSE(cursor->has_value()) << "the cursor moved past a batch that was never acknowledged";
}

TEST_F(ShipperTest, A400RefusesTheBatchOnceAndIsRecorded) {
    Backend backend([](size_t, httplib::Response& response) {
        response.status = 400;
        response.set_content(R"({"code":3,"message":"bad span"})", "application/json");
    });
    append_spans(0, 2);
    Result<ShipReport> report = run(options(backend));
    ASSERT_TRUE(report.ok());
    EXPECT_FALSE(report->failure);
    EXPECT_EQ(backend.received().size(), 1u);
    EXPECT_TRUE(m_sleeper.delays.empty());
    EXPECT_EQ(report->by_signal[1].rejected_batches, 1u);
    EXPECT_EQ(report->by_signal[1].rejected_lines, 2u);
    auto recorded = files::read(report->problems_file);
    ASSERT_TRUE(recorded.ok());
    nlohmann::json line = nlohmann::json::parse(*recorded);
    EXPECT_EQ(line["kind"], "rejected");
    EXPECT_EQ(line["status"], 400);
    EXPECT_EQ(line["message"], "bad span");
    EXPECT_EQ(line["lines"], 2);
}

TEST_F(ShipperTest, PartialSuccessIsCountedAndRecorded) {
    Backend backend([](size_t, httplib::Response& response) {
        response.set_content(R"({"partialSuccess":{"rejectedSpans":"2","errorMessage":"too old"}})",
                             "application/json");
    });
    append_spans(0, 3);
    Result<ShipReport> report = run(options(backend));
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->by_signal[1].lines, 3u);
    EXPECT_EQ(report->by_signal[1].partial_rejected, 2u);
    ASSERT_EQ(m_log.size(), 1u);
    EXPECT_EQ(m_log[0], "partial success for the traces batch of 3 lines to " + backend.url("/v1/traces") +
                            ": 2 items rejected: too old");
    auto recorded = files::read(report->problems_file);
    ASSERT_TRUE(recorded.ok());
    EXPECT_EQ(nlohmann::json::parse(*recorded)["kind"], "partial_success");
}

TEST_F(ShipperTest, AConnectionFailureIsRetried) {
    int port = 0;
    {
        Backend gone;  // a port that was just free: nothing listens there any more
        port = std::stoi(gone.url("").substr(std::string("http://127.0.0.1:").size()));
    }
    append_spans(0, 1);
    ShipOptions options;
    options.store_root = m_dir.path();
    options.signals = {store::Signal::traces};
    options.targets[0].url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces";
    options.targets[0].protocol = telemetry::sdk::OtlpProtocol::http_json;
    options.give_up_after = milliseconds {2500};
    Result<ShipReport> report = run(options);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->failure);
    EXPECT_NE(report->failure->message.find("no answer"), std::string::npos) << report->failure->message;
    EXPECT_EQ(m_sleeper.delays, (std::vector<milliseconds> {milliseconds {1000}}));
}

}  // namespace
}  // namespace sc::ship
