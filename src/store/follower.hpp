#pragma once
// Following a signal as it grows (`sc events follow`, the shipper): read from a position,
// then sleep on inotify until a writer touches the store. Named positions are kept in
// cursors/<name>.json so a consumer resumes where it stopped (at-least-once delivery).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "store/event_parser.hpp"
#include "store/layout.hpp"
#include "store/reader.hpp"
#include "util/result.hpp"

namespace sc::store {

/// A position in one signal: just after `offset` bytes of `segment`. An unset segment is the
/// very beginning of the signal.
struct Cursor {
    Signal signal = Signal::events;
    std::optional<SegmentId> segment;
    uint64_t offset = 0;
    uint64_t seq = 0;  // events: the last seq delivered, for humans and for filters

    [[nodiscard]] std::string to_json() const;
    static Result<Cursor> from_json(std::string_view text, const std::string& path);
};

/// Names are [A-Za-z0-9._-], 1 to 64 characters, not starting with a dot.
Status save_cursor(const Layout& layout, std::string_view name, const Cursor& cursor);
/// nullopt when no cursor of that name exists yet.
Result<std::optional<Cursor>> load_cursor(const Layout& layout, std::string_view name);

/// One line delivered to a follower's visitor; `event` is set for the events signal.
struct FollowedLine {
    std::string_view line;
    const EventView* event = nullptr;
    const Cursor* after = nullptr;  // the position just past this line
};

class Follower {
public:
    static Result<Follower> open(const std::string& root, Cursor from);
    Follower(Follower&&) noexcept;
    Follower& operator=(Follower&&) noexcept;
    Follower(const Follower&) = delete;
    Follower& operator=(const Follower&) = delete;
    ~Follower();

    /// Delivers every complete line past the cursor, advancing it; never blocks. A line still
    /// being written is left for the next poll. The visitor returns false to stop early.
    Result<ReadStats> poll(const std::function<bool(const FollowedLine&)>& visit);
    /// Blocks until a writer may have appended (inotify on index/ and the signal's folders)
    /// or the timeout passes. True when woken by a change.
    Result<bool> wait(std::chrono::milliseconds timeout);

    [[nodiscard]] const Cursor& cursor() const { return m_cursor; }

private:
    Follower(Layout layout, Cursor from, int inotify_fd);
    void watch();

    Layout m_layout;
    Cursor m_cursor;
    int m_inotify = -1;
    EventParser m_parser;
};

}  // namespace sc::store
