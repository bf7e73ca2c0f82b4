// The observer's hold on the task tree (docs/events.md, "How external edits are found"): the
// tree lock, the task-tree state loaded and saved under it, the outside-edit check of every
// file (the watch service's answer first: watched_check.cpp; an operation on a few files:
// own_files_check.cpp) recorded as TaskChangedExternally events, and the operation's own
// change recorded as its event. Part of CommandObserver.

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "observe/command_observer.hpp"
#include "observe/domain_events.hpp"
#include "observe/replay.hpp"
#include "store/reader.hpp"
#include "util/text.hpp"

namespace sc::observe {

namespace {
/// What tells one version of a file from another: an append changes its size, a rewrite
/// (a rename into place) its inode. Unknown when it cannot be stat-ed.
FileVersion file_version(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return {};
    return {static_cast<uint64_t>(info.st_dev), static_cast<uint64_t>(info.st_ino), static_cast<uint64_t>(info.st_size),
            static_cast<int64_t>(info.st_mtim.tv_sec), static_cast<int64_t>(info.st_mtim.tv_nsec)};
}

// A task id from a path inside the tree: `x-11A.task.md` -> x-11A, `p-11A/_overview.md` -> p-11A,
// a parent folder -> its name; anything else belongs to the tree as a whole ("").
std::string task_id_of_path(const std::string& path, bool is_folder) {
    size_t slash = path.rfind('/');
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (!is_folder) {
        if (name == "_overview.md") {
            std::string folder = slash == std::string::npos ? "" : path.substr(0, slash);
            return task_id_of_path(folder, true);
        }
        if (text::ends_with(name, ".task.md"))
            return name.substr(0, name.size() - 8);
        return slash == std::string::npos ? "" : task_id_of_path(path.substr(0, slash), true);
    }
    // A parent folder is named like a task id: ends in -MMX.
    size_t size = name.size();
    bool id_like = size > 4 && name[size - 4] == '-' && std::isdigit(static_cast<unsigned char>(name[size - 3])) &&
                   std::isdigit(static_cast<unsigned char>(name[size - 2])) && name[size - 1] >= 'A' &&
                   name[size - 1] <= 'Z';
    return id_like ? name : "";
}

bool is_folder_change(const tasks::FileChange& change) {
    return change.kind == tasks::FileChangeKind::folder_created || change.kind == tasks::FileChangeKind::folder_removed;
}

// Consecutive changes of one task become one TaskChangedExternally event; order is kept, so
// replay applies them exactly as detected (a folder before the files put in it).
std::vector<tasks::ChangeRecord> external_records(const std::vector<tasks::FileChange>& changes) {
    std::vector<tasks::ChangeRecord> records;
    for (const tasks::FileChange& change : changes) {
        std::string id = task_id_of_path(change.path, is_folder_change(change));
        if (records.empty() || records.back().task_id != id) {
            tasks::ChangeRecord record;
            record.operation = "external";
            record.task_id = id;
            records.push_back(std::move(record));
        }
        records.back().files.push_back(change);
    }
    return records;
}

}  // namespace

TreeLock::TreeLock(TreeLock&& other) noexcept
    : m_owner(std::exchange(other.m_owner, nullptr)), m_lock(std::move(other.m_lock)) {
    other.m_lock.reset();
}

TreeLock& TreeLock::operator=(TreeLock&& other) noexcept {
    if (this != &other) {
        release();
        m_owner = std::exchange(other.m_owner, nullptr);
        m_lock = std::move(other.m_lock);
        other.m_lock.reset();
    }
    return *this;
}

void TreeLock::release() {
    if (m_owner != nullptr)
        std::exchange(m_owner, nullptr)->end_tree_session();
    m_lock.reset();
}

TreeLock CommandObserver::lock_tree() {
    if (!m_enabled)
        return {};
    // A server's session keeps the lock file open between requests (a flock and an fstat per
    // request instead of an open, a flock and a close); its path is compared in place, not
    // built again for every request.
    ObserverSession* session = m_options.session;
    constexpr std::string_view k_lock_under_root = "/projections/tasks.lock";
    auto kept_here = [&] {
        const std::string& kept = session->m_tree_lock->path();
        return kept.size() == m_store_root.size() + k_lock_under_root.size() && kept.starts_with(m_store_root) &&
               kept.ends_with(k_lock_under_root);
    };
    std::string path;
    if (session == nullptr || !session->m_tree_lock || !kept_here()) {
        path = m_store_root + std::string(k_lock_under_root);
        if (session != nullptr)
            session->m_tree_lock = std::make_unique<files::KeptLockFile>(path);
    }
    auto acquire = [&] {
        return session != nullptr ? session->m_tree_lock->acquire() : files::FileLock::acquire(path);
    };
    // The folder exists after the first command: try the lock first, create only when missing
    // (a mkdir of every parent costs one failing system call each).
    Result<files::FileLock> lock = acquire();
    const std::string folder = lock.ok() ? std::string() : m_store_root + "/projections";
    if (!lock.ok() && !files::is_directory(folder)) {
        Status made = files::make_directories(folder, 0700);
        if (!made.ok()) {
            report(made.error());
            return {this, std::nullopt};
        }
        lock = acquire();
    }
    if (!lock.ok()) {
        report(lock.error());
        return {this, std::nullopt};
    }
    return {this, std::move(lock.value())};
}

void CommandObserver::end_tree_session() {
    m_read_watch_installed.reset();
    m_read_watch.reset();
    if (m_state) {
        const bool writes = m_state->unsaved();
        Status saved = m_state->save(state_file());
        if (!saved.ok()) {
            report(saved.error());
            m_scope_broken = true;
        }
        save_scope();
        // Forgotten once the lock goes: another process may change the tree and the state file
        // before this one takes the lock again, and the next session loads what it left. A
        // server's session keeps it, with what the state file looked like once saved: if
        // another process saves it meanwhile, the next request loads the file instead.
        ObserverSession* session = m_options.session;
        if (session != nullptr && saved.ok()) {
            // Unchanged since this request found it as the session left it: nobody else can
            // have saved it while the lock was held, so it is not stat-ed again.
            FileVersion version = !writes && m_state_from_session && m_state_version.known()
                                      ? m_state_version
                                      : file_version(state_file());
            if (version.known()) {
                session->m_state = std::move(m_state);
                session->m_state_version = version;
            }
        }
        m_state.reset();
        m_state_from_session = false;
    } else {
        save_scope();
    }
    m_state_unloaded = false;
    m_scoped = false;
    m_scope.reset();
    m_scope_dirty = false;
    m_scope_broken = false;
    m_summary.reset();
    m_watch_token.clear();
    m_checked.clear();
    m_changed_by_operation.clear();
    m_touched_folders.clear();
    // Last, still under the lock: the operation is recorded and the state saved (or the event
    // could not be stored, and its changes are left for the next check to record).
    m_in_flight_installed.reset();
    if (m_in_flight) {
        m_in_flight->finish();
        m_in_flight.reset();
    }
}

void CommandObserver::begin_operation() {
    if (!m_enabled)
        return;
    if (m_state_unloaded && !m_state && !m_scoped) {
        // The check left the state on disk; the change to come is recorded in it.
        m_state_unloaded = false;
        if (Status loaded = load_state(); !loaded.ok())
            report(loaded.error());
    }
    // Checking its own files, the operation records its change without loading the state
    // (TreeState::appending), unless a file it changes was edited outside `sc`.
    if (!m_state && !(m_scoped && m_summary))
        return;
    m_in_flight_installed.reset();
    m_in_flight = std::make_unique<InFlightJournal>(in_flight_file(), m_state ? m_state->seq() : m_summary->seq);
    if (m_scope)
        m_in_flight->set_before_change(
            [this](const std::string& root, const tasks::FileChange& change) { before_change(root, change); });
    m_in_flight_installed.emplace(m_in_flight.get());
}

bool CommandObserver::take_session_state() {
    ObserverSession* session = m_options.session;
    if (session == nullptr || !session->m_state)
        return false;
    std::optional<TreeState> kept = std::move(session->m_state);
    session->m_state.reset();
    FileVersion version = file_version(state_file());
    if (!version.known() || version != session->m_state_version)
        return false;  // another process saved the state: load what it saved
    // Events other processes appended without saving the state (killed in between).
    if (!session->m_reader || session->m_reader->layout().root() != m_store_root)
        session->m_reader = std::make_unique<store::Reader>(m_store_root);
    if (!catch_up(*kept, *session->m_reader).ok())
        return false;
    m_state = std::move(kept);
    m_state_version = version;
    return true;
}

Status CommandObserver::load_state() {
    if (m_state)
        return {};
    m_state_from_session = take_session_state();
    if (m_state_from_session)
        return {};
    Result<TreeState> loaded = TreeState::load(state_file());
    if (loaded.ok()) {
        // Events recorded after the state was last saved (a command killed in between) are
        // folded in first, or the check below would take their changes for outside edits and
        // record them a second time.
        if (catch_up(loaded.value(), m_store_root).ok()) {
            m_state = std::move(loaded.value());
            return {};
        }
        // The state disagrees with the log (which is the truth): rebuilt from it below.
    } else if (loaded.error().code != ErrorCode::not_found) {
        report(loaded.error());
    }
    // Missing, unreadable or disagreeing: derived data, rebuilt from the events (empty when
    // there are none). The rebuilt state knows no file's stat, so the check reads each file
    // once and records only those whose bytes differ from the events'.
    TreeModel model;
    uint64_t seq = 0;
    if (files::is_directory(m_store_root + "/events")) {
        ReplayResult replayed = SC_TRY(replay_events(m_store_root, ReplayOptions {}));
        model = std::move(replayed.model);
        seq = replayed.last_seq;
    }
    m_state = TreeState::from_model(model);
    m_state->set_seq(seq);
    return {};
}

Result<uint64_t> CommandObserver::append_events(std::vector<store::NewEvent> events) {
    store::Store* store = SC_TRY(m_store->get());
    std::vector<store::AppendedEvent> appended = SC_TRY(store->append(std::move(events)));
    return appended.empty() ? 0 : appended.back().seq;
}

bool CommandObserver::saved_state_is_current(uint64_t seq) const {
    struct stat info {};
    if (::lstat(in_flight_file().c_str(), &info) == 0 || errno != ENOENT)
        return false;  // an operation to keep or undo first (or a journal that cannot be looked at)
    uint64_t last_seq = 0;
    store::Reader reader(m_store_root);
    Result<store::ReadStats> read = reader.read_events_after(
        seq, store::EventQuery {}, [](const store::EventView&) { return false; }, &last_seq);
    return read.ok() && last_seq == seq;  // otherwise events to fold in first, or a state of another log
}

bool CommandObserver::unchanged_since_save(const tasks::TreeRoots& roots, std::vector<std::string>* folders) {
    if (m_options.session != nullptr || m_state)
        return false;  // a server's session checks through its watch and keeps its state
    std::optional<StateSummary> summary = TreeState::read_summary(state_file());
    m_summary = summary;
    if (!summary || !summary->digest_known || !saved_state_is_current(summary->seq))
        return false;
    Result<TreeDigest> live = TreeState::live_digest(roots, folders);
    return live.ok() && *live == summary->digest;
}

void CommandObserver::check_external_changes(const tasks::TreeRoots& roots, CheckScope scope) {
    if (!m_enabled)
        return;
    m_roots = roots;
    // An operation on a few files finds every folder as the last command left it: a stat per
    // folder, and its own files checked as it reads or changes them.
    if (scope == CheckScope::own_files && folders_unchanged_since_save(roots)) {
        m_state_unloaded = true;
        return;
    }
    // The file system's time before the walk: the folders' stamps the scope keeps are trusted
    // only when older (racily clean otherwise).
    int64_t reference = m_options.session == nullptr ? file_system_now(roots.store) : -1;
    if (check_through_watch(roots, reference))
        return;
    // Most commands find the tree as the last one left it: one walk with a stat per file, and
    // the saved state stays on disk. Otherwise the state is loaded and the tree walked again
    // to tell what changed.
    std::vector<std::string> folders;
    if (unchanged_since_save(roots, &folders)) {
        m_state_unloaded = true;
        // The saved scope stays when it still holds (it may know files `sc` wrote since the
        // last full check); otherwise this walk makes it.
        std::optional<TreeScope> saved = TreeScope::load(TreeScope::path_for(state_file()));
        bool holds = saved && m_summary &&
                     saved->state() == StateIdentity {m_summary->inode, m_summary->size, m_summary->seq} &&
                     saved->folder_count() == folders.size() && saved->folders_unchanged(roots);
        if (!holds) {
            scope_after_full_check(folders, reference);
        } else if (!m_watch_token.empty() && saved->watch_token() != m_watch_token) {
            // Every file was stat-ed after the watch service answered: the state goes with its token.
            m_scope = std::move(saved);
            m_scope->set_watch_token(m_watch_token);
            m_scope_dirty = true;
        }
        return;
    }
    if (Status loaded = load_state(); !loaded.ok()) {
        report(loaded.error());
        m_scope_broken = true;
        return;
    }
    // A command killed mid-operation: kept if its event made it into the log (the state has
    // caught up with it), undone otherwise, before anything is taken for an outside edit.
    Result<InFlightOutcome> recovered = recover_in_flight(in_flight_file(), m_state->seq());
    if (!recovered.ok())
        report(recovered.error());
    else if (recovered.value() == InFlightOutcome::undone && m_options.warn)
        m_options.warn(make_error(ErrorCode::conflict,
                                  "an `sc` command was stopped before it recorded its change; what it had written "
                                  "was undone",
                                  "run it again if it is still wanted"));
    Result<std::vector<tasks::FileChange>> changes = detect(roots);
    if (!changes.ok()) {
        report(changes.error());
        m_state.reset();  // possibly half applied: the next command loads the saved state again
        m_scope_broken = true;
        return;
    }
    // A saved state whose last save had no digest gets one now, so the next walk can skip it.
    if (m_summary && !m_summary->digest_known)
        m_state->require_save();
    if (m_options.session == nullptr) {
        std::vector<std::string> folder_keys(m_state->folders().begin(), m_state->folders().end());
        scope_after_full_check(folder_keys, reference);
    }
    if (!changes->empty())
        record_external(changes.value());
}

bool CommandObserver::record_external(const std::vector<tasks::FileChange>& changes) {
    const telemetry::SpanContext& context = telemetry::current_context();
    store::EventMeta meta;
    meta.trace_id = context.is_valid() ? telemetry::to_hex(context.trace_id) : "";
    meta.span_id = context.is_valid() ? telemetry::to_hex(context.span_id) : "";
    meta.actor = "external";
    // One batch, one lock session, however many files a `git pull` changed.
    std::vector<store::NewEvent> events;
    for (const tasks::ChangeRecord& record : external_records(changes))
        events.push_back(make_task_event(record, meta));
    Result<uint64_t> appended = append_events(std::move(events));
    if (!appended.ok()) {
        report(appended.error());
        m_state.reset();  // unrecorded: let the next command find these changes again
        m_scope_broken = true;
        return false;
    }
    m_state->set_seq(appended.value());
    // Recorded in the middle of an operation: its own event, if any, comes after these.
    if (m_in_flight)
        if (Status rebased = m_in_flight->rebase(appended.value()); !rebased.ok())
            report(rebased.error());
    return true;
}

Result<std::vector<tasks::FileChange>> CommandObserver::detect(const tasks::TreeRoots& roots) {
    ObserverSession* session = m_options.session;
    if (session == nullptr)
        return m_state->detect(roots);
    const TreeWatch* watch = session->m_watch.get();
    if (watch == nullptr || watch->roots().store != roots.store ||
        watch->roots().project_local != roots.project_local) {
        // Armed before the whole tree is checked: what changes from now on is reported.
        session->m_watch = TreeWatch::start(roots);
        return m_state->detect(roots);
    }
    TreeChanges changed = session->m_watch->drain();
    // A state loaded from the file was saved by another process: what changed before that
    // process looked may be missing from the watch's report (it was drained by nobody).
    if (changed.anything || !m_state_from_session)
        return m_state->detect(roots);
    return m_state->detect_files(roots, changed.files);
}

void CommandObserver::record(const tasks::ChangeRecord& change) {
    if (!m_enabled || change.empty())
        return;
    if (m_scoped && !m_state && m_summary) {
        // A move carries entries of the state this command did not load: loaded now, before
        // the event (which the load would otherwise fold in as well).
        bool moves = std::any_of(change.files.begin(), change.files.end(), [](const tasks::FileChange& file) {
            return file.kind == tasks::FileChangeKind::renamed;
        });
        if (moves) {
            if (Status loaded = load_state(); !loaded.ok())
                report(loaded.error());
        } else {
            m_state = TreeState::appending(m_summary->seq);
        }
    }
    store::EventMeta meta = current_meta();
    std::vector<store::NewEvent> events;
    events.push_back(make_task_event(change, meta));
    Result<uint64_t> appended = append_events(std::move(events));
    if (!appended.ok()) {
        report(appended.error());
        m_state.reset();  // the change is not in the log: the next check records it
        m_scope_broken = true;
        return;
    }
    if (m_state) {
        if (Status applied = m_state->apply(change.files); !applied.ok()) {
            m_state.reset();
            m_scope_broken = true;
            return;
        }
        m_state->set_seq(appended.value());
        m_state->note_written(m_roots, change.files);
        update_scope(change.files);
    } else {
        m_scope_broken = true;  // nothing records the change in the state: no scope holds
    }
}

}  // namespace sc::observe
