#pragma once
// Where everything lives inside a store directory (docs/store.md, "Layout"):
//
//   events/YYYY-MM-DD/events-NNNNNN.jsonl[.zst]   domain event envelopes
//   traces|metrics|logs/YYYY-MM-DD/<kind>-NNNNNN.jsonl[.zst]   one OTLP JSON request per line
//   index/      derived: head file, per-stream index files (deletable, rebuilt on demand)
//   cursors/    named consumer positions
//   quarantine/ bytes moved aside by repairs, never deleted by the store
//   store.lock  the writers' flock (outside index/ so deleting index/ cannot split writers)

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sc::store {

/// The four kinds of record a store holds, each in its own folder.
enum class Signal : uint8_t { events = 0, traces = 1, metrics = 2, logs = 3 };
inline constexpr std::array<Signal, 4> k_all_signals {Signal::events, Signal::traces, Signal::metrics, Signal::logs};

std::string_view signal_name(Signal signal);
/// "events" -> Signal::events; false for anything else.
bool parse_signal(std::string_view name, Signal& signal);

/// Folders are created 0700 and files 0600: telemetry may hold private details.
inline constexpr unsigned k_folder_mode = 0700;
inline constexpr unsigned k_file_mode = 0600;
/// In quarantine/: one line per loss a writer found and rebuilt past, "lost FIRST LAST SEGMENT
/// FOUND_BYTES HEAD_BYTES" (seqs FIRST..LAST were acknowledged in index/head and are gone);
/// reported by `telemetry check`, filed away (renamed) by a repair.
inline constexpr std::string_view k_lost_events_file = "lost-events.txt";

/// A UTC day as a count of days since 1970-01-01.
using Day = int32_t;
Day day_of_unix_nanos(int64_t unix_nanos);
int64_t unix_nanos_of_day(Day day);
/// "YYYY-MM-DD".
std::string format_day(Day day);
bool parse_day(std::string_view text, Day& day);
/// Calendar conversions (proleptic Gregorian), exact for every day.
Day days_from_civil(int year, unsigned month, unsigned day);
void civil_from_days(Day days, int& year, unsigned& month, unsigned& day);

/// One segment file: a signal, the day folder it lives in, and its number within the day.
struct SegmentId {
    Signal signal = Signal::events;
    Day day = 0;
    uint32_t number = 1;

    /// "events/2026-11-27/events-000001.jsonl" (+ ".zst" when compressed).
    [[nodiscard]] std::string relative_path(bool compressed = false) const;
    auto operator<=>(const SegmentId&) const = default;
};

/// Parses a path relative to the store root as produced by SegmentId::relative_path.
bool parse_segment_path(std::string_view relative, SegmentId& id, bool& compressed);

/// A segment found on disk.
struct SegmentFile {
    SegmentId id;
    bool compressed = false;
    uint64_t bytes = 0;  // size on disk (compressed size for .zst)
    [[nodiscard]] std::string relative_path() const { return id.relative_path(compressed); }
};

/// Paths inside a store root.
class Layout {
public:
    explicit Layout(std::string root);
    [[nodiscard]] const std::string& root() const { return m_root; }
    [[nodiscard]] std::string path(std::string_view relative) const;
    [[nodiscard]] std::string segment_path(const SegmentId& id, bool compressed = false) const;
    [[nodiscard]] std::string day_folder(Signal signal, Day day) const;
    [[nodiscard]] std::string lock_path() const { return m_root + "/store.lock"; }
    [[nodiscard]] std::string index_folder() const { return m_root + "/index"; }
    [[nodiscard]] std::string head_path() const { return m_root + "/index/head"; }
    [[nodiscard]] std::string streams_folder() const { return m_root + "/index/streams"; }
    [[nodiscard]] std::string cursors_folder() const { return m_root + "/cursors"; }
    [[nodiscard]] std::string quarantine_folder() const { return m_root + "/quarantine"; }

    /// Day folders of a signal, oldest first. A missing signal folder is an empty list.
    [[nodiscard]] Result<std::vector<Day>> list_days(Signal signal) const;
    /// Segments of one day, in order. When both a plain and a compressed copy exist (a
    /// compression was interrupted before removing the plain file) the plain one is listed.
    [[nodiscard]] Result<std::vector<SegmentFile>> list_segments(Signal signal, Day day) const;
    /// Every segment of a signal, oldest first.
    [[nodiscard]] Result<std::vector<SegmentFile>> list_all_segments(Signal signal) const;

private:
    std::string m_root;
};

/// Creates a folder and its missing parents with mode 0700.
Status make_private_directories(const std::string& path);

}  // namespace sc::store
