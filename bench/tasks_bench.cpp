// Task tree benchmarks (docs/layout.md, "Performance"): listing, lookup and create on
// generated trees of 1,000 and 10,000 tasks, warm cache. Run from a build folder:
//   ./bench/tasks_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Trees are generated once under SC_BENCH_DIR (default /var/tmp) and removed at exit.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "bench/generated_trees.hpp"
#include "cli/json_writer.hpp"
#include "tasks/task_service.hpp"

namespace {

namespace fs = std::filesystem;

sc::bench::GeneratedTrees g_trees("tasks-bench");
sc::SystemClock g_clock;

sc::tasks::TaskService service_for(int count) {
    return sc::tasks::TaskService(sc::tasks::TaskTree({sc::tasks::TreeKind::store, g_trees.root(count)}), g_clock);
}

/// The reading part of `sc task list` as the command runs it (`TaskService::visit`, every format):
/// scan, read and parse every current task, one at a time, none kept. No process start, no
/// output. The task count is checked, so a listing that finds nothing cannot pass as fast.
void BM_ListCurrent(benchmark::State& state) {
    const int count = static_cast<int>(state.range(0));
    sc::tasks::TaskService service = service_for(count);
    size_t listed = 0;
    for (auto _ : state) {
        listed = 0;
        auto visited = service.visit({}, [&listed](sc::tasks::TaskRecord&& record) {
            benchmark::DoNotOptimize(record);
            ++listed;
        });
        if (!visited.ok() || listed == 0) {
            state.SkipWithError("the listing failed or found no task");
            break;
        }
    }
    state.counters["tasks"] = static_cast<double>(listed);
}
BENCHMARK(BM_ListCurrent)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

/// `sc task list --format json` as the command runs it, minus process start and the write to
/// stdout: `visit` handing each task to `cli::TaskListJsonWriter`, whose 64 KiB pieces are
/// counted here instead of written. The output is checked to be the JSON array of the tasks.
void BM_ListCurrentAsJson(benchmark::State& state) {
    sc::tasks::TaskService service = service_for(static_cast<int>(state.range(0)));
    size_t bytes = 0;
    for (auto _ : state) {
        bytes = 0;
        char first = 0;
        char last = 0;
        sc::cli::TaskListJsonWriter writer([&](std::string_view piece) {
            if (bytes == 0 && !piece.empty())
                first = piece.front();
            if (!piece.empty())
                last = piece.back();
            bytes += piece.size();
        });
        size_t listed = 0;
        auto visited = service.visit({}, [&](sc::tasks::TaskRecord&& record) {
            writer.add(record);
            ++listed;
        });
        writer.finish();
        if (!visited.ok() || listed == 0 || first != '[' || last != '\n' || bytes < listed * 100) {
            state.SkipWithError("the listing failed or did not write a JSON array of its tasks");
            break;
        }
    }
    state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ListCurrentAsJson)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

/// Folders only: the part of a listing that does not open files.
void BM_ScanOnly(benchmark::State& state) {
    sc::tasks::TaskTree tree({sc::tasks::TreeKind::store, g_trees.root(static_cast<int>(state.range(0)))});
    for (auto _ : state) {
        auto scan = tree.scan(sc::tasks::LocationScope::all);
        benchmark::DoNotOptimize(scan);
    }
}
BENCHMARK(BM_ScanOnly)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

/// `sc task get`: a task in current/ (found by two probes) and one in the archive (found by
/// scanning every folder).
void BM_GetById(benchmark::State& state) {
    sc::tasks::TaskService service = service_for(static_cast<int>(state.range(0)));
    const char* id = state.range(1) == 0 ? "generated-task-number-0-11A" : "generated-task-number-7-11A";
    for (auto _ : state) {
        auto record = service.get(id);
        if (!record.ok())
            state.SkipWithError("lookup failed");
        benchmark::DoNotOptimize(record);
    }
}
BENCHMARK(BM_GetById)->ArgsProduct({{1000, 10000}, {0, 1}})->Unit(benchmark::kMicrosecond);

/// One task file parsed: 0 = Scopecraft's own form (the fast line reader), 1 = a hand-written
/// frontmatter with a nested map, a flow list and an anchor (yaml-cpp, with the limits on
/// nesting and alias expansion).
void BM_ParseDocument(benchmark::State& state) {
    const std::string head = "# Parse me\n\n---\ntype: feature\nstatus: todo\narea: general\ntags:\n  - bench\n";
    const std::string tail = "---\n\n\n## Instruction\nSome words.\n\n## Tasks\n\n## Deliverable\n\n## Log\n";
    const std::string extra = state.range(0) == 0 ? "priority: high\nassignee: alice\n"
                                                  : "owner: &who {name: alice, team: core}\nreviewers: [*who, bob]\n"
                                                    "meta:\n  estimate: 3\n  links:\n    - a\n    - b\n";
    const std::string text = head + extra + tail;
    for (auto _ : state) {
        auto document = sc::tasks::TaskDocument::parse(text, "bench.task.md");
        if (!document.ok())
            state.SkipWithError("parse failed");
        benchmark::DoNotOptimize(document);
    }
}
BENCHMARK(BM_ParseDocument)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
