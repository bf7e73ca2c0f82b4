#pragma once
// One summary per trace, kept as derived data (`<telemetry>/projections/traces.summary`) so
// that a trace list over a store of a million spans reads a compact file plus the trace lines
// appended since, instead of parsing every span (docs/store.md, "Projections"). The one query
// layer of `sc traces list`, the MCP traces tool and the viewer's trace list.
//
// A summary is a digest of the spans seen so far: start, end, span and error counts, the span
// ids (hashed, to tell roots from children that arrive before or after their parent), the
// spans whose parent is not in the trace (root candidates, in store order), the distinct span
// names (lower case) and the hashes of every attribute KEY and value-as-text: all the filter
// language of trace_query.hpp needs. Digests of the same trace merge in store order, so the
// file is a journal: a batch "B <from>", one line per trace it touched, "P <to>"; a batch
// counts only when its "B" names the position the file had reached and its "P" is whole, so
// a writer killed mid-batch, or two processes catching up at once, leave a file that reads
// as the last whole batch. A file of another version, or one whose position the store no
// longer has (replaced, pruned), is rebuilt from the traces.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "observe/signal_query.hpp"
#include "observe/trace_digest.hpp"
#include "store/layout.hpp"
#include "util/result.hpp"

namespace sc::observe {

/// A position in the traces signal: just past `offset` bytes of `segment`.
struct TracePosition {
    std::optional<store::SegmentId> segment;
    uint64_t offset = 0;
    auto operator<=>(const TracePosition&) const = default;
};

struct TraceListing {
    std::vector<TraceSummary> traces;  // oldest first (by start, then first seen)
    LoadStats stats;                   // lines skipped since the summaries were built
};

/// The summaries of one store, in memory, brought up to date from the store on each query.
class TraceSummaries {
public:
    explicit TraceSummaries(std::string store_root);

    /// Loads the file (first call), reads the trace lines appended since its position,
    /// appends them to the file as one batch (or rewrites it when it has grown much longer
    /// than the traces it holds). Failing to write the file is not an error: it is derived.
    /// `max_bytes` stops after about that many bytes of trace lines (a keeper's step); the
    /// answer says whether more remains.
    Result<bool> catch_up(uint64_t max_bytes = UINT64_MAX);
    /// The traces that pass `filter`, oldest first (then `filter.last` kept).
    [[nodiscard]] TraceListing query(const TraceFilter& filter) const;
    /// The digests of the traces whose id starts with `prefix` (lower case).
    [[nodiscard]] std::vector<const TraceDigest*> starting_with(std::string_view prefix) const;

    [[nodiscard]] const TracePosition& position() const { return m_position; }
    [[nodiscard]] size_t size() const { return m_traces.size(); }
    /// How the last catch_up began: 'l' loaded the file, 'r' rebuilt from the store (no file,
    /// another version, or a position the store no longer has), ' ' kept what was in memory.
    [[nodiscard]] char last_start() const { return m_last_start; }

    static std::string path_of(const std::string& store_root);
    static constexpr std::string_view k_header = "# scopecraft trace summaries v2 (derived; safe to delete)";

private:
    void load();
    void add_digest(TraceDigest&& digest);
    Status write_batch(const TracePosition& from, const std::vector<TraceDigest>& batch);
    Status rewrite();

    std::string m_root;
    std::string m_path;
    bool m_loaded = false;
    char m_last_start = ' ';
    TracePosition m_position;
    std::string m_first_segment;  // the oldest trace segment when the file was built
    uint64_t m_corrupt = 0;
    uint64_t m_unparsable = 0;
    uint64_t m_file_lines = 0;  // trace lines in the file, for the compaction rule
    bool m_torn_tail = false;   // the file ends in a line without its newline
    std::vector<TraceDigest> m_traces;
    std::unordered_map<std::string, size_t> m_index;
};

/// The one query layer: the store's summaries, kept per store for the life of the process (a
/// server answers from memory; `sc` loads the file once), caught up, then filtered.
Result<TraceListing> list_traces(const std::string& store_root, const TraceFilter& filter);

/// The spans of the trace whose id is `trace_id` or starts with it (8 or more hex digits), read
/// from the store lines its summary names; what find_trace answers, errors included (it is the
/// fallback when the summary does not know the trace or a line cannot be read back).
Result<std::vector<SpanRecord>> load_trace(const std::string& store_root, const std::string& trace_id);

/// Keeps the process's summaries of a store caught up on a thread of its own, a few MiB of new
/// lines at a time, so that a server's trace list finds them ready (the first build of a large
/// store runs here, not in a request). Stopped and joined when destroyed.
class TraceSummaryKeeper {
public:
    TraceSummaryKeeper(std::string store_root, std::chrono::milliseconds interval);
    ~TraceSummaryKeeper();
    TraceSummaryKeeper(const TraceSummaryKeeper&) = delete;
    TraceSummaryKeeper& operator=(const TraceSummaryKeeper&) = delete;

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace sc::observe
