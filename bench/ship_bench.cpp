// The shipper's throughput from the store to a local sink (docs/performance.md, "The shipper").
//
// A store under SC_BENCH_DIR (default /var/tmp) holds 20,000 trace lines as `sc` writes them
// (one OTLP JSON request per command, 8 spans each: 160,000 spans, about 40 MB). Each iteration
// ships all of it from a fresh cursor with the real shipper (ship::ship, libcurl, one keep-alive
// connection) to a sink on loopback that answers 200 to every POST (cpp-httplib). Measured:
// reading the store, batching, encoding (http/json or http/protobuf, optionally gzip), HTTP.

#include <filesystem>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>
#include <httplib.h>

#include "ship/shipper.hpp"
#include "store/store.hpp"

namespace {

constexpr int k_lines = 20000;
constexpr int k_spans_per_line = 8;

std::string hex(uint64_t value, int digits) {
    static const char* k_digits = "0123456789abcdef";
    std::string out(static_cast<size_t>(digits), '0');
    for (int i = digits - 1; i >= 0 && value != 0; --i, value >>= 4U)
        out[static_cast<size_t>(i)] = k_digits[value & 15U];
    return out;
}

// One line as the SDK writes it for a `sc task create`: resource, scope, 8 spans with ids,
// kinds, times and a few attributes.
std::string trace_line(int number) {
    std::string line =
        R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}},)"
        R"({"key":"telemetry.sdk.name","value":{"stringValue":"scopecraft"}},{"key":"process.pid","value":{"intValue":")" +
        std::to_string(10000 + number) +
        R"("}},{"key":"host.name","value":{"stringValue":"laptop-7"}}]},"scopeSpans":[{"scope":{"name":"scopecraft.cli","version":"0.1.0"},"spans":[)";
    std::string trace =
        hex(0x1234567890abcdefULL * static_cast<uint64_t>(number + 1), 16) + hex(static_cast<uint64_t>(number), 16);
    for (int i = 0; i < k_spans_per_line; ++i) {
        uint64_t start =
            1796580000000000000ULL + static_cast<uint64_t>(number) * 10000000ULL + static_cast<uint64_t>(i) * 1000ULL;
        if (i > 0)
            line += ',';
        line += R"({"traceId":")" + trace + R"(","spanId":")" +
                hex(static_cast<uint64_t>(number) * 16 + static_cast<uint64_t>(i) + 1, 16) + '"';
        if (i > 0)
            line += R"(,"parentSpanId":")" + hex(static_cast<uint64_t>(number) * 16 + 1, 16) + '"';
        line += R"(,"name":")" + std::string(i == 0 ? "sc task create" : "task.create") + R"(","kind":)" +
                (i == 0 ? "2" : "1") + R"(,"startTimeUnixNano":")" + std::to_string(start) +
                R"(","endTimeUnixNano":")" + std::to_string(start + 450000) +
                R"(","attributes":[{"key":"scopecraft.task.id","value":{"stringValue":"add-login-page-12A"}},)"
                R"({"key":"process.exit.code","value":{"intValue":"0"}}],"status":{}})";
    }
    line += "]}]}]}";
    return line;
}

class Fixture {
public:
    Fixture() {
        const char* base = std::getenv("SC_BENCH_DIR");
        m_root = std::string(base != nullptr ? base : "/var/tmp") + "/sc-ship-bench";
        std::filesystem::remove_all(m_root);
        auto store = sc::store::Store::open(m_root);
        if (!store.ok())
            return;
        std::vector<std::string> lines;
        for (int i = 0; i < k_lines; ++i) {
            lines.push_back(trace_line(i));
            m_bytes += lines.back().size() + 1;
        }
        if (!store->append_signals(sc::store::Signal::traces, lines).ok() || !store->flush().ok())
            return;
        m_sink.Post("/v1/traces", [](const httplib::Request&, httplib::Response& response) {
            response.set_content("{}", "application/json");
        });
        m_port = m_sink.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_sink.listen_after_bind(); });
        while (!m_sink.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds {1});
        m_ready = true;
    }
    ~Fixture() {
        m_sink.stop();
        if (m_thread.joinable())
            m_thread.join();
        std::filesystem::remove_all(m_root);
    }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;

    [[nodiscard]] bool ready() const { return m_ready; }
    [[nodiscard]] const std::string& root() const { return m_root; }
    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] uint64_t bytes() const { return m_bytes; }

private:
    std::string m_root;
    httplib::Server m_sink;
    int m_port = 0;
    std::thread m_thread;
    uint64_t m_bytes = 0;
    bool m_ready = false;
};

Fixture& fixture() {
    static Fixture k_fixture;
    return k_fixture;
}

class NoSleep final : public sc::ship::Sleeper {
public:
    bool sleep(std::chrono::milliseconds) override { return true; }
};

void ship_store(benchmark::State& state, sc::telemetry::sdk::OtlpProtocol protocol, bool gzip) {
    Fixture& store = fixture();
    if (!store.ready()) {
        state.SkipWithError("could not prepare the store or the sink");
        return;
    }
    sc::ship::CurlHttpClient client;
    sc::SystemClock clock;
    NoSleep sleeper;
    sc::ship::ShipSeams seams;
    seams.client = &client;
    seams.clock = &clock;
    seams.sleeper = &sleeper;
    sc::ship::ShipOptions options;
    options.store_root = store.root();
    options.signals = {sc::store::Signal::traces};
    options.targets[0].url = "http://127.0.0.1:" + std::to_string(store.port()) + "/v1/traces";
    options.targets[0].protocol = protocol;
    options.targets[0].gzip = gzip;
    uint64_t wire_bytes = 0;
    for (auto _ : state) {
        state.PauseTiming();
        std::filesystem::remove_all(store.root() + "/cursors");
        state.ResumeTiming();
        auto report = sc::ship::ship(options, seams);
        if (!report.ok() || report->failure || report->by_signal[1].lines != k_lines) {
            state.SkipWithError("the shipper did not ship every line");
            return;
        }
        wire_bytes = report->by_signal[1].bytes;
    }
    auto iterations = static_cast<double>(state.iterations());
    state.counters["lines/s"] = benchmark::Counter(k_lines * iterations, benchmark::Counter::kIsRate);
    state.counters["spans/s"] =
        benchmark::Counter(k_lines * k_spans_per_line * iterations, benchmark::Counter::kIsRate);
    state.counters["store_MB/s"] =
        benchmark::Counter(static_cast<double>(store.bytes()) * iterations / 1e6, benchmark::Counter::kIsRate);
    state.counters["wire_MB"] = static_cast<double>(wire_bytes) / 1e6;
}

void BM_ShipJson(benchmark::State& state) {
    ship_store(state, sc::telemetry::sdk::OtlpProtocol::http_json, false);
}
void BM_ShipProtobuf(benchmark::State& state) {
    ship_store(state, sc::telemetry::sdk::OtlpProtocol::http_protobuf, false);
}
void BM_ShipProtobufGzip(benchmark::State& state) {
    ship_store(state, sc::telemetry::sdk::OtlpProtocol::http_protobuf, true);
}
BENCHMARK(BM_ShipJson)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ShipProtobuf)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ShipProtobufGzip)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
