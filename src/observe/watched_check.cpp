// The check of every file for outside edits, answered by the watch service when one runs
// (docs/events.md, "Which files a command checks"; the service: observe/watch_service.hpp).
#include <cstdlib>
#include <set>

#include "observe/command_observer.hpp"
#include "observe/tree_scope.hpp"
#include "tasks/watch_client.hpp"

namespace sc::observe {

bool CommandObserver::check_through_watch(const tasks::TreeRoots& roots, int64_t reference) {
    if (m_options.session != nullptr || m_state)
        return false;  // a server's session has a watch of its own
    // The token goes with one save of the state: the scope's, when the scope is tied to the state
    // file as it is and that state is the tree as the log knows it (no event after it, nothing
    // half done).
    std::optional<StateSummary> summary = TreeState::read_summary(state_file());
    std::string asked;
    if (summary && saved_state_is_current(summary->seq)) {
        std::optional<TreeScope> saved = TreeScope::load(TreeScope::path_for(state_file()));
        if (saved && saved->state() == StateIdentity {summary->inode, summary->size, summary->seq})
            asked = saved->watch_token();
    }
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    std::optional<tasks::WatchAnswer> answer = tasks::ask_watch(
        tasks::watch_socket_path(tasks::store_dir_of_tree(roots.store), runtime != nullptr ? runtime : ""), roots,
        asked);
    if (!answer)
        return false;  // no service: every file is stat-ed, as without one
    // Asked before anything is stat-ed: whatever changes from now on is in the next answer.
    m_watch_token = answer->token;
    if (answer->anything || asked.empty())
        return false;
    m_summary = summary;
    if (answer->files.empty()) {
        // Nothing changed since the state was saved: neither loaded nor walked. The saved scope
        // keeps its token, which is this one.
        m_state_unloaded = true;
        return true;
    }
    // The files it names are compared with the state as the whole check compares them (a stat,
    // a read when it differs); the rest are as the state says.
    if (Status loaded = load_state(); !loaded.ok()) {
        report(loaded.error());
        m_scope_broken = true;
        return true;
    }
    std::set<std::string> keys(answer->files.begin(), answer->files.end());
    Result<std::vector<tasks::FileChange>> changes = m_state->detect_files(roots, keys);
    if (!changes.ok()) {
        report(changes.error());
        m_state.reset();  // possibly half applied: the next command loads the saved state again
        m_scope_broken = true;
        return true;
    }
    if (summary && !summary->digest_known)
        m_state->require_save();
    // Files created or removed changed their folders' stamps: the scope is made again (a stat
    // per folder), with the new token.
    std::vector<std::string> folder_keys(m_state->folders().begin(), m_state->folders().end());
    scope_after_full_check(folder_keys, reference);
    if (!changes->empty())
        record_external(changes.value());
    return true;
}

}  // namespace sc::observe
