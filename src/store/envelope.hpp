#pragma once
// The domain event envelope (docs/event-envelope.schema.json, schema version 1) and how an
// envelope becomes one JSON line. The writer is hand-rolled rather than built with a JSON
// library because it sits on the append path, which has a budget of a microsecond per event.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace sc::store {

inline constexpr int k_envelope_schema_version = 1;

/// Correlation and provenance of an event. Empty strings are left out of the line.
struct EventMeta {
    std::string trace_id;        // W3C trace id (32 hex) of the operation that caused the event
    std::string span_id;         // W3C span id (16 hex)
    std::string correlation_id;  // groups events of one user-level operation
    std::string causation_id;    // id of the event or command that caused this one
    std::string actor;           // who: "user:alice", "agent:claude", "mcp:client"
    std::string host;
    int64_t pid = 0;  // 0: filled in with the appending process's id
    int schema_version = k_envelope_schema_version;
};

/// An event to append. The store assigns seq, version and time.
struct NewEvent {
    std::string stream;            // "task:auth-05K", "session:...", non-empty
    std::string type;              // "TaskCreated", non-empty
    std::string data_json = "{}";  // a JSON object; pretty-printed input is compacted
    EventMeta meta;
    std::string id;  // empty: a UUIDv7 is generated; a retry with the same id is not stored twice
    /// Optimistic concurrency: the stream's version before this event (0: the stream must be
    /// new). A mismatch fails the whole batch with ErrorCode::conflict.
    std::optional<uint64_t> expected_version;
};

/// A fresh UUIDv7 (RFC 9562): 48 bits of milliseconds, then random bits, so ids sort by time.
std::string make_uuid_v7(int64_t unix_nanos);

/// "2026-11-27T13:51:01.123456789Z": always UTC, always nine digits, so that comparing two
/// times as strings compares them as times (scans filter on time without parsing it).
void append_time(std::string& out, int64_t unix_nanos);
/// Parses exactly the format append_time writes. False for anything else.
bool parse_fixed_time(std::string_view text, int64_t& unix_nanos);

/// Checks an event before it is written: required fields present, strings valid UTF-8, data a
/// JSON object. Compacts `data_json` in place so the line holds no newline.
Status validate_new_event(NewEvent& event);

/// UTF-8 validity, with a word-at-a-time shortcut for ASCII text.
bool is_valid_text(std::string_view text);

/// Writes one envelope line (with the trailing newline) to `out`.
/// Everything of an envelope line but its strings and data, with room to spare: the keys, the
/// time, numbers of up to 20 digits, quotes and commas. A line whose strings need no escape is
/// at most this plus the sizes of its strings and data.
constexpr size_t k_envelope_frame_bytes = 320;

void append_envelope_line(std::string& out, const NewEvent& event, uint64_t seq, uint64_t version,
                          int64_t time_unix_nanos, int64_t pid);

}  // namespace sc::store
