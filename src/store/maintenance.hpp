#pragma once
// What `sc telemetry status|check|prune` call: plain reports with to_json(); the CLI renders
// them. None of these ever deletes a byte it cannot account for: repairs move bad lines to
// quarantine/, pruning only removes whole days that the policy names.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/layout.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace sc::store {

struct DayUsage {
    Signal signal = Signal::events;
    Day day = 0;
    uint32_t segments = 0;
    uint32_t compressed_segments = 0;
    uint64_t bytes = 0;  // on disk
    uint64_t lines = 0;
    uint64_t corrupt = 0;
};

struct StatusReport {
    std::string root;
    uint64_t total_bytes = 0;
    std::array<uint64_t, 4> lines_by_signal {};
    std::array<uint64_t, 4> bytes_by_signal {};
    std::vector<DayUsage> days;  // by signal, oldest first
    uint64_t events = 0;
    uint64_t head_seq = 0;  // 0 when index/ is absent
    std::string oldest_event_time;
    std::string newest_event_time;
    uint64_t corrupt_lines = 0;
    uint64_t incomplete_tails = 0;
    uint64_t quarantined_files = 0;
    [[nodiscard]] std::string to_json() const;
};

/// Reads every segment (a scan: about as fast as the disk and the parser allow).
Result<StatusReport> status(const std::string& root);

struct CheckIssue {
    std::string kind;  // corrupt_line, torn_tail, incomplete_tail, seq_gap, seq_duplicate, events_missing, index_*
    std::string where;
    uint64_t offset = 0;
    std::string detail;
};

struct CheckReport {
    uint64_t segments_checked = 0;
    uint64_t lines_checked = 0;
    uint64_t corrupt_lines = 0;
    uint64_t torn_tails = 0;
    uint64_t seq_problems = 0;
    uint64_t index_problems = 0;
    /// Events index/head acknowledged that no segment holds (after the last stored seq): a
    /// segment emptied, cut or removed by hand. Reported by a repair too, which cannot bring
    /// them back and rebuilds the index without them.
    uint64_t missing_events = 0;
    std::vector<CheckIssue> issues;  // the first k_max_issues
    // Filled by a repair:
    bool repaired = false;
    uint64_t lines_quarantined = 0;
    uint64_t tails_quarantined = 0;
    bool index_rebuilt = false;

    static constexpr size_t k_max_issues = 200;
    [[nodiscard]] bool clean() const {
        return corrupt_lines == 0 && torn_tails == 0 && seq_problems == 0 && index_problems == 0 && missing_events == 0;
    }
    [[nodiscard]] std::string to_json() const;
};

enum class CheckMode { report, repair };

/// Validates every line of every segment, seq continuity, and the indexes against the
/// segments. With CheckMode::repair (under the store lock): torn tails and corrupt lines move
/// to quarantine/<segment>.rejected, their segments are rewritten without them, and index/
/// is rebuilt. The report describes the store as it was found.
Result<CheckReport> check(const std::string& root, CheckMode mode = CheckMode::report);

struct PrunePolicy {
    std::optional<int> max_age_days;          // days older than this are removed (or compressed)
    std::optional<uint64_t> max_total_bytes;  // then the oldest days go until the store fits
    std::optional<int> compress_after_days;   // days older than this are compressed with zstd
    bool compress_instead_of_delete = false;  // max_age_days compresses rather than deletes
    bool dry_run = false;
    const Clock* clock = nullptr;  // nullptr: the system clock
};

struct PruneReport {
    std::vector<std::string> deleted_days;  // "events/2026-11-01"
    std::vector<std::string> compressed_days;
    uint64_t bytes_before = 0;
    uint64_t bytes_after = 0;
    bool dry_run = false;
    [[nodiscard]] std::string to_json() const;
};

/// Applies a retention policy. Today (UTC) and each signal's active day are never touched.
Result<PruneReport> prune(const std::string& root, const PrunePolicy& policy);

/// Compresses every segment of one day of one signal (a no-op for the active day).
Status compress_day(const std::string& root, Signal signal, Day day);

}  // namespace sc::store
