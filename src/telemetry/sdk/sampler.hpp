#pragma once
// Samplers as the OTel SDK specification defines them: always_on, always_off, traceidratio and
// parentbased(root), with OTEL_TRACES_SAMPLER's names.

#include <memory>
#include <string>
#include <string_view>

#include "telemetry/api/trace.hpp"

namespace sc::telemetry::sdk {

enum class SamplingDecision { drop, record_only, record_and_sample };

class Sampler {
public:
    virtual ~Sampler() = default;
    /// `parent` is the parent's context, or null for a root span.
    [[nodiscard]] virtual SamplingDecision should_sample(const SpanContext* parent, const TraceId& trace_id,
                                                         std::string_view name, SpanKind kind,
                                                         AttributeList attributes) const = 0;
    /// The spec's description, e.g. "TraceIdRatioBased{0.25}".
    [[nodiscard]] virtual std::string description() const = 0;
};

std::unique_ptr<Sampler> make_always_on_sampler();
std::unique_ptr<Sampler> make_always_off_sampler();
/// Samples a fraction `ratio` (clamped to [0, 1]) of traces, decided from the trace id alone so
/// that every process of a trace decides the same: the id's low 56 bits (its random part under
/// W3C level 2) are compared with a threshold, as OTel's consistent probability sampling does.
std::unique_ptr<Sampler> make_trace_id_ratio_sampler(double ratio);
/// Follows the parent's sampled flag when there is a parent, `root` otherwise.
std::unique_ptr<Sampler> make_parent_based_sampler(std::unique_ptr<Sampler> root);

}  // namespace sc::telemetry::sdk
