#pragma once
// The client side of the watch service (`sc watch`, and `sc telemetry serve`'s thread): one short
// question over a Unix-domain socket, "what may have changed in the task trees since TOKEN?",
// answered with "anything" or the model keys of the files that may have changed, and a new
// token (docs/layout.md, "The watch service"). What lets a listing stat only those files instead
// of every file of the tree (issue 19: at 10,000 tasks the stats alone are 20 ms).
//
// Never an error a user sees and never a wait: no socket, a refused or slow connection, an
// answer from another user, a garbled answer are all "no answer", and the caller walks the
// whole tree as it does without a service. No socket code runs before a command asks.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/change.hpp"
#include "tasks/watch_protocol.hpp"

namespace sc::tasks {

/// The longest socket path every platform takes (sun_path is 104 bytes on macOS, 108 on Linux,
/// with its terminating NUL).
inline constexpr size_t k_max_socket_path = 103;
/// How long a client waits for the whole exchange before walking the tree itself (a stopped or
/// overloaded service costs each command this much at most); SCOPECRAFT_WATCH_TIMEOUT_MS
/// (milliseconds) sets another, for tests on a slow build.
inline constexpr int k_watch_timeout_ms = 10;

/// The service's socket for the trees of a project whose store is `store_dir`
/// (~/.scopecraft/projects/<encoded>): `<store_dir>/watch.sock` when that fits in sun_path;
/// otherwise `<runtime>/sc-<uid>/watch-<16 hex digits of a hash of store_dir>.sock`, where
/// runtime is $XDG_RUNTIME_DIR, or /tmp. `runtime_dir` empty: /tmp.
std::string watch_socket_path(const std::string& store_dir, const std::string& runtime_dir = "");
/// The store folder of a tree rooted at `tree_root` (its parent).
std::string store_dir_of_tree(const std::string& tree_root);

/// A digest of the trees' roots: a service answers only clients that watch the same trees (the
/// worktrees of one repository share a store, not their `.tasks/`).
uint64_t roots_digest(const TreeRoots& roots);

/// Asks the service at `socket_path` about the trees `roots` since `token` (empty: none yet).
/// Nullopt, at once or after at most `timeout_ms` (negative: k_watch_timeout_ms or
/// SCOPECRAFT_WATCH_TIMEOUT_MS), when there is no service, it is not this user's, or it does not
/// answer in time.
std::optional<WatchAnswer> ask_watch(const std::string& socket_path, const TreeRoots& roots, std::string_view token,
                                     int timeout_ms = -1);

}  // namespace sc::tasks
