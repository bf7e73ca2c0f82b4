// Telemetry hot paths against the budgets in design §9: a sampled span with the simple
// processor and a null exporter (< 200 ns), a span with telemetry off at run time (< 5 ns), a
// counter add with 3 attributes (< 100 ns); plus histogram record and log emit. The same call
// sites compiled out are in telemetry_off_bench.cpp.

#include <benchmark/benchmark.h>

#include "telemetry/api/telemetry.hpp"
#include "telemetry/sdk/logger_provider.hpp"
#include "telemetry/sdk/meter_provider.hpp"
#include "telemetry/sdk/span_processors.hpp"
#include "telemetry/sdk/tracer_provider.hpp"

namespace {

using namespace sc::telemetry;

constexpr Tracer k_tracer {"scopecraft.bench"};
constexpr Logger k_logger {"scopecraft.bench"};
const Counter<int64_t> k_counter {"scopecraft.bench", "bench.count"};
const Histogram<double> k_histogram {"scopecraft.bench", "bench.duration", "s"};

class NullSpanExporter final : public sdk::SpanExporter {
public:
    sdk::ExportResult export_batch(std::span<const std::unique_ptr<sdk::SpanData>> spans) override {
        benchmark::DoNotOptimize(spans.data());
        return sdk::ExportResult::success;
    }
};

class NullLogExporter final : public sdk::LogRecordExporter {
public:
    sdk::ExportResult export_batch(std::span<const std::unique_ptr<sdk::LogRecordData>> records) override {
        benchmark::DoNotOptimize(records.data());
        return sdk::ExportResult::success;
    }
};

std::unique_ptr<sdk::TracerProvider> install_tracer(bool batch) {
    sdk::TracerProviderOptions options;
    if (batch)
        options.processors.push_back(
            std::make_unique<sdk::BatchSpanProcessor>(std::make_unique<NullSpanExporter>(), sdk::BatchOptions {}));
    else
        options.processors.push_back(std::make_unique<sdk::SimpleSpanProcessor>(std::make_unique<NullSpanExporter>()));
    auto provider = std::make_unique<sdk::TracerProvider>(std::move(options));
    provider->install();
    return provider;
}

void BM_SpanStartEnd_SimpleNullExporter(benchmark::State& state) {
    auto provider = install_tracer(false);
    for (auto _ : state) {
        Span span = k_tracer.start_span("bench.span");
        span.end();
    }
    provider->shutdown();
}
BENCHMARK(BM_SpanStartEnd_SimpleNullExporter);

void BM_SpanStartEnd_3Attributes(benchmark::State& state) {
    auto provider = install_tracer(false);
    for (auto _ : state) {
        Span span = k_tracer.start_span("bench.span");
        span.set_attribute("scopecraft.task.id", "auth-05K");
        span.set_attribute("scopecraft.task.type", "feature");
        span.set_attribute("scopecraft.count", 3);
        span.end();
    }
    provider->shutdown();
}
BENCHMARK(BM_SpanStartEnd_3Attributes);

void BM_SpanStartEnd_BatchNullExporter(benchmark::State& state) {
    auto provider = install_tracer(true);
    for (auto _ : state) {
        Span span = k_tracer.start_span("bench.span");
        span.end();
    }
    provider->shutdown();
}
BENCHMARK(BM_SpanStartEnd_BatchNullExporter);

void BM_SpanStartEnd_RuntimeDisabled(benchmark::State& state) {
    for (auto _ : state) {
        Span span = k_tracer.start_span("bench.span");
        span.set_attribute("scopecraft.task.id", "auth-05K");
        span.end();
    }
}
BENCHMARK(BM_SpanStartEnd_RuntimeDisabled);

void BM_CounterAdd_3Attributes(benchmark::State& state) {
    sdk::MeterProvider provider(sdk::MeterProviderOptions {});
    provider.install();
    for (auto _ : state)
        k_counter.add(1, {{"scopecraft.command", "task list"}, {"scopecraft.format", "json"}, {"error.type", "none"}});
    provider.shutdown();
}
BENCHMARK(BM_CounterAdd_3Attributes);

void BM_HistogramRecord_3Attributes(benchmark::State& state) {
    sdk::MeterProvider provider(sdk::MeterProviderOptions {});
    provider.install();
    double value = 0.001;
    for (auto _ : state) {
        k_histogram.record(
            value, {{"scopecraft.command", "task list"}, {"scopecraft.format", "json"}, {"error.type", "none"}});
        value = value > 10 ? 0.001 : value * 1.5;
    }
    provider.shutdown();
}
BENCHMARK(BM_HistogramRecord_3Attributes);

void BM_CounterAdd_RuntimeDisabled(benchmark::State& state) {
    for (auto _ : state)
        k_counter.add(1, {{"scopecraft.command", "task list"}, {"scopecraft.format", "json"}, {"error.type", "none"}});
}
BENCHMARK(BM_CounterAdd_RuntimeDisabled);

void BM_LogEmit_SimpleNullExporter(benchmark::State& state) {
    sdk::LoggerProviderOptions options;
    options.exporter = std::make_unique<NullLogExporter>();
    sdk::LoggerProvider provider(std::move(options));
    provider.install();
    for (auto _ : state)
        k_logger.info("task created", {{"scopecraft.task.id", "auth-05K"}});
    provider.shutdown();
}
BENCHMARK(BM_LogEmit_SimpleNullExporter);

}  // namespace

BENCHMARK_MAIN();
