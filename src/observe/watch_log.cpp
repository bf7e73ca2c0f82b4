#include "observe/watch_log.hpp"

#include <set>

#include "tasks/watch_protocol.hpp"

namespace sc::observe {

WatchLog::WatchLog(uint64_t instance, size_t bound) : m_instance(instance), m_bound(bound == 0 ? 1 : bound) {}

void WatchLog::record(const TreeChanges& changes) {
    if (changes.anything) {
        // Whatever happened before is unknown: every token handed out so far is answered
        // "anything"; the watch has re-armed, so the token after this seq is exact again.
        ++m_seq;
        m_oldest_valid = m_seq;
        m_changes.clear();
        return;
    }
    for (const std::string& key : changes.files) {
        m_changes.emplace_back(++m_seq, key);
        if (m_changes.size() > m_bound) {
            // A token that has not seen this change cannot be answered any more.
            m_oldest_valid = m_changes.front().first;
            m_changes.pop_front();
        }
    }
}

std::string WatchLog::token() const {
    return tasks::hex16(m_instance) + "-" + std::to_string(m_seq);
}

std::optional<uint64_t> WatchLog::seq_of(std::string_view token) const {
    std::optional<tasks::WatchToken> parsed = tasks::parse_watch_token(token);
    if (!parsed || parsed->instance != m_instance)
        return std::nullopt;
    return parsed->seq;
}

std::string WatchLog::answer(std::string_view held) const {
    std::string out(tasks::k_watch_protocol);
    std::optional<uint64_t> since = seq_of(held);
    if (!since || *since < m_oldest_valid || *since > m_seq)
        return out + " anything " + token() + "\n";
    // The changes after `since`, each key once (a file written ten times is stat-ed once).
    std::set<std::string_view> keys;
    for (auto it = m_changes.rbegin(); it != m_changes.rend() && it->first > *since; ++it)
        keys.insert(it->second);
    for (std::string_view key : keys)
        if (key.find('\n') != std::string_view::npos)
            return out + " anything " + token() + "\n";  // a name the answer's lines cannot carry
    out += " files " + token() + " " + std::to_string(keys.size()) + "\n";
    for (std::string_view key : keys) {
        out += key;
        out += '\n';
    }
    return out;
}

}  // namespace sc::observe
