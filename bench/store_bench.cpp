// Store benchmarks against the budgets of design §9 and the floors of notes/limits.md:
// batched append (> 1 M events/s), one append after reopening the store in a warm process, one
// append by a new process (what a CLI command pays, process start included), filtered scans
// (> 1 M events/s per core), stream read via the index against store size (flat), and the cost
// of each durability mode. Every benchmark checks what it measured did happen: a failed append
// or a scan that returns the wrong events stops it with an error.

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "store/layout.hpp"
#include "store/reader.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"

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

// Opening the store again and appending one event, in a process that has done it before: the
// store's own part of a CLI command (open, lock, write, close) without the process start,
// the first touch of its pages or a cold cache, which a real command pays on top (next).
void BM_ReopenStoreAndAppendOne(benchmark::State& state) {
    BenchDir dir;
    NewEvent event = sample_event(1);
    if (auto first = Store::open(dir.path()); !first.ok() || !first->append(event).ok()) {
        state.SkipWithError("could not create the store");  // it exists, as after the first command
        return;
    }
    for (auto _ : state) {
        auto store = Store::open(dir.path());
        if (!store.ok()) {
            state.SkipWithError(store.error().describe().c_str());
            break;
        }
        auto appended = store->append(event);
        if (!appended.ok()) {
            state.SkipWithError(appended.error().describe().c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReopenStoreAndAppendOne)->Unit(benchmark::kMicrosecond);

// Runs `argv` as a new process with its output discarded; its exit status, or -1.
int run_process(const std::vector<std::string>& arguments) {
    std::vector<char*> argv;
    for (const std::string& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t child = 0;
    int spawned = posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    if (spawned != 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

// One append by a new process: sc-store-writer (a small dynamically linked program of the store)
// opens the store, appends one event and exits; wall time, process start included. Arg 0 is
// that; arg 1 is the floor measured beside it, a new process of /bin/true doing nothing.
void BM_AppendOneFromNewProcess(benchmark::State& state) {
    BenchDir dir;
    std::vector<std::string> command =
        state.range(0) == 0 ? std::vector<std::string> {SC_STORE_WRITER, dir.path(), "events", "1", "1", "1"}
                            : std::vector<std::string> {"/bin/true"};
    for (auto _ : state) {
        if (int status = run_process(command); status != 0) {
            state.SkipWithError(("the process exited with " + std::to_string(status)).c_str());
            break;
        }
    }
    if (state.range(0) == 0) {  // every append is in the store
        uint64_t stored = 0;
        auto read =
            sc::store::Reader(dir.path()).read_events({}, [&](const sc::store::EventView&) { return ++stored, true; });
        if (!read.ok() || stored != static_cast<uint64_t>(state.iterations()))
            state.SkipWithError("the store does not hold one event per process");
    }
    state.SetLabel(state.range(0) == 0 ? "sc-store-writer, one event" : "/bin/true (the floor)");
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendOneFromNewProcess)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Fills a store with `events` events over `streams` streams in batches of 1,000. With a clock,
// each batch's time is the clock's, moved on by `step` after it. False when an append failed.
bool fill(const std::string& root, int events, int streams, sc::FixedClock* clock = nullptr,
          std::chrono::nanoseconds step = {}) {
    sc::store::StoreOptions options;
    options.clock = clock;
    auto store = Store::open(root, options);
    if (!store.ok())
        return false;
    std::vector<NewEvent> batch;
    for (int i = 0; i < events; ++i) {
        batch.push_back(sample_event(i, streams));
        if (batch.size() == 1000 || i + 1 == events) {
            if (!store->append(batch).ok())
                return false;
            batch.clear();
            if (clock != nullptr)
                clock->advance(step);
        }
    }
    return true;
}

void BM_ScanFilteredByType(benchmark::State& state) {
    BenchDir dir;
    const int events = static_cast<int>(state.range(0));
    if (!fill(dir.path(), events, 100)) {
        state.SkipWithError("could not fill the store");
        return;
    }
    sc::store::Reader reader(dir.path());
    sc::store::EventQuery query;
    query.types = {"TaskUpdated3"};  // one event in ten
    for (auto _ : state) {
        uint64_t matched = 0;
        auto stats = reader.read_events(query, [&](const sc::store::EventView&) { return ++matched, true; });
        if (!stats.ok() || stats->lines_read != static_cast<uint64_t>(events) ||
            matched != static_cast<uint64_t>(events / 10)) {
            state.SkipWithError("the scan did not read every line or matched the wrong events");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_ScanFilteredByType)->Arg(200'000)->Unit(benchmark::kMillisecond);

// A store of `events` events written over four UTC days (a batch of 1,000 every 1,728 s), and a
// time range of one day from the middle of the second day: the scan opens only the second and
// third days' folders and filters their events by time. Items are the events it looked at (at
// most half the store); the range holds a quarter of the store, checked against what was written.
void BM_ScanFilteredByTime(benchmark::State& state) {
    BenchDir dir;
    const int events = static_cast<int>(state.range(0));
    constexpr int64_t k_day = 86'400'000'000'000;
    const int64_t start = 20'400 * k_day;  // 2025-11-08T00:00:00Z, a day's first nanosecond
    sc::FixedClock clock(start);
    const auto step = std::chrono::nanoseconds(4 * k_day / (events / 1000));
    if (!fill(dir.path(), events, 100, &clock, step)) {
        state.SkipWithError("could not fill the store");
        return;
    }
    // What the range holds and what the scan must read, from the times the fill gave.
    sc::store::EventQuery query;
    query.from_time = start + k_day + k_day / 2;
    query.until_time = *query.from_time + k_day;
    uint64_t expected_matches = 0, expected_lines = 0;
    for (int batch = 0; batch < events / 1000; ++batch) {
        int64_t time = start + batch * step.count();
        if (time >= *query.from_time && time < *query.until_time)
            expected_matches += 1000;
        if (sc::store::day_of_unix_nanos(time) == sc::store::day_of_unix_nanos(*query.from_time) ||
            sc::store::day_of_unix_nanos(time) == sc::store::day_of_unix_nanos(*query.until_time))
            expected_lines += 1000;
    }
    sc::store::Reader reader(dir.path());
    uint64_t lines_read = 0;
    for (auto _ : state) {
        uint64_t matched = 0;
        auto stats = reader.read_events(query, [&](const sc::store::EventView&) { return ++matched, true; });
        // The scan may stop early once times pass the range; it must not read other days.
        if (!stats.ok() || matched != expected_matches || stats->lines_read > expected_lines ||
            stats->lines_read < expected_matches) {
            state.SkipWithError(("the scan matched " + std::to_string(matched) + " events (expected " +
                                 std::to_string(expected_matches) + ") after reading " +
                                 (stats.ok() ? std::to_string(stats->lines_read) : "no") + " lines (expected " +
                                 std::to_string(expected_lines) + " at most)")
                                    .c_str());
            break;
        }
        lines_read = stats->lines_read;
    }
    state.counters["matched"] = static_cast<double>(expected_matches);
    state.counters["store"] = static_cast<double>(events);
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(lines_read));
}
BENCHMARK(BM_ScanFilteredByTime)->Arg(200'000)->Unit(benchmark::kMillisecond);

// One stream of 20 events inside stores of growing size: the time should stay flat.
void BM_StreamReadViaIndex(benchmark::State& state) {
    BenchDir dir;
    if (!fill(dir.path(), static_cast<int>(state.range(0)), 1000)) {
        state.SkipWithError("could not fill the store");
        return;
    }
    {
        auto store = Store::open(dir.path());
        for (int i = 0; i < 20; ++i) {
            NewEvent event = sample_event(i);
            event.stream = "task:the-one";
            if (!store.ok() || !store->append(event).ok()) {
                state.SkipWithError("could not append the stream's events");
                return;
            }
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
    if (!store.ok()) {
        state.SkipWithError(store.error().describe().c_str());
        return;
    }
    for (auto _ : state) {
        bool ok = store->append(event).ok();
        if (++count % 100 == 0 && options.durability == sc::store::Durability::batch)
            ok = ok && store->flush().ok();
        if (!ok) {
            state.SkipWithError("an append or a flush failed");
            break;
        }
    }
    state.SetLabel(std::string(sc::store::durability_name(options.durability)));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendDurability)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
