// `/metrics` scrape time on a store of 1,000,000 metric points (issue 15: under 100 ms): the
// first scrape after a start (reads the whole store once), a steady-state scrape (nothing new),
// and a scrape after one more command's line. The store is built once under SC_BENCH_DIR
// (default /var/tmp) and kept for the repetitions: for 1,000,000 points, 50,000 lines of 20 points each (8 counter,
// 8 histogram of 13 buckets, 4 gauge points over 16 operations x 2 outcomes), sc's resource, one
// line per simulated process. Every benchmark checks the scrape's totals.

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "prometheus/store_metrics.hpp"
#include "store/store.hpp"

namespace {

using Json = nlohmann::json;
constexpr int k_points_per_line = 20;
constexpr int64_t k_t0 = 1796580000000000000;

Json attribute(const std::string& key, const std::string& value) {
    return {{"key", key}, {"value", {{"stringValue", value}}}};
}

Json point_attributes(int series) {
    return Json::array({attribute("scopecraft.operation", "op." + std::to_string(series % 16)),
                        attribute("scopecraft.outcome", series % 2 == 0 ? "ok" : "error")});
}

// One line as one process of `sc` (or a periodic exporter) would write it: delta temporality.
std::string metric_line(int line) {
    int64_t time = k_t0 + int64_t(line) * 1'000'000;
    Json counters = Json::array();
    Json histograms = Json::array();
    Json gauges = Json::array();
    for (int i = 0; i < 8; ++i) {
        int series = (line * 8 + i) % 32;
        counters.push_back({{"attributes", point_attributes(series)},
                            {"startTimeUnixNano", std::to_string(time - 1000)},
                            {"timeUnixNano", std::to_string(time)},
                            {"asInt", "1"}});
        Json buckets = Json::array();
        for (int b = 0; b < 13; ++b)
            buckets.push_back(b == (line + i) % 13 ? "1" : "0");
        histograms.push_back(
            {{"attributes", point_attributes(series)},
             {"startTimeUnixNano", std::to_string(time - 1000)},
             {"timeUnixNano", std::to_string(time)},
             {"count", "1"},
             {"sum", 0.002},
             {"bucketCounts", buckets},
             {"explicitBounds", {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}},
             {"min", 0.002},
             {"max", 0.002}});
    }
    for (int i = 0; i < 4; ++i)
        gauges.push_back({{"attributes", Json::array({attribute("scopecraft.task.status", "s" + std::to_string(i))})},
                          {"timeUnixNano", std::to_string(time)},
                          {"asInt", std::to_string(line % 100)}});
    Json resource = Json::array({attribute("telemetry.sdk.name", "scopecraft"),
                                 attribute("service.name", "scopecraft"),
                                 attribute("service.version", "0.1.0"),
                                 attribute("host.name", "vm"),
                                 {{"key", "process.pid"}, {"value", {{"intValue", std::to_string(1000 + line)}}}}});
    Json metrics =
        Json::array({{{"name", "scopecraft.operations"},
                      {"description", "Task operations, by operation and outcome"},
                      {"unit", "{operation}"},
                      {"sum", {{"dataPoints", counters}, {"aggregationTemporality", 1}, {"isMonotonic", true}}}},
                     {{"name", "scopecraft.operation.duration"},
                      {"description", "How long task operations take"},
                      {"unit", "s"},
                      {"histogram", {{"dataPoints", histograms}, {"aggregationTemporality", 1}}}},
                     {{"name", "scopecraft.tasks"},
                      {"description", "Tasks in the tree by status"},
                      {"unit", "{task}"},
                      {"gauge", {{"dataPoints", gauges}}}}});
    Json request = {
        {"resourceMetrics",
         Json::array(
             {{{"resource", {{"attributes", resource}}},
               {"scopeMetrics", Json::array({{{"scope", {{"name", "scopecraft.tasks"}}}, {"metrics", metrics}}})}}})}};
    return request.dump();
}

// A store of `points` points, built on first use and removed at exit.
class BenchStore {
public:
    static const BenchStore& get(int64_t points) {
        static std::map<int64_t, std::unique_ptr<BenchStore>> stores;
        auto& store = stores[points];
        if (!store)
            store.reset(new BenchStore(static_cast<int>(points / k_points_per_line)));
        return *store;
    }
    [[nodiscard]] int lines() const { return m_lines; }
    [[nodiscard]] uint64_t bytes() const { return m_bytes; }
    [[nodiscard]] uint64_t points() const { return uint64_t(m_lines) * k_points_per_line; }
    [[nodiscard]] const std::string& root() const { return m_root; }
    [[nodiscard]] const std::string& error() const { return m_error; }
    ~BenchStore() { std::filesystem::remove_all(std::filesystem::path(m_root).parent_path()); }

private:
    explicit BenchStore(int lines) : m_lines(lines) {
        const char* base = std::getenv("SC_BENCH_DIR");
        std::string pattern = std::string(base != nullptr ? base : "/var/tmp") + "/sc-prometheus-bench-XXXXXX";
        m_root = ::mkdtemp(pattern.data()) != nullptr ? pattern + "/store" : "";
        auto store = sc::store::Store::open(m_root);
        if (!store.ok()) {
            m_error = store.error().describe();
            return;
        }
        std::vector<std::string> batch;
        for (int line = 0; line < lines; ++line) {
            batch.push_back(metric_line(line));
            m_bytes += batch.back().size() + 1;
            if (batch.size() == 1000 || line + 1 == lines) {
                if (auto appended = store->append_signals(sc::store::Signal::metrics, batch); !appended.ok()) {
                    m_error = appended.error().describe();
                    return;
                }
                batch.clear();
            }
        }
    }
    int m_lines = 0;
    uint64_t m_bytes = 0;
    std::string m_root;
    std::string m_error;
};

const std::string k_total_line =
    "\nscopecraft_operations_total{job=\"scopecraft\",otel_scope_name=\"scopecraft.tasks\","
    "scopecraft_operation=\"op.0\",scopecraft_outcome=\"ok\"} ";

bool check(benchmark::State& state, sc::prometheus::StoreMetrics& metrics, uint64_t expected_points) {
    auto answer = metrics.scrape("application/openmetrics-text;version=1.0.0");
    if (!answer.ok()) {
        state.SkipWithError(answer.error().describe().c_str());
        return false;
    }
    if (metrics.stats().points != expected_points || answer->body.find(k_total_line) == std::string::npos) {
        state.SkipWithError("the scrape does not hold every point");
        return false;
    }
    return true;
}

void BM_PrometheusFirstScrape(benchmark::State& state) {
    const BenchStore& store = BenchStore::get(state.range(0));
    if (!store.error().empty()) {
        state.SkipWithError(store.error().c_str());
        return;
    }
    for (auto _ : state) {
        sc::prometheus::StoreMetrics metrics(store.root());
        if (!check(state, metrics, store.points()))
            return;
    }
    state.counters["points"] = double(store.points());
    state.counters["store_MB"] = double(store.bytes()) / 1e6;
}
BENCHMARK(BM_PrometheusFirstScrape)->Unit(benchmark::kMillisecond)->Iterations(1)->Arg(1000)->Arg(1000000);

void BM_PrometheusSteadyScrape(benchmark::State& state) {
    const BenchStore& store = BenchStore::get(state.range(0));
    if (!store.error().empty()) {
        state.SkipWithError(store.error().c_str());
        return;
    }
    sc::prometheus::StoreMetrics metrics(store.root());
    if (!metrics.refresh().ok()) {
        state.SkipWithError("first read failed");
        return;
    }
    for (auto _ : state)
        if (!check(state, metrics, store.points()))
            return;
}
BENCHMARK(BM_PrometheusSteadyScrape)->Unit(benchmark::kMillisecond)->Arg(1000)->Arg(1000000);

// Steady state with work to do: one command's line (20 points) appended before each scrape.
void BM_PrometheusScrapeAfterOneNewLine(benchmark::State& state) {
    const BenchStore& store = BenchStore::get(state.range(0));
    if (!store.error().empty()) {
        state.SkipWithError(store.error().c_str());
        return;
    }
    sc::prometheus::StoreMetrics metrics(store.root());
    if (!metrics.refresh().ok()) {
        state.SkipWithError("first read failed");
        return;
    }
    auto writer = sc::store::Store::open(store.root());
    if (!writer.ok()) {
        state.SkipWithError(writer.error().describe().c_str());
        return;
    }
    uint64_t expected = metrics.stats().points;
    int line = store.lines();
    for (auto _ : state) {
        state.PauseTiming();
        auto appended = writer->append_signals(sc::store::Signal::metrics, {metric_line(line++)});
        expected += k_points_per_line;
        state.ResumeTiming();
        if (!appended.ok() || !check(state, metrics, expected)) {
            state.SkipWithError("append or scrape failed");
            return;
        }
    }
}
BENCHMARK(BM_PrometheusScrapeAfterOneNewLine)->Unit(benchmark::kMillisecond)->Arg(1000)->Arg(1000000);

}  // namespace

BENCHMARK_MAIN();
