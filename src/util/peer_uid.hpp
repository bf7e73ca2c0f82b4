#pragma once
// Who is at the other end of a Unix-domain socket: the watch service (docs/layout.md, "The watch
// service") answers only its own user, and its clients trust only their own user's service.
//
// A seam: SO_PEERCRED on Linux (the CMake option SC_PEER_CRED, ON there), getpeereid() on the
// BSDs and macOS. Where neither exists (or with -DSC_PEER_CRED=OFF on Linux, built and tested
// too) the answer is "unknown", and the socket's own mode (0600, in a folder of mode 0700 owned
// by the user) is what keeps other users out, as git's fsmonitor relies on.

#include <sys/types.h>

#include <optional>

namespace sc::peer {

/// The effective uid of the process connected to the socket `fd`; nullopt when it cannot be
/// asked on this platform or build.
std::optional<uid_t> uid_of(int fd);

/// Whether this build can ask a socket for its peer's uid (false: the socket's mode decides).
bool can_ask();

/// Whether the peer of `fd` may be this process's own user: its uid is ours, or it cannot be
/// asked (then the socket's mode decided who could connect).
bool is_own_user(int fd);

}  // namespace sc::peer
