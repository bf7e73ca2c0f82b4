// Metrics: temporality, attribute sets, cardinality limit, histograms, asynchronous instruments.

#include "telemetry/sdk/meter_provider.hpp"

#include <gtest/gtest.h>

#include "telemetry/exporters/memory_exporter.hpp"

namespace sc::telemetry::sdk {
namespace {

const Counter<int64_t> k_requests {"scopecraft.test", "test.requests", "{request}", "Requests"};
const Counter<double> k_cost {"scopecraft.test", "test.cost", "USD"};
const UpDownCounter<int64_t> k_active {"scopecraft.test", "test.active"};
constexpr double k_bounds[] = {1.0, 2.0, 5.0};
const Histogram<double> k_duration {"scopecraft.test", "test.duration", "s", "Durations", k_bounds};
const Histogram<double> k_default_duration {"scopecraft.test", "test.default_duration", "s"};

class MeterProviderTest : public ::testing::Test {
protected:
    std::unique_ptr<MeterProvider> make_provider(Temporality temporality, size_t cardinality_limit = 2000) {
        MeterProviderOptions options;
        options.temporality = temporality;
        options.cardinality_limit = cardinality_limit;
        options.clock = &m_clock;
        auto provider = std::make_unique<MeterProvider>(std::move(options));
        provider->install();
        return provider;
    }
    static const MetricData* find(const std::vector<MetricData>& metrics, std::string_view name) {
        for (const MetricData& metric : metrics)
            if (metric.name == name)
                return &metric;
        return nullptr;
    }
    FixedClock m_clock {1'000'000'000};
};

TEST_F(MeterProviderTest, DeltaTemporalityResetsAfterEachCollection) {
    auto provider = make_provider(Temporality::delta);
    k_requests.add(2, {{"route", "a"}});
    k_requests.add(3, {{"route", "a"}});
    m_clock.set(2'000'000'000);
    auto first = provider->collect();
    const MetricData* metric = find(first, "test.requests");
    ASSERT_NE(metric, nullptr);
    EXPECT_EQ(metric->type, MetricType::sum);
    EXPECT_TRUE(metric->monotonic);
    EXPECT_EQ(metric->temporality, Temporality::delta);
    ASSERT_EQ(metric->number_points.size(), 1u);
    EXPECT_EQ(metric->number_points[0].int_value, 5);
    EXPECT_EQ(metric->number_points[0].start_time, 1'000'000'000);
    EXPECT_EQ(metric->number_points[0].time, 2'000'000'000);

    k_requests.add(4, {{"route", "a"}});
    m_clock.set(3'000'000'000);
    auto second = provider->collect();
    metric = find(second, "test.requests");
    ASSERT_NE(metric, nullptr);
    EXPECT_EQ(metric->number_points[0].int_value, 4);
    EXPECT_EQ(metric->number_points[0].start_time, 2'000'000'000);
    EXPECT_EQ(find(provider->collect(), "test.requests"), nullptr);  // nothing new, nothing exported
}

TEST_F(MeterProviderTest, CumulativeTemporalityKeepsSumming) {
    auto provider = make_provider(Temporality::cumulative);
    k_requests.add(2);
    provider->collect();
    k_requests.add(3);
    m_clock.set(5'000'000'000);
    auto metrics = provider->collect();
    const MetricData* metric = find(metrics, "test.requests");
    ASSERT_NE(metric, nullptr);
    EXPECT_EQ(metric->number_points[0].int_value, 5);
    EXPECT_EQ(metric->number_points[0].start_time, 1'000'000'000);
}

TEST_F(MeterProviderTest, AttributeOrderDoesNotSplitStreams) {
    auto provider = make_provider(Temporality::delta);
    k_requests.add(1, {{"a", "1"}, {"b", 2}});
    k_requests.add(1, {{"b", 2}, {"a", "1"}});
    k_requests.add(1, {{"a", "1"}, {"b", 3}});
    k_requests.add(1, {{"a", "x"}, {"a", "1"}, {"b", 2}});  // a repeated key: the last one wins
    auto metrics = provider->collect();
    const MetricData* metric = find(metrics, "test.requests");
    ASSERT_NE(metric, nullptr);
    ASSERT_EQ(metric->number_points.size(), 2u);
    EXPECT_EQ(metric->number_points[0].int_value, 3);
    EXPECT_EQ(metric->number_points[0].attributes.size(), 2u);
    EXPECT_EQ(metric->number_points[0].attributes[0].key, "a");
}

TEST_F(MeterProviderTest, CardinalityLimitSendsNewSetsToTheOverflowStream) {
    auto provider = make_provider(Temporality::delta, 5);
    for (int index = 0; index < 20; ++index)
        k_requests.add(1, {{"id", index}});
    k_requests.add(1, {{"id", 0}});  // an existing stream still counts in place
    auto metrics = provider->collect();
    const MetricData* metric = find(metrics, "test.requests");
    ASSERT_NE(metric, nullptr);
    ASSERT_EQ(metric->number_points.size(), 5u);
    int64_t total = 0;
    const NumberPoint* overflow = nullptr;
    for (const NumberPoint& point : metric->number_points) {
        total += point.int_value;
        if (point.attributes.size() == 1 && point.attributes[0].key == "otel.metric.overflow")
            overflow = &point;
    }
    EXPECT_EQ(total, 21);
    ASSERT_NE(overflow, nullptr);
    EXPECT_EQ(overflow->int_value, 16);
    EXPECT_EQ(std::get<bool>(overflow->attributes[0].value), true);
}

TEST_F(MeterProviderTest, CountersIgnoreNegativeIncrementsButUpDownCountersDoNot) {
    auto provider = make_provider(Temporality::cumulative);
    k_requests.add(-5);
    k_active.add(3);
    k_active.add(-5);
    k_cost.add(0.25);
    k_cost.add(-1.0);
    auto metrics = provider->collect();
    EXPECT_EQ(find(metrics, "test.requests"), nullptr);
    ASSERT_NE(find(metrics, "test.active"), nullptr);
    EXPECT_EQ(find(metrics, "test.active")->number_points[0].int_value, -2);
    EXPECT_FALSE(find(metrics, "test.active")->monotonic);
    EXPECT_DOUBLE_EQ(find(metrics, "test.cost")->number_points[0].double_value, 0.25);
    EXPECT_FALSE(find(metrics, "test.cost")->number_points[0].is_integer);
}

TEST_F(MeterProviderTest, HistogramCountsBucketsSumMinAndMax) {
    auto provider = make_provider(Temporality::delta);
    for (double value : {0.5, 1.0, 1.5, 3.0, 9.0})
        k_duration.record(value);
    k_default_duration.record(0.2);
    auto metrics = provider->collect();
    const MetricData* metric = find(metrics, "test.duration");
    ASSERT_NE(metric, nullptr);
    ASSERT_EQ(metric->histogram_points.size(), 1u);
    const HistogramPoint& point = metric->histogram_points[0];
    EXPECT_EQ(point.count, 5u);
    EXPECT_DOUBLE_EQ(point.sum, 15.0);
    EXPECT_DOUBLE_EQ(point.min, 0.5);
    EXPECT_DOUBLE_EQ(point.max, 9.0);
    // Buckets are (-inf,1], (1,2], (2,5], (5,+inf): upper bounds are inclusive.
    EXPECT_EQ(point.bucket_counts, (std::vector<uint64_t> {2, 1, 1, 1}));
    const MetricData* defaults = find(metrics, "test.default_duration");
    ASSERT_NE(defaults, nullptr);
    EXPECT_EQ(defaults->histogram_points[0].boundaries.front(), 0.005);  // seconds
}

TEST_F(MeterProviderTest, ObservableGaugeAndCounterReportAtCollection) {
    auto provider = make_provider(Temporality::delta);
    static int64_t total = 10;
    observe({"scopecraft.test", "test.queue", "{item}", "", InstrumentKind::observable_gauge, true, {}},
            [](Observer& observer, void*) {
                observer.observe(int64_t {7}, {{"queue", "main"}});
            });
    observe({"scopecraft.test", "test.total", "", "", InstrumentKind::observable_counter, true, {}},
            [](Observer& observer, void*) { observer.observe(total); });
    auto first = provider->collect();
    ASSERT_NE(find(first, "test.queue"), nullptr);
    EXPECT_EQ(find(first, "test.queue")->type, MetricType::gauge);
    EXPECT_EQ(find(first, "test.queue")->number_points[0].int_value, 7);
    EXPECT_EQ(find(first, "test.total")->number_points[0].int_value, 10);
    total = 25;
    auto second = provider->collect();
    EXPECT_EQ(find(second, "test.total")->number_points[0].int_value, 15);  // delta of the totals
}

TEST_F(MeterProviderTest, InstrumentsRebindToANewProvider) {
    {
        auto first = make_provider(Temporality::delta);
        k_requests.add(1);
    }
    auto second = make_provider(Temporality::delta);
    k_requests.add(2);
    auto metrics = second->collect();
    ASSERT_NE(find(metrics, "test.requests"), nullptr);
    EXPECT_EQ(find(metrics, "test.requests")->number_points[0].int_value, 2);
}

TEST_F(MeterProviderTest, ShutdownExportsTheFinalCollectionOnce) {
    auto store = std::make_shared<exporters::MemoryStore>();
    MeterProviderOptions options;
    options.exporters.push_back(std::make_unique<exporters::MemoryMetricExporter>(store));
    options.clock = &m_clock;
    MeterProvider provider(std::move(options));
    provider.install();
    k_requests.add(1);
    EXPECT_TRUE(provider.shutdown());
    EXPECT_TRUE(provider.shutdown());
    EXPECT_EQ(store->metrics().size(), 1u);
    k_requests.add(1);  // uninstalled: a no-op
    EXPECT_EQ(store->metrics().size(), 1u);
}

TEST(MeterProviderPeriodic, ReaderThreadExportsEveryInterval) {
    auto store = std::make_shared<exporters::MemoryStore>();
    MeterProviderOptions options;
    options.exporters.push_back(std::make_unique<exporters::MemoryMetricExporter>(store));
    options.periodic = true;
    options.interval = std::chrono::milliseconds {5};
    MeterProvider provider(std::move(options));
    provider.install();
    for (int attempt = 0; attempt < 400 && store->metrics().empty(); ++attempt) {
        k_requests.add(1);
        std::this_thread::sleep_for(std::chrono::milliseconds {5});
    }
    EXPECT_FALSE(store->metrics().empty());
    provider.shutdown();
}

}  // namespace
}  // namespace sc::telemetry::sdk
