#include "util/peer_uid.hpp"

#include <sys/socket.h>
#include <unistd.h>

namespace sc::peer {

std::optional<uid_t> uid_of(int fd) {
#if SC_PEER_CRED && defined(SO_PEERCRED)
    struct ucred credentials {};
    socklen_t length = sizeof credentials;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0 || length != sizeof credentials)
        return std::nullopt;
    return credentials.uid;
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
    uid_t uid = 0;
    gid_t gid = 0;
    if (::getpeereid(fd, &uid, &gid) != 0)
        return std::nullopt;
    return uid;
#else
    (void)fd;
    return std::nullopt;
#endif
}

bool can_ask() {
#if (SC_PEER_CRED && defined(SO_PEERCRED)) || defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
    defined(__NetBSD__)
    return true;
#else
    return false;
#endif
}

bool is_own_user(int fd) {
#if (SC_PEER_CRED && defined(SO_PEERCRED)) || defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
    defined(__NetBSD__)
    std::optional<uid_t> uid = uid_of(fd);
    return uid && *uid == ::geteuid();
#else
    (void)fd;
    return true;  // nothing to ask: the socket's mode let only the user connect
#endif
}

}  // namespace sc::peer
