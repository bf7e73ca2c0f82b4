// The same call sites as telemetry_bench.cpp, built with SC_TELEMETRY_DISABLED: what an
// instrumented call costs when telemetry is compiled out (the reference for the runtime-off case).

#include <benchmark/benchmark.h>

#include "telemetry/api/telemetry.hpp"

#if SC_TELEMETRY_COMPILED
#error "telemetry_off_bench must be built with SC_TELEMETRY_DISABLED"
#endif

namespace {

using namespace sc::telemetry;

constexpr Tracer k_tracer {"scopecraft.bench"};
constexpr Logger k_logger {"scopecraft.bench"};
const Counter<int64_t> k_counter {"scopecraft.bench", "bench.count"};
const Histogram<double> k_histogram {"scopecraft.bench", "bench.duration", "s"};

void BM_SpanStartEnd_CompiledOut(benchmark::State& state) {
    for (auto _ : state) {
        Span span = k_tracer.start_span("bench.span");
        span.set_attribute("scopecraft.task.id", "auth-05K");
        span.end();
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_SpanStartEnd_CompiledOut);

void BM_CounterAdd_3Attributes_CompiledOut(benchmark::State& state) {
    for (auto _ : state) {
        k_counter.add(1, {{"scopecraft.command", "task list"}, {"scopecraft.format", "json"}, {"error.type", "none"}});
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_CounterAdd_3Attributes_CompiledOut);

void BM_HistogramRecord_CompiledOut(benchmark::State& state) {
    for (auto _ : state) {
        k_histogram.record(0.5, {{"scopecraft.command", "task list"}});
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_HistogramRecord_CompiledOut);

void BM_LogEmit_CompiledOut(benchmark::State& state) {
    for (auto _ : state) {
        k_logger.info("task created", {{"scopecraft.task.id", "auth-05K"}});
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_LogEmit_CompiledOut);

}  // namespace

BENCHMARK_MAIN();
