// Logs: severity threshold, trace correlation, exceptions recorded as log records.

#include "telemetry/sdk/logger_provider.hpp"

#include <gtest/gtest.h>

#include "telemetry/exporters/memory_exporter.hpp"

namespace sc::telemetry::sdk {
namespace {

constexpr Logger k_logger {"scopecraft.test"};

class LoggerProviderTest : public ::testing::Test {
protected:
    std::unique_ptr<LoggerProvider> make_provider(Severity minimum, LogProcessing processing = LogProcessing::simple) {
        LoggerProviderOptions options;
        options.exporter = std::make_unique<exporters::MemoryLogExporter>(m_store);
        options.processing = processing;
        options.minimum_severity = minimum;
        options.clock = &m_clock;
        auto provider = std::make_unique<LoggerProvider>(std::move(options));
        provider->install();
        return provider;
    }
    std::shared_ptr<exporters::MemoryStore> m_store = std::make_shared<exporters::MemoryStore>();
    FixedClock m_clock {42};
};

TEST_F(LoggerProviderTest, RecordsBelowTheLevelAreDropped) {
    auto provider = make_provider(Severity::warn);
    EXPECT_FALSE(k_logger.enabled(Severity::info));
    k_logger.info("quiet");
    k_logger.warn("loud", {{"scopecraft.task.id", "auth-05K"}});
    auto logs = m_store->logs();
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(logs[0].body, "loud");
    EXPECT_EQ(logs[0].severity, Severity::warn);
    EXPECT_EQ(logs[0].time, 42);
    EXPECT_EQ(logs[0].attributes.at(0).key, "scopecraft.task.id");
    EXPECT_FALSE(logs[0].trace_id.is_valid());
}

TEST_F(LoggerProviderTest, RecordsCarryTheCurrentSpanContext) {
    auto provider = make_provider(Severity::info);
    SpanContext context {{1, 2}, {3}, k_trace_flag_sampled, false, {}};
    {
        Scope scope {context};
        k_logger.info("inside");
    }
    auto logs = m_store->logs();
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(logs[0].trace_id, context.trace_id);
    EXPECT_EQ(logs[0].span_id, context.span_id);
    EXPECT_EQ(logs[0].trace_flags, k_trace_flag_sampled);
}

TEST_F(LoggerProviderTest, ExceptionsOfUnrecordedSpansBecomeLogRecords) {
    auto provider = make_provider(Severity::info);
    Span span(nullptr, SpanContext {{1, 2}, {3}, 0, false, {}});
    span.record_exception("std::system_error", "disk full", "frame 1");
    auto logs = m_store->logs();
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(logs[0].event_name, "exception");
    EXPECT_EQ(logs[0].severity, Severity::error);
    ASSERT_EQ(logs[0].attributes.size(), 3u);
    EXPECT_EQ(logs[0].attributes[0].key, "exception.type");
    EXPECT_EQ(logs[0].span_id, SpanId {3});
}

TEST_F(LoggerProviderTest, BatchProcessingDeliversAtShutdown) {
    auto provider = make_provider(Severity::info, LogProcessing::batch);
    for (int index = 0; index < 10; ++index)
        k_logger.info("line");
    provider->shutdown();
    EXPECT_EQ(m_store->logs().size(), 10u);
    k_logger.info("after shutdown");
    EXPECT_EQ(m_store->logs().size(), 10u);
}

}  // namespace
}  // namespace sc::telemetry::sdk
