#include "store/follower.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>

#include <nlohmann/json.hpp>

#include "store/segment_file.hpp"
#include "util/files.hpp"

namespace sc::store {

std::string Cursor::to_json() const {
    nlohmann::json out = {{"signal", signal_name(signal)},
                          {"segment", segment ? segment->relative_path() : std::string()},
                          {"offset", offset},
                          {"seq", seq}};
    return out.dump();
}

Result<Cursor> Cursor::from_json(std::string_view text, const std::string& path) {
    auto bad = [&](const std::string& why) {
        return make_error(ErrorCode::parse, "cursor file is damaged: " + why, Location {path, 0, {}},
                          "delete it to start from the beginning");
    };
    nlohmann::json in = nlohmann::json::parse(text, nullptr, false);
    if (in.is_discarded() || !in.is_object())
        return bad("not a JSON object");
    Cursor cursor;
    if (!in.contains("signal") || !in["signal"].is_string() ||
        !parse_signal(in["signal"].get<std::string>(), cursor.signal))
        return bad("no valid \"signal\"");
    if (in.contains("segment") && in["segment"].is_string() && !in["segment"].get<std::string>().empty()) {
        SegmentId id;
        bool compressed = false;
        if (!parse_segment_path(in["segment"].get<std::string>(), id, compressed) || id.signal != cursor.signal)
            return bad("no valid \"segment\"");
        cursor.segment = id;
    }
    if (in.contains("offset") && in["offset"].is_number_unsigned())
        cursor.offset = in["offset"].get<uint64_t>();
    if (in.contains("seq") && in["seq"].is_number_unsigned())
        cursor.seq = in["seq"].get<uint64_t>();
    return cursor;
}

static Status check_cursor_name(std::string_view name) {
    bool ok = !name.empty() && name.size() <= 64 && name[0] != '.';
    for (char c : name)
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-');
    if (!ok)
        return make_error(ErrorCode::invalid_argument, "bad cursor name \"" + std::string(name) + "\"",
                          "use letters, digits, '.', '_' and '-' (at most 64)");
    return {};
}

Status save_cursor(const Layout& layout, std::string_view name, const Cursor& cursor) {
    SC_TRY(check_cursor_name(name));
    SC_TRY(make_private_directories(layout.cursors_folder()));
    return files::write_atomic(layout.cursors_folder() + "/" + std::string(name) + ".json", cursor.to_json() + "\n",
                               files::Durability::none, k_file_mode);
}

Result<std::optional<Cursor>> load_cursor(const Layout& layout, std::string_view name) {
    SC_TRY(check_cursor_name(name));
    std::string path = layout.cursors_folder() + "/" + std::string(name) + ".json";
    Result<std::string> text = files::read(path);
    if (!text.ok()) {
        if (text.error().code == ErrorCode::not_found)
            return std::optional<Cursor> {};
        return std::move(text).error();
    }
    Cursor cursor = SC_TRY(Cursor::from_json(*text, path));
    return std::optional<Cursor> {cursor};
}

Result<Follower> Follower::open(const std::string& root, Cursor from) {
    int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return files::from_errno(errno, "watching the store", root);
    Follower follower(Layout(root), from, fd);
    follower.watch();
    return follower;
}

Follower::Follower(Layout layout, Cursor from, int inotify_fd)
    : m_layout(std::move(layout)), m_cursor(from), m_inotify(inotify_fd) {}

Follower::Follower(Follower&& other) noexcept
    : m_layout(std::move(other.m_layout)), m_cursor(other.m_cursor), m_inotify(other.m_inotify) {
    other.m_inotify = -1;
}

Follower& Follower::operator=(Follower&& other) noexcept {
    if (this != &other) {
        if (m_inotify >= 0)
            ::close(m_inotify);
        m_layout = std::move(other.m_layout);
        m_cursor = other.m_cursor;
        m_inotify = other.m_inotify;
        other.m_inotify = -1;
    }
    return *this;
}

Follower::~Follower() {
    if (m_inotify >= 0)
        ::close(m_inotify);
}

void Follower::watch() {
    // Every append rewrites index/head, so one watch on index/ wakes us for every signal; the
    // root and the signal folder are watched for the first append and for new days. Adding a
    // watch that exists is a cheap no-op, so this runs before every wait.
    constexpr uint32_t k_changes = IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE;
    ::inotify_add_watch(m_inotify, m_layout.root().c_str(), k_changes);
    ::inotify_add_watch(m_inotify, m_layout.index_folder().c_str(), k_changes);
    ::inotify_add_watch(m_inotify, m_layout.path(signal_name(m_cursor.signal)).c_str(), k_changes);
}

Result<ReadStats> Follower::poll(const std::function<bool(const FollowedLine&)>& visit) {
    ReadStats stats;
    std::vector<SegmentFile> segments = SC_TRY(m_layout.list_all_segments(m_cursor.signal));
    for (const SegmentFile& segment : segments) {
        if (m_cursor.segment && segment.id < *m_cursor.segment)
            continue;
        if (!m_cursor.segment || segment.id != *m_cursor.segment) {
            m_cursor.segment = segment.id;  // the previous one is finished: writers only move on
            m_cursor.offset = 0;
        }
        std::string relative = segment.relative_path();
        Result<SegmentBuffer> read = read_segment(m_layout.path(relative), segment.compressed, m_cursor.offset);
        if (!read.ok()) {
            if (read.error().code == ErrorCode::not_found)
                continue;
            return std::move(read).error();
        }
        ++stats.segments_read;
        const SegmentBuffer& buffer = *read;
        std::string_view content = buffer.content();
        const uint64_t start = m_cursor.offset;  // where `content` begins in the segment
        size_t position = 0;
        bool stop = false;
        while (!stop) {
            size_t end = content.find('\n', position);
            if (end == std::string_view::npos)
                break;
            std::string_view line = content.substr(position, end - position);
            Cursor after = m_cursor;
            after.offset = start + end + 1;
            ++stats.lines_read;
            EventView event;
            bool valid = true;
            if (m_cursor.signal == Signal::events) {
                valid = m_parser.parse(line, buffer.bytes.size() - position, event);
                if (valid)
                    after.seq = event.seq;
            } else {
                valid = line.size() >= 2 && line.front() == '{' && line.back() == '}';
            }
            if (valid) {
                ++stats.matched;
                FollowedLine followed {line, m_cursor.signal == Signal::events ? &event : nullptr, &after};
                stop = !visit(followed);
            } else {
                ++stats.corrupt;
                stats.add_problem(relative, start + position, "not a valid record");
            }
            m_cursor = after;
            position = end + 1;
        }
        if (stop)
            break;
    }
    return stats;
}

Result<bool> Follower::wait(std::chrono::milliseconds timeout) {
    watch();
    pollfd waiting {m_inotify, POLLIN, 0};
    int ready = ::poll(&waiting, 1, static_cast<int>(timeout.count()));
    if (ready < 0) {
        if (errno == EINTR)
            return false;
        return files::from_errno(errno, "waiting for the store", m_layout.root());
    }
    if (ready == 0)
        return false;
    char drain[4096];
    while (::read(m_inotify, drain, sizeof drain) > 0) {
    }
    return true;
}

}  // namespace sc::store
