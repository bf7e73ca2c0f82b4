#include "store/head.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "store/hash.hpp"
#include "util/files.hpp"

namespace sc::store {

static constexpr std::string_view k_magic = "scopecraft-store-head 2\n";

namespace {

// Written and read by hand: sscanf and snprintf cost more than the rest of a short append,
// and every append reads and writes the head once.
void append_number(std::string& out, uint64_t value) {
    char buffer[24];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, end);
}

void append_signed(std::string& out, int64_t value) {
    char buffer[24];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, end);
}

// Reads "<word> " at the cursor.
bool take_word(std::string_view& text, std::string_view word) {
    if (text.substr(0, word.size()) != word || text.size() <= word.size() || text[word.size()] != ' ')
        return false;
    text.remove_prefix(word.size() + 1);
    return true;
}

// Reads a token ended by a space or a newline (consumed).
bool take_token(std::string_view& text, std::string_view& token, char end) {
    size_t at = text.find(end);
    if (at == std::string_view::npos)
        return false;
    token = text.substr(0, at);
    text.remove_prefix(at + 1);
    return !token.empty();
}

template <typename Number>
bool take_number(std::string_view& text, Number& value, char end, int base = 10) {
    std::string_view token;
    if (!take_token(text, token, end))
        return false;
    auto [stop, error] = std::from_chars(token.data(), token.data() + token.size(), value, base);
    return error == std::errc {} && stop == token.data() + token.size();
}

}  // namespace

std::string encode_head(const HeadState& head) {
    std::string text;
    text.reserve(k_head_bytes);
    text += k_magic;
    text += "seq ";
    append_number(text, head.seq);
    text += "\nlast_time ";
    append_signed(text, head.last_time_unix_nanos);
    text += '\n';
    for (Signal signal : k_all_signals) {
        const ActiveSegment& active = head.of(signal);
        text += signal_name(signal);
        text += ' ';
        text += active.number == 0 ? std::string("-") : format_day(active.day);
        text += ' ';
        append_number(text, active.number);
        text += ' ';
        append_number(text, active.size);
        text += '\n';
    }
    text += "index ";
    append_number(text, head.index_generation);
    text += ' ';
    append_number(text, head.index_log_bytes);
    text += ' ';
    append_number(text, head.heads_capacity);
    text += ' ';
    append_number(text, head.heads_count);
    text += '\n';
    char check[32];
    std::snprintf(check, sizeof check, "check %016" PRIx64 "\n", fnv1a64(text));
    text += check;
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
    std::string_view body = text.substr(0, check_at);
    std::string_view check_text = text.substr(check_at + 6);
    uint64_t check = 0;
    if (!take_number(check_text, check, '\n', 16) || check != fnv1a64(body))
        return false;
    HeadState decoded;
    std::string_view cursor = body.substr(k_magic.size());
    if (!take_word(cursor, "seq") || !take_number(cursor, decoded.seq, '\n') || !take_word(cursor, "last_time") ||
        !take_number(cursor, decoded.last_time_unix_nanos, '\n'))
        return false;
    for (Signal signal : k_all_signals) {
        ActiveSegment& active = decoded.of(signal);
        std::string_view day;
        if (!take_word(cursor, signal_name(signal)) || !take_token(cursor, day, ' ') ||
            !take_number(cursor, active.number, ' ') || !take_number(cursor, active.size, '\n'))
            return false;
        if (active.number != 0 && !parse_day(day, active.day))
            return false;
    }
    if (!take_word(cursor, "index") || !take_number(cursor, decoded.index_generation, ' ') ||
        !take_number(cursor, decoded.index_log_bytes, ' ') || !take_number(cursor, decoded.heads_capacity, ' ') ||
        !take_number(cursor, decoded.heads_count, '\n') || !cursor.empty())
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
    // A long-lived process (the MCP server) reads the same head before every request: the
    // bytes are compared with the last ones this thread decoded (a memcmp of 512 bytes) before
    // being decoded again (6,600 instructions). Decoding depends on the bytes alone, so a head
    // another process rewrote differs and is decoded.
    thread_local std::array<char, k_head_bytes> last_bytes {};
    thread_local HeadState last_head;
    thread_local bool last_valid = false;
    bool whole = static_cast<size_t>(got) == k_head_bytes;
    if (whole && last_valid && std::memcmp(buffer, last_bytes.data(), k_head_bytes) == 0)
        return last_head;
    HeadState head;
    if (!whole || !decode_head(std::string_view(buffer, sizeof buffer), head))
        return make_error(ErrorCode::not_found, "store head is missing or damaged", Location {path, 0, {}},
                          "it is rebuilt from the segments");
    std::memcpy(last_bytes.data(), buffer, k_head_bytes);
    last_head = head;
    last_valid = true;
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
