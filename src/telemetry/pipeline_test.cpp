// The pipeline end to end: disabled means free, enabled records every signal, the caller's
// TRACEPARENT parents our spans, and a broken sink never fails the caller.

#include "telemetry/pipeline.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>

#include "telemetry/api/telemetry.hpp"

namespace sc::telemetry {
namespace {

constexpr Tracer k_tracer {"scopecraft.test"};
constexpr Logger k_logger {"scopecraft.test"};
const Counter<int64_t> k_counter {"scopecraft.test", "test.count"};

// Counts every read so a test can prove the disabled path never looks at the time.
class CountingClock final : public Clock {
public:
    int64_t now_unix_nanos() const override {
        m_calls.fetch_add(1);
        return 1'000;
    }
    int calls() const { return m_calls.load(); }

private:
    mutable std::atomic<int> m_calls {0};
};

class RecordingSink final : public exporters::SignalSink {
public:
    Status append(exporters::Signal signal, std::string_view line) override {
        std::lock_guard lock(m_mutex);
        m_lines.push_back({signal, std::string(line)});
        return {};
    }
    std::vector<std::pair<exporters::Signal, std::string>> lines() {
        std::lock_guard lock(m_mutex);
        return m_lines;
    }

private:
    std::mutex m_mutex;
    std::vector<std::pair<exporters::Signal, std::string>> m_lines;
};

int thread_count() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("Threads:", 0) == 0)
            return std::stoi(line.substr(8));
    return -1;
}

void exercise_api() {
    Span span = k_tracer.start_span("work", {.attributes = {{"k", 1}}});
    auto scope = span.activate();
    span.set_attribute("scopecraft.task.id", "auth-05K");
    span.add_event("step");
    k_counter.add(1, {{"k", "v"}});
    k_logger.info("hello");
    span.record_exception("std::runtime_error", "boom");
    span.end();
}

TEST(Pipeline, DisabledOpensNothingStartsNoThreadAndReadsNoClock) {
    CountingClock clock;
    int sinks_made = 0;
    MapEnvironment environment;
    environment.set("TRACEPARENT", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    PipelineOptions options;
    options.settings.enabled = false;
    options.process = ProcessKind::long_running;  // would start threads if enabled
    options.clock = &clock;
    options.environment = &environment;
    options.make_sink = [&] {
        ++sinks_made;
        return std::make_shared<RecordingSink>();
    };
    int threads_before = thread_count();
    std::vector<Error> warnings;
    auto pipeline = Pipeline::start(std::move(options), warnings);
    EXPECT_FALSE(pipeline->enabled());
    EXPECT_FALSE(tracing_enabled());
    exercise_api();
    pipeline->shutdown();
    EXPECT_EQ(clock.calls(), 0);
    EXPECT_EQ(sinks_made, 0);
    EXPECT_EQ(thread_count(), threads_before);
    EXPECT_TRUE(warnings.empty());
}

TEST(Pipeline, ShortLivedWritesOneLinePerSignalAtShutdownWithoutThreads) {
    auto sink = std::make_shared<RecordingSink>();
    PipelineOptions options;
    options.make_sink = [sink] { return sink; };
    options.service_version = "0.1.0";
    int threads_before = thread_count();
    std::vector<Error> warnings;
    auto pipeline = Pipeline::start(std::move(options), warnings);
    ASSERT_TRUE(pipeline->enabled());
    EXPECT_EQ(thread_count(), threads_before);
    for (int index = 0; index < 3; ++index)
        exercise_api();
    EXPECT_TRUE(sink->lines().empty());  // nothing written before exit
    pipeline->shutdown();
    auto lines = sink->lines();
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].first, exporters::Signal::traces);
    EXPECT_EQ(lines[1].first, exporters::Signal::logs);
    EXPECT_EQ(lines[2].first, exporters::Signal::metrics);
    EXPECT_NE(lines[0].second.find(R"("name":"work")"), std::string::npos);
    EXPECT_NE(lines[1].second.find(R"("eventName":"exception")"), std::string::npos);
    EXPECT_NE(lines[2].second.find(R"("asInt":"3")"), std::string::npos);
    EXPECT_FALSE(tracing_enabled());
}

TEST(Pipeline, CallerTraceparentParentsOurRootSpan) {
    auto memory = std::make_shared<exporters::MemoryStore>();
    MapEnvironment environment;
    environment.set("TRACEPARENT", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    PipelineOptions options;
    options.settings.traces_exporters.clear();
    options.environment = &environment;
    options.memory = memory;
    std::vector<Error> warnings;
    auto pipeline = Pipeline::start(std::move(options), warnings);
    EXPECT_TRUE(pipeline->caller_context().is_valid());
    { Span span = k_tracer.start_span("sc task create"); }
    pipeline->shutdown();
    auto spans = memory->spans();
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(to_hex(spans[0].context.trace_id), "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(to_hex(spans[0].parent_span_id), "b7ad6b7169203331");
    EXPECT_TRUE(spans[0].parent_remote);
}

TEST(Pipeline, MalformedTraceparentWarnsAndStartsANewTrace) {
    auto memory = std::make_shared<exporters::MemoryStore>();
    MapEnvironment environment;
    environment.set("TRACEPARENT", "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01");
    PipelineOptions options;
    options.environment = &environment;
    options.memory = memory;
    std::vector<Error> warnings;
    auto pipeline = Pipeline::start(std::move(options), warnings);
    { Span span = k_tracer.start_span("root"); }
    pipeline->shutdown();
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0].where.field, "TRACEPARENT");
    ASSERT_EQ(memory->spans().size(), 1u);
    EXPECT_FALSE(memory->spans()[0].parent_span_id.is_valid());
}

class BrokenSink final : public exporters::SignalSink {
public:
    Status append(exporters::Signal, std::string_view) override {
        return make_error(ErrorCode::io, "read-only file system");
    }
};

TEST(Pipeline, BrokenSinkIsReportedOnceAndNeverFailsTheCaller) {
    int reports = 0;
    PipelineOptions options;
    options.make_sink = [] { return std::make_shared<BrokenSink>(); };
    options.on_export_failure = [&](const Error&) { ++reports; };
    std::vector<Error> warnings;
    auto pipeline = Pipeline::start(std::move(options), warnings);
    exercise_api();
    pipeline->shutdown();
    EXPECT_EQ(reports, 1);
    EXPECT_EQ(pipeline->export_failures(), 3u);
}

TEST(Pipeline, LongRunningExportsInTheBackgroundAndOnFlush) {
    auto sink = std::make_shared<RecordingSink>();
    PipelineOptions options;
    options.process = ProcessKind::long_running;
    options.make_sink = [sink] { return sink; };
    std::vector<Error> warnings;
    auto pipeline = Pipeline::start(std::move(options), warnings);
    exercise_api();
    pipeline->force_flush();
    EXPECT_EQ(sink->lines().size(), 3u);
    pipeline->shutdown();
}

TEST(Pipeline, ConsoleExporterWritesReadableText) {
    std::string text;
    std::mutex mutex;
    PipelineOptions options;
    options.settings.traces_exporters = {sdk::ExporterKind::console};
    options.settings.metrics_exporters = {sdk::ExporterKind::console};
    options.settings.logs_exporters = {sdk::ExporterKind::console};
    options.console_writer = [&](std::string_view line) {
        std::lock_guard lock(mutex);
        text += line;
    };
    std::vector<Error> warnings;
    auto pipeline = Pipeline::start(std::move(options), warnings);
    exercise_api();
    pipeline->shutdown();
    EXPECT_NE(text.find("[span] work"), std::string::npos);
    EXPECT_NE(text.find("[log] INFO hello"), std::string::npos);
    EXPECT_NE(text.find("[metric] test.count sum = 1"), std::string::npos);
}

}  // namespace
}  // namespace sc::telemetry
