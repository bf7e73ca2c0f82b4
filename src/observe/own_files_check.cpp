// The outside-edit check of an operation that reads or writes a few task files
// (CheckScope::own_files; docs/events.md, "Which files a command checks"): a stat per folder
// instead of a stat per file, then each file the operation reads or changes checked as it
// comes to it, before the operation uses it, so an edit made outside `sc` is recorded before
// the change `sc` makes from it. Part of CommandObserver.

#include <sys/stat.h>
#include <unistd.h>

#include "observe/command_observer.hpp"
#include "observe/tree_model.hpp"

namespace sc::observe {

namespace {

std::string parent_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

bool stat_matches(const Fingerprint& known, const tasks::FileStat& stat) {
    return known.inode != 0 && known.inode == stat.inode && known.size == stat.size &&
           known.mtime_nanos == stat.mtime_nanos;
}

}  // namespace

/// The operation's reads, told to its observer.
class OwnFileReads final : public tasks::ReadWatch {
public:
    explicit OwnFileReads(CommandObserver* observer) : m_observer(observer) {}
    void before_read(const std::string& path) override { m_observer->check_own_file(path); }

private:
    CommandObserver* m_observer;
};

bool CommandObserver::folders_unchanged_since_save(const tasks::TreeRoots& roots) {
    if (m_options.session != nullptr || m_state)
        return false;  // a server's session checks through its watch
    m_summary = TreeState::read_summary(state_file());
    if (!m_summary || !saved_state_is_current(m_summary->seq))
        return false;
    std::optional<TreeScope> scope = TreeScope::load(TreeScope::path_for(state_file()));
    if (!scope || scope->state() != StateIdentity {m_summary->inode, m_summary->size, m_summary->seq} ||
        !scope->folders_unchanged(roots))
        return false;
    m_scope = std::move(scope);
    m_scoped = true;
    ++m_own_files_checks;
    m_read_watch = std::make_unique<OwnFileReads>(this);
    m_read_watch_installed.emplace(m_read_watch.get());
    return true;
}

void CommandObserver::check_own_file(const std::string& path) {
    if (!m_scoped || !m_scope || m_scope_broken)
        return;
    std::string key;
    for (auto kind : {tasks::TreeKind::store, tasks::TreeKind::project_local}) {
        const std::string& root = kind == tasks::TreeKind::store ? m_roots.store : m_roots.project_local;
        if (!root.empty() && path.size() > root.size() + 1 && path.compare(0, root.size(), root) == 0 &&
            path[root.size()] == '/') {
            key = model_key(kind, path.substr(root.size() + 1));
            break;
        }
    }
    if (key.empty() || !m_checked.insert(key).second)
        return;  // outside the trees, or checked already
    for (const std::string& changed : m_changed_by_operation)
        if (key.compare(0, changed.size(), changed) == 0 &&
            (key.size() == changed.size() || key[changed.size()] == '/'))
            return;  // `sc` is changing it: the state learns it from the operation's event
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
        return;  // not a file (any more): a name added or removed shows in its folder's stamps
    tasks::FileStat stat = tasks::FileStat::of(info);
    if (m_scope->file_unchanged(key, stat))
        return;
    // Changed since the state last saw it, or too recent to tell: compared as the full check
    // compares it (read when its stat differs from the state's), and recorded first.
    if (!m_state) {
        m_state_unloaded = false;
        if (Status loaded = load_state(); !loaded.ok()) {
            report(loaded.error());
            m_scope_broken = true;
            return;
        }
    }
    int64_t reference = file_system_now(m_roots.store);  // before the file is read
    Result<std::vector<tasks::FileChange>> changes = m_state->detect_files(m_roots, {key});
    if (!changes.ok()) {
        report(changes.error());
        m_state.reset();
        m_scope_broken = true;
        return;
    }
    if (!changes->empty() && !record_external(changes.value()))
        return;
    auto known = m_state->files().find(key);
    if (known != m_state->files().end() && stat_matches(known->second, stat))
        m_scope->note_file(key, stat, reference);
    else
        m_scope->note_file(key, {}, reference);  // forgotten: checked again next time
    m_scope_dirty = true;
}

void CommandObserver::before_change(const std::string& root, const tasks::FileChange& change) {
    if (!m_scope || m_scope_broken)
        return;
    if (m_scoped &&
        (change.kind == tasks::FileChangeKind::file_modified || change.kind == tasks::FileChangeKind::file_removed ||
         change.kind == tasks::FileChangeKind::renamed))
        check_own_file(root + "/" + (change.kind == tasks::FileChangeKind::renamed ? change.old_path : change.path));
    // What the operation changes is its own from now on: not an outside edit when read again.
    m_changed_by_operation.push_back(model_key(change.tree, change.path));
    // Each folder the change writes into, before `sc` first changes it: clean when nothing
    // but `sc` changed it since its stamps were confirmed, so the stamps it has once the
    // operation is recorded can be trusted too.
    auto touch = [&](const std::string& relative, const std::string& as) {
        std::string key = model_key(change.tree, as);
        if (m_touched_folders.count(key) > 0)
            return;
        const FolderStamp* saved = m_scope->folder(model_key(change.tree, relative));
        FolderStamp now = FolderStamp::at(relative.empty() ? root : root + "/" + relative);
        m_touched_folders[key] = saved != nullptr && saved->confirmed && saved->same_as(now);
    };
    touch(parent_of(change.path), parent_of(change.path));
    if (change.kind == tasks::FileChangeKind::renamed) {
        touch(parent_of(change.old_path), parent_of(change.old_path));
        touch(change.old_path, change.path);  // a moved folder keeps its content (a file: no stamp)
    }
    if (change.kind == tasks::FileChangeKind::folder_created)
        m_touched_folders.emplace(model_key(change.tree, change.path), true);  // holds what sc puts in it
}

void CommandObserver::update_scope(const std::vector<tasks::FileChange>& changes) {
    if (!m_scope || m_scope_broken || !m_state)
        return;
    // After the changes: a stamp older than this is one no later change can keep.
    int64_t reference = file_system_now(m_roots.store);
    for (const tasks::FileChange& change : changes) {
        std::string key = model_key(change.tree, change.path);
        switch (change.kind) {
            case tasks::FileChangeKind::file_removed:
            case tasks::FileChangeKind::folder_removed:
                m_scope->forget(key);
                break;
            case tasks::FileChangeKind::folder_created:
                break;  // stamped below, with the folders written into
            case tasks::FileChangeKind::renamed:
                m_scope->rename(model_key(change.tree, change.old_path), key);
                [[fallthrough]];
            case tasks::FileChangeKind::file_created:
            case tasks::FileChangeKind::file_modified: {
                // The stat note_written confirmed with the bytes `sc` wrote, when it did.
                auto known = m_state->files().find(key);
                struct stat info {};
                std::string path = m_roots.path(change.tree) + "/" + change.path;
                tasks::FileStat stat;
                if (known != m_state->files().end() && ::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode))
                    stat = tasks::FileStat::of(info);
                if (known != m_state->files().end() && stat.known && stat_matches(known->second, stat))
                    m_scope->note_file(key, stat, reference);
                else if (known != m_state->files().end() || change.kind != tasks::FileChangeKind::renamed)
                    m_scope->note_file(key, {}, reference);
                break;
            }
        }
    }
    for (const auto& [key, clean] : m_touched_folders) {
        if (!key.empty() && key.back() == ':') {
            m_scope->note_root(m_roots, key);  // a name at a tree's root: listed again
            continue;
        }
        FolderStamp now = FolderStamp::at(TreeScope::path_of(m_roots, key));
        if (now.inode == 0)
            m_scope->forget(key);
        else
            m_scope->note_folder(key, now, clean);
    }
    m_scope_dirty = true;
}

void CommandObserver::scope_after_full_check(const std::vector<std::string>& folder_keys, int64_t reference) {
    if (m_options.session != nullptr)
        return;
    if (reference <= 0) {
        m_scope_broken = true;  // no clock to trust stamps by (a read-only tree): none kept
        return;
    }
    m_scope = TreeScope::after_full_check(m_roots, folder_keys, reference);
    m_scope->set_watch_token(m_watch_token);  // asked before the check, when a service runs
    m_scope_dirty = true;
}

void CommandObserver::save_scope() {
    if (m_options.session != nullptr || m_store_root.empty())
        return;
    std::string path = TreeScope::path_for(state_file());
    if (m_scope_broken) {
        ::unlink(path.c_str());
        return;
    }
    if (!m_scope || !m_scope_dirty || (!m_state && !m_summary))
        return;
    uint64_t seq = m_state ? m_state->seq() : m_summary->seq;
    std::optional<StateIdentity> identity = StateIdentity::of(state_file(), seq);
    if (!identity) {
        ::unlink(path.c_str());
        return;
    }
    if (Status saved = m_scope->save(path, *identity); !saved.ok())
        report(saved.error());
}

}  // namespace sc::observe
