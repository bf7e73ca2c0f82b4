#include "telemetry/sdk/sampler.hpp"

#include <charconv>
#include <cmath>

namespace sc::telemetry::sdk {
namespace {

class AlwaysOnSampler final : public Sampler {
public:
    SamplingDecision should_sample(const SpanContext*, const TraceId&, std::string_view, SpanKind,
                                   AttributeList) const override {
        return SamplingDecision::record_and_sample;
    }
    std::string description() const override { return "AlwaysOnSampler"; }
};

class AlwaysOffSampler final : public Sampler {
public:
    SamplingDecision should_sample(const SpanContext*, const TraceId&, std::string_view, SpanKind,
                                   AttributeList) const override {
        return SamplingDecision::drop;
    }
    std::string description() const override { return "AlwaysOffSampler"; }
};

constexpr uint64_t k_randomness_bits = 56;
constexpr uint64_t k_randomness_mask = (uint64_t {1} << k_randomness_bits) - 1;

class TraceIdRatioSampler final : public Sampler {
public:
    explicit TraceIdRatioSampler(double ratio) {
        if (!(ratio > 0.0))  // also catches NaN
            ratio = 0.0;
        if (ratio > 1.0)
            ratio = 1.0;
        m_ratio = ratio;
        // Reject when the randomness is below the threshold: (1 - ratio) of the 2^56 values.
        long double rejected = (1.0L - static_cast<long double>(ratio)) * static_cast<long double>(1ULL << 56);
        m_threshold = static_cast<uint64_t>(std::llround(rejected));
    }
    SamplingDecision should_sample(const SpanContext*, const TraceId& trace_id, std::string_view, SpanKind,
                                   AttributeList) const override {
        if (m_ratio <= 0.0)
            return SamplingDecision::drop;
        uint64_t randomness = trace_id.low & k_randomness_mask;
        return randomness >= m_threshold ? SamplingDecision::record_and_sample : SamplingDecision::drop;
    }
    std::string description() const override {
        char buffer[64];
        auto result = std::to_chars(buffer, buffer + sizeof buffer, m_ratio);
        return "TraceIdRatioBased{" + std::string(buffer, result.ptr) + "}";
    }

private:
    double m_ratio = 0.0;
    uint64_t m_threshold = 0;
};

class ParentBasedSampler final : public Sampler {
public:
    explicit ParentBasedSampler(std::unique_ptr<Sampler> root) : m_root(std::move(root)) {}
    SamplingDecision should_sample(const SpanContext* parent, const TraceId& trace_id, std::string_view name,
                                   SpanKind kind, AttributeList attributes) const override {
        if (parent == nullptr || !parent->is_valid())
            return m_root->should_sample(parent, trace_id, name, kind, attributes);
        // The spec's defaults for all four parent delegates: follow the parent's flag, whether
        // the parent is remote or local.
        return parent->is_sampled() ? SamplingDecision::record_and_sample : SamplingDecision::drop;
    }
    std::string description() const override {
        return "ParentBased{root:" + m_root->description() +
               ",remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:AlwaysOffSampler,"
               "localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}";
    }

private:
    std::unique_ptr<Sampler> m_root;
};

}  // namespace

std::unique_ptr<Sampler> make_always_on_sampler() {
    return std::make_unique<AlwaysOnSampler>();
}
std::unique_ptr<Sampler> make_always_off_sampler() {
    return std::make_unique<AlwaysOffSampler>();
}
std::unique_ptr<Sampler> make_trace_id_ratio_sampler(double ratio) {
    return std::make_unique<TraceIdRatioSampler>(ratio);
}
std::unique_ptr<Sampler> make_parent_based_sampler(std::unique_ptr<Sampler> root) {
    return std::make_unique<ParentBasedSampler>(std::move(root));
}

}  // namespace sc::telemetry::sdk
