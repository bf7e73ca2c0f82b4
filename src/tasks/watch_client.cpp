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

}  // namespace

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

}  // namespace sc::tasks
