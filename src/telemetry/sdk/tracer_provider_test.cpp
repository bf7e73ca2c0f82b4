// The tracer provider and processors: parenting, sampling, limits, exceptions, batching.

#include "telemetry/sdk/tracer_provider.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "telemetry/exporters/memory_exporter.hpp"
#include "telemetry/sdk/span_processors.hpp"

namespace sc::telemetry::sdk {
namespace {

constexpr Tracer k_tracer {"scopecraft.test", "1.0"};

class TracerProviderTest : public ::testing::Test {
protected:
    std::unique_ptr<TracerProvider> make_provider(TracerProviderOptions options = {}) {
        options.processors.push_back(
            std::make_unique<SimpleSpanProcessor>(std::make_unique<exporters::MemorySpanExporter>(m_store)));
        options.clock = &m_clock;
        auto provider = std::make_unique<TracerProvider>(std::move(options));
        provider->install();
        return provider;
    }
    std::shared_ptr<exporters::MemoryStore> m_store = std::make_shared<exporters::MemoryStore>();
    FixedClock m_clock {1'700'000'000'000'000'000};
};

TEST_F(TracerProviderTest, ChildSpansNestUnderTheCurrentSpan) {
    auto provider = make_provider();
    {
        Span parent = k_tracer.start_span("parent", {.kind = SpanKind::server});
        auto scope = parent.activate();
        Span child = k_tracer.start_span("child");
        EXPECT_EQ(child.context().trace_id, parent.context().trace_id);
        child.end();
    }
    provider->shutdown();
    auto spans = m_store->spans();
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0].name, "child");
    EXPECT_EQ(spans[0].parent_span_id, spans[1].context.span_id);
    EXPECT_FALSE(spans[1].parent_span_id.is_valid());
    EXPECT_EQ(spans[1].kind, SpanKind::server);
    EXPECT_EQ(spans[1].scope.name, "scopecraft.test");
    EXPECT_EQ(spans[1].start_time, 1'700'000'000'000'000'000);
}

TEST_F(TracerProviderTest, ExplicitParentAndNewRootOverrideTheCurrentSpan) {
    auto provider = make_provider();
    SpanContext remote {{7, 8}, {9}, k_trace_flag_sampled, true, "rojo=1"};
    Span outer = k_tracer.start_span("outer");
    auto scope = outer.activate();
    Span explicit_child = k_tracer.start_span("explicit", {.parent = &remote});
    EXPECT_EQ(explicit_child.context().trace_id, remote.trace_id);
    EXPECT_EQ(explicit_child.context().trace_state, "rojo=1");
    Span root = k_tracer.start_span("root", {.new_root = true});
    EXPECT_NE(root.context().trace_id, outer.context().trace_id);
    explicit_child.end();
    auto spans = m_store->spans();
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_TRUE(spans[0].parent_remote);
    EXPECT_EQ(spans[0].parent_span_id, SpanId {9});
}

TEST_F(TracerProviderTest, AmbientParentFromTheCallerParentsRootSpans) {
    TracerProviderOptions options;
    options.ambient_parent = SpanContext {{7, 8}, {9}, k_trace_flag_sampled, true, {}};
    auto provider = make_provider(std::move(options));
    Span span = k_tracer.start_span("cli");
    EXPECT_EQ(span.context().trace_id, (TraceId {7, 8}));
    span.end();
    EXPECT_EQ(m_store->spans().at(0).parent_span_id, SpanId {9});
}

TEST_F(TracerProviderTest, SampledOutSpansCarryAContextButRecordNothing) {
    TracerProviderOptions options;
    options.sampler = make_always_off_sampler();
    auto provider = make_provider(std::move(options));
    Span span = k_tracer.start_span("dropped");
    EXPECT_FALSE(span.is_recording());
    EXPECT_TRUE(span.context().is_valid());
    EXPECT_FALSE(span.context().is_sampled());
    span.end();
    EXPECT_TRUE(m_store->spans().empty());
}

TEST_F(TracerProviderTest, LimitsDropAndCountAttributesEventsAndLinks) {
    TracerProviderOptions options;
    options.limits.attributes = {2, 4};
    options.limits.events = 1;
    options.limits.links = 1;
    auto provider = make_provider(std::move(options));
    Span span = k_tracer.start_span("limited");
    span.set_attribute("a", "abcdefgh");
    span.set_attribute("b", 2);
    span.set_attribute("c", 3);
    span.set_attribute("a", "é-accent");  // replacing an existing key is not a drop
    span.add_event("one");
    span.add_event("two");
    span.add_link(SpanContext {{1, 1}, {1}, 1, false, {}});
    span.add_link(SpanContext {{2, 2}, {2}, 1, false, {}});
    span.end();
    SpanData data = m_store->spans().at(0);
    ASSERT_EQ(data.attributes.size(), 2u);
    EXPECT_EQ(std::get<std::string>(data.attributes[0].value), "\xC3\xA9-a");  // cut at a UTF-8 boundary
    EXPECT_EQ(data.dropped_attributes, 1u);
    EXPECT_EQ(data.events.size(), 1u);
    EXPECT_EQ(data.dropped_events, 1u);
    EXPECT_EQ(data.links.size(), 1u);
    EXPECT_EQ(data.dropped_links, 1u);
}

TEST_F(TracerProviderTest, StatusOkIsFinalAndUnsetNeverOverrides) {
    auto provider = make_provider();
    Span span = k_tracer.start_span("status");
    span.set_error("io", "disk full");
    span.set_status(StatusCode::unset);
    span.end();
    SpanData data = m_store->spans().at(0);
    EXPECT_EQ(data.status, StatusCode::error);
    EXPECT_EQ(data.status_message, "disk full");
    EXPECT_EQ(std::get<std::string>(data.attributes.at(0).value), "io");

    Span ok = k_tracer.start_span("ok");
    ok.set_status(StatusCode::ok);
    ok.set_error("late");
    ok.end();
    EXPECT_EQ(m_store->spans().at(1).status, StatusCode::ok);
}

TEST_F(TracerProviderTest, ExceptionBecomesASpanEventWhenNoLogPipelineIsInstalled) {
    auto provider = make_provider();
    Span span = k_tracer.start_span("failing");
    span.record_exception("std::runtime_error", "boom", "at main");
    span.end();
    SpanData data = m_store->spans().at(0);
    ASSERT_EQ(data.events.size(), 1u);
    EXPECT_EQ(data.events[0].name, "exception");
    EXPECT_EQ(data.events[0].attributes.size(), 3u);
    EXPECT_EQ(data.events[0].attributes[0].key, "exception.type");
}

TEST_F(TracerProviderTest, SpansAfterShutdownAreNoOps) {
    auto provider = make_provider();
    provider->shutdown();
    EXPECT_FALSE(tracing_enabled());
    Span span = k_tracer.start_span("late");
    EXPECT_FALSE(span.is_recording());
    EXPECT_TRUE(provider->shutdown());  // idempotent
}

// An exporter that blocks until released, to fill a batch queue deterministically.
class GateExporter final : public SpanExporter {
public:
    explicit GateExporter(std::shared_ptr<std::atomic<size_t>> exported) : m_exported(std::move(exported)) {}
    ExportResult export_batch(std::span<const std::unique_ptr<SpanData>> spans) override {
        std::unique_lock lock(m_mutex);
        m_entered = true;
        m_open.notify_all();
        m_open.wait(lock, [&] { return m_released; });
        *m_exported += spans.size();
        return ExportResult::success;
    }
    void wait_until_exporting() {
        std::unique_lock lock(m_mutex);
        m_open.wait(lock, [&] { return m_entered; });
    }
    void release() {
        std::lock_guard lock(m_mutex);
        m_released = true;
        m_open.notify_all();
    }

private:
    std::shared_ptr<std::atomic<size_t>> m_exported;
    std::mutex m_mutex;
    std::condition_variable m_open;
    bool m_released = false;
    bool m_entered = false;
};

std::unique_ptr<SpanData> make_span_data() {
    auto data = std::make_unique<SpanData>();
    data->context.trace_flags = k_trace_flag_sampled;
    return data;
}

TEST(BatchSpanProcessor, DropsAreCountedWhenTheQueueIsFull) {
    auto exported = std::make_shared<std::atomic<size_t>>(0);
    auto exporter = std::make_unique<GateExporter>(exported);
    GateExporter* gate = exporter.get();
    BatchOptions options;
    options.max_queue_size = 10;
    options.max_export_batch_size = 10;
    options.schedule_delay = std::chrono::milliseconds {60000};  // only a full batch wakes the worker
    BatchSpanProcessor processor(std::move(exporter), options);
    // The worker takes a first batch and blocks in the exporter; then the queue fills up.
    for (int index = 0; index < 10; ++index)
        processor.on_end(make_span_data());
    gate->wait_until_exporting();
    for (int index = 0; index < 10; ++index)
        processor.on_end(make_span_data());
    EXPECT_EQ(processor.dropped(), 0u);
    for (int index = 0; index < 100; ++index)
        processor.on_end(make_span_data());
    EXPECT_EQ(processor.dropped(), 100u);
    gate->release();
    EXPECT_TRUE(processor.shutdown(std::chrono::milliseconds {5000}));
    EXPECT_EQ(exported->load(), 20u);  // everything that was not dropped
}

TEST(BatchSpanProcessor, ForceFlushDeliversEverything) {
    auto store = std::make_shared<exporters::MemoryStore>();
    BatchOptions options;
    options.max_queue_size = 5000;
    options.max_export_batch_size = 64;
    options.schedule_delay = std::chrono::milliseconds {60000};
    BatchSpanProcessor processor(std::make_unique<exporters::MemorySpanExporter>(store), options);
    for (int index = 0; index < 1000; ++index)
        processor.on_end(make_span_data());
    EXPECT_TRUE(processor.force_flush(std::chrono::milliseconds {5000}));
    EXPECT_EQ(store->spans().size(), 1000u);
    EXPECT_EQ(processor.dropped(), 0u);
}

TEST(BatchSpanProcessor, ShutdownIsIdempotentAndLaterSpansAreDropped) {
    auto store = std::make_shared<exporters::MemoryStore>();
    BatchSpanProcessor processor(std::make_unique<exporters::MemorySpanExporter>(store), BatchOptions {});
    processor.on_end(make_span_data());
    EXPECT_TRUE(processor.shutdown(std::chrono::milliseconds {1000}));
    EXPECT_TRUE(processor.shutdown(std::chrono::milliseconds {1000}));
    EXPECT_EQ(store->spans().size(), 1u);
    processor.on_end(make_span_data());
    EXPECT_EQ(processor.dropped(), 1u);
}

TEST(BatchSpanProcessor, CallerThreadModeExportsOneBatchAtFlushWithoutAThread) {
    auto store = std::make_shared<exporters::MemoryStore>();
    BatchOptions options;
    options.threading = Threading::caller;
    BatchSpanProcessor processor(std::make_unique<exporters::MemorySpanExporter>(store), options);
    for (int index = 0; index < 20; ++index)
        processor.on_end(make_span_data());
    EXPECT_TRUE(store->spans().empty());
    processor.shutdown(std::chrono::milliseconds {1000});
    EXPECT_EQ(store->spans().size(), 20u);
    EXPECT_EQ(store->span_batches(), 1u);
}

}  // namespace
}  // namespace sc::telemetry::sdk
