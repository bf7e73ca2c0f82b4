// The walk of a task tree that a listing makes (tasks/tree_walk.hpp): every folder listed and
// every file stat-ed, on one thread (the serial walk) and on two, for generated trees of 200 to
// 10,000 tasks. Wall time is what the threads cut, so it is reported (UseRealTime); CPU time of
// the calling thread alone would hide the helper's. Run from a build folder:
//   ./bench/walk_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Trees are generated once under SC_BENCH_DIR (default /var/tmp) and removed at exit.

#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <time.h>

#include <filesystem>
#include <map>

#include "bench/generated_trees.hpp"
#include "tasks/tree_walk.hpp"

namespace {

namespace fs = std::filesystem;

sc::bench::GeneratedTrees g_trees("walk-bench");

class EveryFolder final : public sc::tasks::WalkRules {
public:
    [[nodiscard]] bool stat_file(const std::string& /*name*/) const override { return true; }
    [[nodiscard]] bool enter(const std::string& /*folder*/, const std::string& /*name*/) const override { return true; }
};

/// range(0): tasks; range(1): threads (1: the serial walk, list_folder folder by folder).
void BM_Walk(benchmark::State& state) {
    const std::string& root = g_trees.root(static_cast<int>(state.range(0)));
    unsigned threads = static_cast<unsigned>(state.range(1));
    EveryFolder rules;
    size_t folders = 0;
    timespec before {};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &before);
    for (auto _ : state) {
        sc::tasks::ParallelWalk walk({root}, rules, sc::tasks::WalkSettings {threads, 0});
        folders = walk.paths().size();
        benchmark::DoNotOptimize(folders);
    }
    timespec after {};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &after);
    double process_us = static_cast<double>(after.tv_sec - before.tv_sec) * 1e6 +
                        static_cast<double>(after.tv_nsec - before.tv_nsec) / 1e3;
    // Every thread's CPU time per walk: what the helpers cost beside the wall time they save.
    state.counters["process_cpu_us"] = benchmark::Counter(process_us / static_cast<double>(state.iterations()));
    if (folders < 3)
        state.SkipWithError("the walk found no tree");
}
BENCHMARK(BM_Walk)->ArgsProduct({{200, 500, 1000, 2000, 10000}, {1, 2}})->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
