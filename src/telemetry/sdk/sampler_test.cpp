// Samplers: ratio within tolerance, the parent-based rules, and the spec's descriptions.

#include "telemetry/sdk/sampler.hpp"

#include <gtest/gtest.h>

#include "telemetry/sdk/ids.hpp"

namespace sc::telemetry::sdk {
namespace {

int count_sampled(const Sampler& sampler, int trials) {
    int sampled = 0;
    for (int index = 0; index < trials; ++index)
        if (sampler.should_sample(nullptr, new_trace_id(), "span", SpanKind::internal, {}) ==
            SamplingDecision::record_and_sample)
            ++sampled;
    return sampled;
}

TEST(Sampler, TraceIdRatioSamplesTheRatioWithinTolerance) {
    for (double ratio : {0.01, 0.1, 0.25, 0.5, 0.9}) {
        auto sampler = make_trace_id_ratio_sampler(ratio);
        int sampled = count_sampled(*sampler, 100000);
        // Binomial standard deviation is at most 158 at 100,000 trials: allow 5 of them.
        EXPECT_NEAR(sampled, ratio * 100000, 800) << "ratio " << ratio;
    }
}

TEST(Sampler, TraceIdRatioExtremesAreExact) {
    EXPECT_EQ(count_sampled(*make_trace_id_ratio_sampler(0.0), 10000), 0);
    EXPECT_EQ(count_sampled(*make_trace_id_ratio_sampler(1.0), 10000), 10000);
    EXPECT_EQ(count_sampled(*make_trace_id_ratio_sampler(-3.0), 1000), 0);
    EXPECT_EQ(count_sampled(*make_trace_id_ratio_sampler(7.0), 1000), 1000);
}

TEST(Sampler, TraceIdRatioDecidesFromTheTraceIdAlone) {
    auto sampler = make_trace_id_ratio_sampler(0.5);
    for (int index = 0; index < 1000; ++index) {
        TraceId id = new_trace_id();
        EXPECT_EQ(sampler->should_sample(nullptr, id, "a", SpanKind::internal, {}),
                  sampler->should_sample(nullptr, id, "b", SpanKind::server, {}));
    }
    // A higher ratio samples a superset (consistent probability sampling).
    auto higher = make_trace_id_ratio_sampler(0.75);
    for (int index = 0; index < 1000; ++index) {
        TraceId id = new_trace_id();
        if (sampler->should_sample(nullptr, id, "a", SpanKind::internal, {}) == SamplingDecision::record_and_sample) {
            EXPECT_EQ(higher->should_sample(nullptr, id, "a", SpanKind::internal, {}),
                      SamplingDecision::record_and_sample);
        }
    }
}

TEST(Sampler, ParentBasedFollowsASampledOrUnsampledParent) {
    auto sampler = make_parent_based_sampler(make_always_off_sampler());
    SpanContext parent {{1, 2}, {3}, k_trace_flag_sampled, true, {}};
    EXPECT_EQ(sampler->should_sample(&parent, parent.trace_id, "x", SpanKind::internal, {}),
              SamplingDecision::record_and_sample);
    parent.trace_flags = 0;
    auto always = make_parent_based_sampler(make_always_on_sampler());
    EXPECT_EQ(always->should_sample(&parent, parent.trace_id, "x", SpanKind::internal, {}), SamplingDecision::drop);
    parent.remote = false;
    EXPECT_EQ(always->should_sample(&parent, parent.trace_id, "x", SpanKind::internal, {}), SamplingDecision::drop);
}

TEST(Sampler, ParentBasedUsesTheRootSamplerWithoutAValidParent) {
    auto on = make_parent_based_sampler(make_always_on_sampler());
    auto off = make_parent_based_sampler(make_always_off_sampler());
    SpanContext invalid;
    EXPECT_EQ(on->should_sample(nullptr, new_trace_id(), "x", SpanKind::internal, {}),
              SamplingDecision::record_and_sample);
    EXPECT_EQ(off->should_sample(&invalid, new_trace_id(), "x", SpanKind::internal, {}), SamplingDecision::drop);
}

TEST(Sampler, DescriptionsFollowTheSpecification) {
    EXPECT_EQ(make_always_on_sampler()->description(), "AlwaysOnSampler");
    EXPECT_EQ(make_always_off_sampler()->description(), "AlwaysOffSampler");
    EXPECT_EQ(make_trace_id_ratio_sampler(0.25)->description(), "TraceIdRatioBased{0.25}");
    EXPECT_EQ(
        make_parent_based_sampler(make_always_on_sampler())->description().rfind("ParentBased{root:AlwaysOnSampler", 0),
        0u);
}

}  // namespace
}  // namespace sc::telemetry::sdk
