#pragma once
// The bytes of the watch service's exchange (docs/layout.md, "The watch service"): the request
// line a client sends, the answer the service gives, the token both carry and the model keys an
// answer names. Pure functions over bytes, so that both ends' parsers are unit tested and fuzzed
// (fuzz/watch_protocol_fuzz.cpp) without a socket; the sockets are tasks/watch_client.cpp's and
// observe/watch_service.cpp's.
//
// Both parsers take bytes from another process: they refuse what is not a whole message of this
// protocol (nullopt), and the caller then does what it does with no service at all (the service
// does not answer; the client checks the whole tree). An answer the client accepts names only
// files inside the trees: a known tree and a relative path with no empty, "." or ".." component.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tasks/task_record.hpp"

namespace sc::tasks {

inline constexpr std::string_view k_watch_protocol = "sc-watch 1";

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

/// A request's two fields, as views into the request's bytes.
struct WatchRequest {
    std::string_view roots;  // 16 hex digits of tasks::roots_digest, as the client wrote them
    std::string_view token;  // the token held, "-" for none (anything else is the service's to judge)
};

/// A token's fields: "<16 lowercase hex: the instance>-<decimal seq>".
struct WatchToken {
    uint64_t instance = 0;
    uint64_t seq = 0;
};

/// `value` as 16 lowercase hex digits: the protocol's form of instance ids and roots digests.
std::string hex16(uint64_t value);

/// The request line: "sc-watch 1 <roots digest hex> <token or ->\n".
std::string watch_request(uint64_t roots, std::string_view token);
/// The request in `bytes` up to its first line break: "sc-watch 1 <roots> <token>", the roots up
/// to the next space and the token the rest of the line (either may be empty: the service answers
/// such a request "anything"). Nullopt without a line break or for another form (the service then
/// gives no answer).
std::optional<WatchRequest> parse_watch_request(std::string_view bytes);

/// The token's instance and seq; nullopt for any other form (not 16 lowercase hex digits, no
/// digits after the '-', a seq past 2^64-1, anything after it).
std::optional<WatchToken> parse_watch_token(std::string_view token);

/// The answer's text: "sc-watch 1 anything <token>\n" or "sc-watch 1 files <token> <n>\n" then a
/// model key per line. Nullopt when it is not a whole answer of this protocol, when its token is
/// not one (parse_watch_token), or when a key is not a model key of a file inside a tree
/// (split_model_key): the caller checks the whole tree, as with no answer at all.
std::optional<WatchAnswer> parse_watch_answer(std::string_view text);

/// The model key's tree and path ("store:a/b" -> store, "a/b"); nullopt for another form: another
/// tree name, or a path that is empty, absolute, holds a NUL byte or an empty, "." or ".."
/// component (it could name a file outside the tree).
std::optional<std::pair<TreeKind, std::string_view>> split_model_key(std::string_view key);

}  // namespace sc::tasks
