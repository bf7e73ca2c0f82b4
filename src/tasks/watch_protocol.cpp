#include "tasks/watch_protocol.hpp"

#include <algorithm>
#include <charconv>

#include "tasks/layout.hpp"

namespace sc::tasks {

namespace {

/// Takes the next space- or newline-ended word of `text` from `at`.
std::string_view word(std::string_view text, size_t& at) {
    size_t end = at;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n')
        ++end;
    std::string_view taken = text.substr(at, end - at);
    at = end < text.size() ? end + 1 : end;
    return taken;
}

}  // namespace

std::string hex16(uint64_t value) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, value >>= 4)
        out[static_cast<size_t>(i)] = k_digits[value & 0xf];
    return out;
}

std::string watch_request(uint64_t roots, std::string_view token) {
    std::string request(k_watch_protocol);
    request += ' ';
    request += hex16(roots);
    request += ' ';
    request += token.empty() ? std::string_view("-") : token;
    request += '\n';
    return request;
}

std::optional<WatchRequest> parse_watch_request(std::string_view bytes) {
    size_t newline = bytes.find('\n');
    if (newline == std::string_view::npos)
        return std::nullopt;
    std::string_view line = bytes.substr(0, newline);
    if (!line.starts_with(k_watch_protocol) || line.size() <= k_watch_protocol.size() ||
        line[k_watch_protocol.size()] != ' ')
        return std::nullopt;
    line.remove_prefix(k_watch_protocol.size() + 1);
    size_t space = line.find(' ');
    if (space == std::string_view::npos)
        return std::nullopt;
    return WatchRequest {line.substr(0, space), line.substr(space + 1)};
}

std::optional<WatchToken> parse_watch_token(std::string_view token) {
    constexpr size_t k_hex = 16;
    if (token.size() <= k_hex + 1 || token[k_hex] != '-')
        return std::nullopt;
    WatchToken parsed;
    for (char c : token.substr(0, k_hex)) {
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (digit < 0)
            return std::nullopt;  // hex16 writes lowercase only
        parsed.instance = (parsed.instance << 4) | static_cast<uint64_t>(digit);
    }
    std::string_view number = token.substr(k_hex + 1);
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), parsed.seq);
    if (error != std::errc() || end != number.data() + number.size())
        return std::nullopt;
    return parsed;
}

std::optional<WatchAnswer> parse_watch_answer(std::string_view text) {
    if (!text.starts_with(k_watch_protocol) || text.size() <= k_watch_protocol.size() ||
        text[k_watch_protocol.size()] != ' ')
        return std::nullopt;
    size_t at = k_watch_protocol.size() + 1;
    std::string_view kind = word(text, at);
    WatchAnswer answer;
    answer.token = std::string(word(text, at));
    if (!parse_watch_token(answer.token))
        return std::nullopt;  // it would be kept with the caches and sent back: only a real one
    if (kind == "anything")
        return at == text.size() && text.back() == '\n' ? std::optional<WatchAnswer>(std::move(answer)) : std::nullopt;
    if (kind != "files")
        return std::nullopt;
    std::string_view count_text = word(text, at);
    size_t count = 0;
    auto [end, error] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (error != std::errc() || end != count_text.data() + count_text.size() || count_text.empty())
        return std::nullopt;
    answer.anything = false;
    // No more keys than the bytes left can hold ("store:x\n" is the shortest), whatever the count says.
    answer.files.reserve(std::min(count, (text.size() - at) / 8));
    for (size_t i = 0; i < count; ++i) {
        size_t newline = text.find('\n', at);
        if (newline == std::string_view::npos)
            return std::nullopt;  // cut short
        std::string_view key = text.substr(at, newline - at);
        if (!split_model_key(key))
            return std::nullopt;  // a key the caller would take for a path outside the trees
        answer.files.emplace_back(key);
        at = newline + 1;
    }
    if (at != text.size())
        return std::nullopt;
    return answer;
}

std::optional<std::pair<TreeKind, std::string_view>> split_model_key(std::string_view key) {
    for (TreeKind kind : {TreeKind::store, TreeKind::project_local}) {
        std::string_view name = to_string(kind);
        if (key.size() > name.size() && key.starts_with(name) && key[name.size()] == ':') {
            std::string_view path = key.substr(name.size() + 1);
            if (!validate_relative_path(path).ok())
                return std::nullopt;  // the callers stat and read root + "/" + path
            return std::pair<TreeKind, std::string_view> {kind, path};
        }
    }
    return std::nullopt;
}

}  // namespace sc::tasks
