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

namespace sc::tasks {

/// What the service answered.
struct WatchAnswer {
    /// Anything may have changed (another instance's token, an overflow, a folder created or
    /// removed, a token older than the service's bounded log): check the whole tree.
    bool anything = true;
    /// Otherwise the model keys ("store:current/x.task.md", "project_local:...") of the files
    /// created, written, renamed or removed since the token.
    std::vector<std::string> files;
    /// The token to ask with next time: every change after this answer is reported to it.
    std::string token;
};

inline constexpr std::string_view k_watch_protocol = "sc-watch 1";
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
/// `value` as 16 lowercase hex digits: the protocol's form of instance ids and roots digests.
std::string hex16(uint64_t value);

std::string watch_socket_path(const std::string& store_dir, const std::string& runtime_dir = "");
/// The store folder of a tree rooted at `tree_root` (its parent).
std::string store_dir_of_tree(const std::string& tree_root);

/// A digest of the trees' roots: a service answers only clients that watch the same trees (the
/// worktrees of one repository share a store, not their `.tasks/`).
uint64_t roots_digest(const TreeRoots& roots);

/// The request line: "sc-watch 1 <roots digest hex> <token or ->\n".
std::string watch_request(uint64_t roots, std::string_view token);
/// The answer's text: "sc-watch 1 anything <token>\n" or "sc-watch 1 files <token> <n>\n" then a
/// key per line. Nullopt when it is not a whole answer of this protocol.
std::optional<WatchAnswer> parse_watch_answer(std::string_view text);

/// Asks the service at `socket_path` about the trees `roots` since `token` (empty: none yet).
/// Nullopt, at once or after at most `timeout_ms` (negative: k_watch_timeout_ms or
/// SCOPECRAFT_WATCH_TIMEOUT_MS), when there is no service, it is not this user's, or it does not
/// answer in time.
std::optional<WatchAnswer> ask_watch(const std::string& socket_path, const TreeRoots& roots, std::string_view token,
                                     int timeout_ms = -1);

/// The model key's tree and path ("store:a/b" -> store, "a/b"); nullopt for another form.
std::optional<std::pair<TreeKind, std::string_view>> split_model_key(std::string_view key);

}  // namespace sc::tasks
