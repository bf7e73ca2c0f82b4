#include "tasks/watch_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "tasks/task_record.hpp"
#include "util/peer_uid.hpp"
#include "util/socket_io.hpp"

namespace sc::tasks {

namespace {

constexpr uint64_t k_fnv_offset = 14695981039346656037ULL;
constexpr uint64_t k_fnv_prime = 1099511628211ULL;

uint64_t fnv1a(std::string_view bytes, uint64_t hash = k_fnv_offset) {
    for (char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= k_fnv_prime;
    }
    return hash;
}

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

std::string store_dir_of_tree(const std::string& tree_root) {
    size_t slash = tree_root.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : tree_root.substr(0, slash);
}

std::string watch_socket_path(const std::string& store_dir, const std::string& runtime_dir) {
    std::string path = store_dir + "/watch.sock";
    if (path.size() <= k_max_socket_path)
        return path;
    std::string runtime = runtime_dir.empty() ? std::string("/tmp") : runtime_dir;
    return runtime + "/sc-" + std::to_string(::geteuid()) + "/watch-" + hex16(fnv1a(store_dir)) + ".sock";
}

uint64_t roots_digest(const TreeRoots& roots) {
    uint64_t hash = fnv1a(roots.store);
    hash = fnv1a(std::string_view("\0", 1), hash);
    return fnv1a(roots.project_local, hash);
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

std::optional<WatchAnswer> parse_watch_answer(std::string_view text) {
    if (!text.starts_with(k_watch_protocol) || text.size() <= k_watch_protocol.size() ||
        text[k_watch_protocol.size()] != ' ')
        return std::nullopt;
    size_t at = k_watch_protocol.size() + 1;
    std::string_view kind = word(text, at);
    WatchAnswer answer;
    answer.token = std::string(word(text, at));
    if (answer.token.empty())
        return std::nullopt;
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
    answer.files.reserve(std::min<size_t>(count, 100000));
    for (size_t i = 0; i < count; ++i) {
        size_t newline = text.find('\n', at);
        if (newline == std::string_view::npos)
            return std::nullopt;  // cut short
        answer.files.emplace_back(text.substr(at, newline - at));
        at = newline + 1;
    }
    if (at != text.size())
        return std::nullopt;
    return answer;
}

std::optional<WatchAnswer> ask_watch(const std::string& socket_path, const TreeRoots& roots, std::string_view token,
                                     int timeout_ms) {
    if (socket_path.size() >= sizeof(sockaddr_un::sun_path))
        return std::nullopt;
    if (timeout_ms < 0) {
        timeout_ms = k_watch_timeout_ms;
        if (const char* value = std::getenv("SCOPECRAFT_WATCH_TIMEOUT_MS")) {
            int asked = 0;
            auto [end, error] = std::from_chars(value, value + std::strlen(value), asked);
            if (error == std::errc() && *end == '\0' && asked > 0)
                timeout_ms = asked;
        }
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return std::nullopt;
    // Non-blocking from here: a service that accepts nothing must not hold the command.
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer {fd};
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        // ENOENT (no service ever ran), ECONNREFUSED (it died: a stale socket), EAGAIN (its
        // backlog is full): the caller walks the tree.
        if (errno != EINPROGRESS || !socket_io::wait_for(fd, POLLOUT, deadline))
            return std::nullopt;
        int failure = 0;
        socklen_t length = sizeof failure;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) != 0 || failure != 0)
            return std::nullopt;
    }
    if (!peer::is_own_user(fd))
        return std::nullopt;  // another user's socket: its answer would be theirs to make up
    std::string request = watch_request(roots_digest(roots), token);
    std::string answer;
    if (!socket_io::send_all(fd, request, deadline) || !socket_io::receive_to_end(fd, answer, deadline))
        return std::nullopt;  // the service closes after its answer; a slow one is no answer
    return parse_watch_answer(answer);
}

std::optional<std::pair<TreeKind, std::string_view>> split_model_key(std::string_view key) {
    for (TreeKind kind : {TreeKind::store, TreeKind::project_local}) {
        std::string_view name = to_string(kind);
        if (key.size() > name.size() && key.starts_with(name) && key[name.size()] == ':')
            return std::pair<TreeKind, std::string_view> {kind, key.substr(name.size() + 1)};
    }
    return std::nullopt;
}

}  // namespace sc::tasks
