#include "observe/watch_service.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <random>

#include "tasks/watch_client.hpp"
#include "util/peer_uid.hpp"
#include "util/socket_io.hpp"

namespace sc::observe {

namespace {

// The longest request the protocol has ("sc-watch 1 <16 hex> <16 hex>-<20 digits>\n" and
// room): anything longer is not one.
constexpr size_t k_max_request = 256;
// A client that connects and says nothing holds the service this long at most.
constexpr int k_request_timeout_ms = 200;

std::string parent_of(const std::string& path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

uint64_t random_instance() {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device() ^
           static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

/// The per-user runtime folder of a socket that did not fit in the data folder: created 0700,
/// and used only when it is the user's own and nobody else can enter it.
Status prepare_runtime_folder(const std::string& folder) {
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST)
        return make_error(ErrorCode::io, "cannot create " + folder + ": " + std::strerror(errno),
                          "check that its parent folder is writable");
    struct stat info {};
    if (::lstat(folder.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) || info.st_uid != ::geteuid() ||
        (info.st_mode & 077) != 0)
        return make_error(ErrorCode::io, folder + " is not a folder of yours that only you can enter",
                          "remove it (it holds only sockets), then start the service again");
    return {};
}

bool someone_answers(const std::string& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    bool answers = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return answers;
}

}  // namespace

size_t watch_log_bound_from(const char* value) {
    if (value == nullptr || *value == '\0')
        return k_default_watch_log_bound;
    size_t bound = 0;
    std::string_view text(value);
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), bound);
    if (error != std::errc() || end != text.data() + text.size() || bound == 0)
        return k_default_watch_log_bound;
    return bound;
}

Result<std::unique_ptr<WatchService>> WatchService::start(const WatchServiceOptions& options) {
    const std::string& path = options.socket_path;
    if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path))
        return make_error(ErrorCode::invalid_argument, "the socket path " + path + " is too long for a Unix socket",
                          "report this: tasks::watch_socket_path should have chosen a shorter one");
    std::string folder = parent_of(path);
    if (path.find("/sc-" + std::to_string(::geteuid()) + "/") != std::string::npos)
        SC_TRY(prepare_runtime_folder(folder));
    if (someone_answers(path))
        return make_error(ErrorCode::conflict, "a watch service already runs for this project (socket " + path + ")",
                          "use that one, or stop it first (it exits on SIGINT or SIGTERM)");
    std::unique_ptr<WatchService> service(new WatchService());
    service->m_socket_path = path;
    // Armed before the socket exists: whatever a client asks about was watched.
    service->m_watch = options.polling ? TreeWatch::start_polling(options.roots) : TreeWatch::start(options.roots);
    service->m_log = std::make_unique<WatchLog>(random_instance(), options.log_bound);
    TreeChanges first = service->m_watch->drain();
    service->m_exact = !options.polling && !first.anything;
    service->m_log->record(first);
    service->m_roots_digest = tasks::roots_digest(options.roots);

    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return make_error(ErrorCode::io, std::string("cannot create a Unix socket: ") + std::strerror(errno), "");
    service->m_listener = fd;
    ::unlink(path.c_str());  // stale: nobody answered on it
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    // Created 0600: only the user's processes may connect (the peer's uid is checked too).
    mode_t previous = ::umask(0177);
    int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    int bind_errno = errno;
    ::umask(previous);
    if (bound != 0)
        return make_error(ErrorCode::io, "cannot listen on " + path + ": " + std::strerror(bind_errno),
                          "check that " + folder + " exists and is writable");
    ::chmod(path.c_str(), 0600);
    if (::listen(fd, 64) != 0)
        return make_error(ErrorCode::io, "cannot listen on " + path + ": " + std::strerror(errno), "");
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0)
        service->m_socket_inode = info.st_ino;
    return service;
}

WatchService::~WatchService() {
    if (m_listener >= 0) {
        ::close(m_listener);
        // Another service may have replaced a socket it took for stale: only ours is removed.
        struct stat info {};
        if (m_socket_inode != 0 && ::stat(m_socket_path.c_str(), &info) == 0 && info.st_ino == m_socket_inode)
            ::unlink(m_socket_path.c_str());
    }
}

void WatchService::drain() {
    m_log->record(m_watch->drain());
}

void WatchService::run(const std::atomic<bool>& stop) {
    while (!stop.load())
        serve_once(100);
}

void WatchService::serve_once(int timeout_ms) {
    struct pollfd waiting {
        m_listener, POLLIN, 0
    };
    int ready = ::poll(&waiting, 1, timeout_ms);
    if (ready <= 0) {
        drain();  // keeps the kernel's queue short while nobody asks
        return;
    }
    int connection = ::accept(m_listener, nullptr, nullptr);
    if (connection < 0)
        return;
    ::fcntl(connection, F_SETFD, FD_CLOEXEC);
    handle(connection);
    ::close(connection);
}

void WatchService::handle(int connection) {
    if (!peer::is_own_user(connection))
        return;  // another user: no answer at all
    ::fcntl(connection, F_SETFL, ::fcntl(connection, F_GETFL) | O_NONBLOCK);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_request_timeout_ms);
    std::string request;
    if (!socket_io::receive_line(connection, request, k_max_request, deadline))
        return;  // silent, cut short, or not a request of this protocol
    std::optional<tasks::WatchRequest> asked = tasks::parse_watch_request(request);
    if (!asked)
        return;
    // Drained now, after the request came: every change that finished before the client asked
    // was queued by the kernel inside the call that made it.
    drain();
    std::string answer = asked->roots == tasks::hex16(m_roots_digest) ? m_log->answer(asked->token) : m_log->answer("");
    ++m_answered;
    // A client that went away or stopped reading walks the tree itself.
    socket_io::send_all(connection, answer, deadline);
}

}  // namespace sc::observe
