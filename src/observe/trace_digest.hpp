#pragma once
// One trace's digest: what a trace list needs of the spans of a trace seen so far (counts,
// times, root candidates, names, attribute hashes, the store lines holding them), built from
// some spans and merged in store order. The unit the trace summaries keep
// (observe/trace_summaries.hpp, docs/store.md "Trace summaries").

#include <cstdint>
#include <string>
#include <vector>

#include "observe/signal_query.hpp"
#include "store/layout.hpp"

namespace sc::observe {

/// One span reduced to what a digest needs; attribute hashes as TraceDigest keeps them.
struct DigestSpan {
    std::string trace_id;
    std::string span_id;
    std::string parent_span_id;
    std::string name;
    std::string service;
    int64_t start = 0;
    int64_t end = 0;
    bool error = false;
    std::vector<uint64_t> attributes;

    static DigestSpan of(const SpanRecord& span);
};

/// The spans of one OTLP JSON trace line as DigestSpans, read with simdjson On-Demand (about
/// ten times faster than parse_trace_line; `capacity` bytes are readable from line.data(), at
/// least line.size() + 64). False when the line holds anything this reader does not mirror
/// exactly (a double, array, map or bytes attribute value, a field given twice, an integer
/// past INT64_MAX, trailing content, malformed JSON): the caller then uses parse_trace_line.
bool read_digest_spans(std::string_view line, size_t capacity, std::vector<DigestSpan>& out);

/// What a trace list needs of one trace's spans (those seen so far).
struct TraceDigest {
    struct Root {
        uint64_t parent = 0;  // hash of the parent span id; 0 for a span without a parent
        int64_t start = 0;
        std::string name;
        std::string service;
    };

    std::string trace_id;
    int64_t start = INT64_MAX;
    int64_t end = INT64_MIN;
    uint64_t spans = 0;
    uint64_t errors = 0;
    std::vector<uint64_t> span_ids;    // hashes, sorted, distinct
    std::vector<Root> roots;           // spans whose parent is not in span_ids, store order
    std::vector<std::string> names;    // distinct lower-case span names
    std::vector<uint64_t> attributes;  // hashes of (KEY, value as text), sorted, distinct
    /// The store lines holding the trace's spans, in store order: `sc traces show` reads these
    /// instead of scanning every trace line for the id.
    struct Line {
        store::SegmentId segment;
        uint64_t offset = 0;
        uint32_t length = 0;
        auto operator<=>(const Line&) const = default;
    };
    std::vector<Line> lines;

    /// The digest of some spans of one trace, in store order.
    static TraceDigest of(const std::vector<const SpanRecord*>& spans);
    static TraceDigest of(const std::vector<const DigestSpan*>& spans);
    /// Adds the spans of `later` (which came after this digest's spans in the store).
    void merge(TraceDigest&& later);
    /// The row of `sc traces list`.
    [[nodiscard]] TraceSummary summary() const;
    /// The filter's conditions other than `last`.
    [[nodiscard]] bool matches(const TraceFilter& filter) const;
};

}  // namespace sc::observe
