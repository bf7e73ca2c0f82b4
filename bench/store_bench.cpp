// Store benchmarks against the budgets of design §9 and the floors of notes/limits.md:
// batched append (> 1 M events/s), one append as a fresh CLI process does it, filtered scan
// (> 1 M events/s per core), stream read via the index against store size (flat), and the
// cost of each durability mode.

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "store/reader.hpp"
#include "store/store.hpp"

namespace {

using sc::store::NewEvent;
using sc::store::Store;

std::string bench_base() {
    const char* base = std::getenv("SC_BENCH_DIR");
    return base != nullptr ? base : "/var/tmp";
}

// A fresh store folder, removed at the end of the benchmark.
class BenchDir {
public:
    BenchDir() {
        std::string pattern = bench_base() + "/sc-store-bench-XXXXXX";
        m_path = ::mkdtemp(pattern.data()) != nullptr ? pattern : bench_base() + "/sc-store-bench";
    }
    ~BenchDir() { std::filesystem::remove_all(m_path); }
    BenchDir(const BenchDir&) = delete;
    BenchDir& operator=(const BenchDir&) = delete;
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

// About 330 bytes once enveloped, like the events limits.md measured.
NewEvent sample_event(int i, int streams = 100) {
    NewEvent event;
    event.stream = "task:bench-" + std::to_string(i % streams);
    event.type = "TaskUpdated" + std::to_string(i % 10);
    event.data_json = R"({"field":"status","old":"todo","new":"in_progress","path":"current/feature/bench.task.md"})";
    event.meta.trace_id = "5b8efff798038103d269b633813fc60c";
    event.meta.span_id = "eee19b7ec3c1b174";
    event.meta.actor = "user:bench";
    return event;
}

void BM_AppendBatched(benchmark::State& state) {
    BenchDir dir;
    auto store = Store::open(dir.path());
    const int batch_size = static_cast<int>(state.range(0));
    std::vector<NewEvent> batch;
    for (int i = 0; i < batch_size; ++i)
        batch.push_back(sample_event(i));
    for (auto _ : state) {
        // The caller builds its events; the store's part starts when it is handed them.
        state.PauseTiming();
        std::vector<NewEvent> handed = batch;
        state.ResumeTiming();
        auto appended = store->append(std::move(handed));
        if (!appended.ok())
            state.SkipWithError(appended.error().describe().c_str());
    }
    state.SetItemsProcessed(state.iterations() * batch_size);
}
BENCHMARK(BM_AppendBatched)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

// What one CLI command does: open the store, lock, write one event, close.
void BM_AppendOneFromFreshStore(benchmark::State& state) {
    BenchDir dir;
    NewEvent event = sample_event(1);
    { (void)Store::open(dir.path())->append(event); }  // the store exists, as after the first command
    for (auto _ : state) {
        auto store = Store::open(dir.path());
        auto appended = store->append(event);
        if (!appended.ok())
            state.SkipWithError(appended.error().describe().c_str());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendOneFromFreshStore)->Unit(benchmark::kMicrosecond);

void fill(const std::string& root, int events, int streams) {
    auto store = Store::open(root);
    std::vector<NewEvent> batch;
    for (int i = 0; i < events; ++i) {
        batch.push_back(sample_event(i, streams));
        if (batch.size() == 1000 || i + 1 == events) {
            (void)store->append(batch);
            batch.clear();
        }
    }
}

void BM_ScanFilteredByType(benchmark::State& state) {
    BenchDir dir;
    const int events = static_cast<int>(state.range(0));
    fill(dir.path(), events, 100);
    sc::store::Reader reader(dir.path());
    sc::store::EventQuery query;
    query.types = {"TaskUpdated3"};
    uint64_t matched = 0;
    for (auto _ : state) {
        auto stats = reader.read_events(query, [&](const sc::store::EventView&) { return ++matched, true; });
        if (!stats.ok() || stats->lines_read != static_cast<uint64_t>(events))
            state.SkipWithError("scan did not read every line");
    }
    state.SetItemsProcessed(state.iterations() * events);
    benchmark::DoNotOptimize(matched);
}
BENCHMARK(BM_ScanFilteredByType)->Arg(200'000)->Unit(benchmark::kMillisecond);

void BM_ScanFilteredByTime(benchmark::State& state) {
    BenchDir dir;
    const int events = static_cast<int>(state.range(0));
    fill(dir.path(), events, 100);
    sc::store::Reader reader(dir.path());
    sc::store::EventQuery query;
    query.from_time = 0;
    query.until_time = INT64_MAX;
    for (auto _ : state) {
        auto stats = reader.read_events(query, [](const sc::store::EventView&) { return true; });
        benchmark::DoNotOptimize(stats);
    }
    state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_ScanFilteredByTime)->Arg(200'000)->Unit(benchmark::kMillisecond);

// One stream of 20 events inside stores of growing size: the time should stay flat.
void BM_StreamReadViaIndex(benchmark::State& state) {
    BenchDir dir;
    fill(dir.path(), static_cast<int>(state.range(0)), 1000);
    {
        auto store = Store::open(dir.path());
        for (int i = 0; i < 20; ++i) {
            NewEvent event = sample_event(i);
            event.stream = "task:the-one";
            (void)store->append(event);
        }
    }
    sc::store::Reader reader(dir.path());
    for (auto _ : state) {
        uint64_t seen = 0;
        auto stats = reader.read_stream("task:the-one", 1, [&](const sc::store::EventView&) { return ++seen, true; });
        if (!stats.ok() || seen != 20 || !stats->used_index)
            state.SkipWithError("stream read did not use the index");
    }
    state.SetItemsProcessed(state.iterations() * 20);
}
BENCHMARK(BM_StreamReadViaIndex)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

// One event per append, as a CLI does, under each durability mode (batch flushes every 100).
void BM_AppendDurability(benchmark::State& state) {
    BenchDir dir;
    sc::store::StoreOptions options;
    options.durability = static_cast<sc::store::Durability>(state.range(0));
    auto store = Store::open(dir.path(), options);
    NewEvent event = sample_event(1);
    int64_t count = 0;
    for (auto _ : state) {
        (void)store->append(event);
        if (++count % 100 == 0 && options.durability == sc::store::Durability::batch)
            (void)store->flush();
    }
    state.SetLabel(std::string(sc::store::durability_name(options.durability)));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendDurability)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
