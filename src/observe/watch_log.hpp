#pragma once
// The watch service's memory (docs/layout.md, "The watch service"): what its TreeWatch reported,
// numbered, so that any client can ask "what may have changed since TOKEN?".
//
// A token names this instance (a random id drawn at start) and a sequence number: every change
// the watch reported after that number is in the answer. A token of another instance (the
// service restarted: nothing watched the trees in between), older than the oldest change the
// bounded log still holds, from before an "anything" report (a queue overflow, a folder created
// or removed: the watch re-armed itself), or from the future, is answered with "anything", and
// the client checks the whole tree. Pure: the socket and the watch are watch_service's.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "observe/tree_watch.hpp"

namespace sc::observe {

/// How many changes the log keeps by default (SCOPECRAFT_WATCH_LOG_BOUND for tests): a `git
/// checkout` of a few thousand files fits; past it a client checks the whole tree once.
inline constexpr size_t k_default_watch_log_bound = 65536;

class WatchLog {
public:
    WatchLog(uint64_t instance, size_t bound = k_default_watch_log_bound);

    /// Takes in what a drain of the watch reported.
    void record(const TreeChanges& changes);
    /// The answer's text to a client holding the token `held` (tasks/watch_protocol.hpp's form).
    [[nodiscard]] std::string answer(std::string_view held) const;
    /// The token of everything recorded so far.
    [[nodiscard]] std::string token() const;
    /// The number of the last change recorded.
    [[nodiscard]] uint64_t seq() const { return m_seq; }

private:
    /// The seq a token of this instance carries; nullopt for any other token.
    [[nodiscard]] std::optional<uint64_t> seq_of(std::string_view token) const;

    uint64_t m_instance;
    size_t m_bound;
    uint64_t m_seq = 0;
    uint64_t m_oldest_valid = 0;                             // a token with a seq below this is answered "anything"
    std::deque<std::pair<uint64_t, std::string>> m_changes;  // (seq, model key), oldest first
};

}  // namespace sc::observe
