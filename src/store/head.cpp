#include "store/head.hpp"

#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>

#include "store/hash.hpp"
#include "util/files.hpp"

namespace sc::store {

static constexpr std::string_view k_magic = "scopecraft-store-head 2\n";

std::string encode_head(const HeadState& head) {
    std::string text(k_magic);
    char line[128];
    std::snprintf(line, sizeof line, "seq %" PRIu64 "\nlast_time %" PRId64 "\n", head.seq, head.last_time_unix_nanos);
    text += line;
    for (Signal signal : k_all_signals) {
        const ActiveSegment& active = head.of(signal);
        std::snprintf(line, sizeof line, "%s %s %u %" PRIu64 "\n", std::string(signal_name(signal)).c_str(),
                      active.number == 0 ? "-" : format_day(active.day).c_str(), active.number, active.size);
        text += line;
    }
    std::snprintf(line, sizeof line, "index %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", head.index_generation,
                  head.index_log_bytes, head.heads_capacity, head.heads_count);
    text += line;
    std::snprintf(line, sizeof line, "check %016" PRIx64 "\n", fnv1a64(text));
    text += line;
    text.resize(k_head_bytes - 1, ' ');
    text += '\n';
    return text;
}

bool decode_head(std::string_view text, HeadState& head) {
    if (text.size() != k_head_bytes || text.substr(0, k_magic.size()) != k_magic)
        return false;
    size_t check_at = text.find("check ");
    if (check_at == std::string_view::npos)
        return false;
    std::string body(text.substr(0, check_at));
    uint64_t check = 0;
    if (std::sscanf(std::string(text.substr(check_at, 40)).c_str(), "check %16" SCNx64, &check) != 1 ||
        check != fnv1a64(body))
        return false;
    HeadState decoded;
    const char* cursor = body.c_str() + k_magic.size();
    int consumed = 0;
    if (std::sscanf(cursor, "seq %" SCNu64 "\nlast_time %" SCNd64 "\n%n", &decoded.seq, &decoded.last_time_unix_nanos,
                    &consumed) != 2)
        return false;
    cursor += consumed;
    for (Signal signal : k_all_signals) {
        char name[16] = {}, day[16] = {};
        unsigned number = 0;
        uint64_t size = 0;
        if (std::sscanf(cursor, "%15s %15s %u %" SCNu64 "\n%n", name, day, &number, &size, &consumed) != 4 ||
            signal_name(signal) != name)
            return false;
        cursor += consumed;
        ActiveSegment& active = decoded.of(signal);
        active.number = number;
        active.size = size;
        if (number != 0 && !parse_day(day, active.day))
            return false;
    }
    if (std::sscanf(cursor, "index %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 "\n", &decoded.index_generation,
                    &decoded.index_log_bytes, &decoded.heads_capacity, &decoded.heads_count) != 4)
        return false;
    head = decoded;
    return true;
}

Result<HeadState> read_head(int fd, const std::string& path) {
    char buffer[k_head_bytes];
    ssize_t got = 0;
    do {
        got = ::pread(fd, buffer, sizeof buffer, 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return files::from_errno(errno, "reading the store head", path);
    HeadState head;
    if (static_cast<size_t>(got) != k_head_bytes || !decode_head(std::string_view(buffer, sizeof buffer), head))
        return make_error(ErrorCode::not_found, "store head is missing or damaged", Location {path, 0, {}},
                          "it is rebuilt from the segments");
    return head;
}

Status write_head(int fd, const std::string& path, const HeadState& head) {
    std::string text = encode_head(head);
    ssize_t wrote = 0;
    do {
        wrote = ::pwrite(fd, text.data(), text.size(), 0);
    } while (wrote < 0 && errno == EINTR);
    if (wrote < 0)
        return files::from_errno(errno, "writing the store head", path);
    if (static_cast<size_t>(wrote) != text.size())
        return make_error(ErrorCode::io, "short write of the store head", Location {path, 0, {}},
                          "check free disk space");
    return {};
}

}  // namespace sc::store
