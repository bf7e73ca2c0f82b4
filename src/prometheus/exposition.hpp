#pragma once
// Writing metric families as Prometheus text exposition 0.0.4 or OpenMetrics 1.0.0, and
// choosing between them from a scraper's Accept header.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sc::prometheus {

enum class Format { text_0_0_4, openmetrics_1_0_0 };

/// The format a scraper asked for: OpenMetrics when the Accept header names
/// application/openmetrics-text (version 1.0.0 or none) with a q higher than any text/plain
/// or */* it also accepts; otherwise (and with no header) the text format 0.0.4.
Format negotiate(std::string_view accept_header);
/// "text/plain; version=0.0.4; charset=utf-8" or
/// "application/openmetrics-text; version=1.0.0; charset=utf-8".
std::string_view content_type(Format format);

enum class SampleType { counter, gauge, histogram, info };

/// A histogram's buckets, each count for its own bucket (not cumulative): counts[i] holds
/// observations in (bounds[i-1], bounds[i]], counts.back() those above the last bound.
struct HistogramSample {
    std::vector<double> bounds;
    std::vector<uint64_t> counts;
    uint64_t count = 0;
    double sum = 0;
    bool with_sum = true;  // _sum only when no observation was negative (the spec's rule)
};

/// An empty histogram over `bounds` (one count per bucket and one for +Inf), for a family this
/// exporter computes itself.
HistogramSample empty_histogram(const std::vector<double>& bounds);
/// Counts one observation into its bucket (the first bound at or above it), `count` and `sum`.
void observe(HistogramSample& histogram, double value);

struct SeriesSample {
    std::string labels;  // rendered, sorted by name: a="x",b="y" (empty for none)
    double value = 0;    // counters and gauges; info series are 1
    HistogramSample histogram;
};

struct FamilySample {
    /// The sample name for counters (with `_total`) and gauges, the base name of a histogram's
    /// `_bucket`/`_sum`/`_count`, and for info the name without `_info` (`target`).
    std::string name;
    SampleType type = SampleType::gauge;
    std::string help;
    std::string unit;  // the unit word, e.g. "seconds"; empty for none
    std::vector<SeriesSample> series;
};

/// The families in the given order. OpenMetrics names a counter's family without `_total`,
/// adds UNIT lines where the family name ends with the unit, writes info families as `info`,
/// and ends with `# EOF`; 0.0.4 writes info families as gauges named `<name>_info`.
std::string render(const std::vector<FamilySample>& families, Format format);

/// `name="value"` pairs, sorted by name, with values escaped: the form SeriesSample::labels
/// wants. Pairs must have distinct names.
std::string render_labels(std::vector<std::pair<std::string, std::string>> labels);

}  // namespace sc::prometheus
