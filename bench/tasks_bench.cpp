// Task tree benchmarks (docs/layout.md, "Performance"): listing, lookup and create on
// generated trees of 1,000 and 10,000 tasks, warm cache. Run from a build folder:
//   ./bench/tasks_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Trees are generated once under SC_BENCH_DIR (default /var/tmp) and removed at exit.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "bench/task_tree_generator.hpp"
#include "tasks/task_service.hpp"

namespace {

namespace fs = std::filesystem;

class Trees {
public:
    ~Trees() {
        std::error_code ignored;
        if (!m_base.empty())
            fs::remove_all(m_base, ignored);
    }
    /// The root of a generated tree of `count` tasks, made on first use.
    const std::string& root(int count) {
        auto found = m_roots.find(count);
        if (found != m_roots.end())
            return found->second;
        if (m_base.empty()) {
            const char* dir = ::getenv("SC_BENCH_DIR");
            std::string pattern = std::string(dir != nullptr ? dir : "/var/tmp") + "/sc-tasks-bench-XXXXXX";
            m_base = ::mkdtemp(pattern.data()) != nullptr ? pattern : "/tmp";
        }
        std::string root = m_base + "/" + std::to_string(count) + "/tasks";
        if (!sc::bench::generate_task_tree(root, count))
            std::abort();
        return m_roots[count] = root;
    }

private:
    std::string m_base;
    std::map<int, std::string> m_roots;
};

Trees g_trees;
sc::SystemClock g_clock;

sc::tasks::TaskService service_for(int count) {
    return sc::tasks::TaskService(sc::tasks::TaskTree({sc::tasks::TreeKind::store, g_trees.root(count)}), g_clock);
}

/// `sc task list` minus process start and JSON printing: scan, read, parse every current task.
void BM_ListCurrent(benchmark::State& state) {
    sc::tasks::TaskService service = service_for(static_cast<int>(state.range(0)));
    size_t listed = 0;
    for (auto _ : state) {
        auto result = service.list({});
        listed = result->tasks.size();
        benchmark::DoNotOptimize(result);
    }
    state.counters["tasks"] = static_cast<double>(listed);
}
BENCHMARK(BM_ListCurrent)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

/// The same plus rendering Scopecraft's JSON for each task, as `--format json` will.
void BM_ListCurrentAsJson(benchmark::State& state) {
    sc::tasks::TaskService service = service_for(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        auto result = service.list({});
        nlohmann::ordered_json json = nlohmann::ordered_json::array();
        for (const auto& record : result->tasks)
            json.push_back(record.to_json());
        std::string text = json.dump(2);
        benchmark::DoNotOptimize(text);
    }
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
