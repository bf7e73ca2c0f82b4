#pragma once
// The observability of one `sc` invocation (docs/telemetry.md, "One command"): the telemetry
// pipeline, the root span that follows the CLI semantic conventions, and the domain events of
// the task tree with the external-edit check that keeps the event log complete.
//
// Telemetry never breaks the job: every failure here is reported once through the warning
// sink and counted, and the command carries on. With telemetry disabled, start() resolves the
// settings and does nothing else: no file is opened, no thread started, no clock read.
//
// Its code: command_observer.cpp (start, the session, events appended, finish); its hold on the
// tree, tree_session.cpp (the tree lock, the state, the outside-edit check, the operation's
// event), with watched_check.cpp (the watch service's answer) and own_files_check.cpp (an
// operation on a few files).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "config/config_file.hpp"
#include "observe/in_flight.hpp"
#include "observe/store_sink.hpp"
#include "observe/tree_scope.hpp"
#include "observe/tree_state.hpp"
#include "observe/tree_watch.hpp"
#include "store/reader.hpp"
#include "tasks/change.hpp"
#include "tasks/project.hpp"
#include "tasks/read_watch.hpp"
#include "tasks/task_tree.hpp"
#include "telemetry/api/telemetry.hpp"
#include "telemetry/pipeline.hpp"
#include "telemetry/sdk/settings.hpp"
#include "util/clock.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"

namespace sc::observe {

class ObserverSession;

/// What tells one version of a file from another (the task-tree state's, between a server's
/// requests): an append changes its size, a rewrite its inode. Inode 0: unknown.
struct FileVersion {
    uint64_t device = 0;
    uint64_t inode = 0;
    uint64_t size = 0;
    int64_t mtime_seconds = 0;
    int64_t mtime_nanoseconds = 0;
    bool operator==(const FileVersion&) const = default;
    [[nodiscard]] bool known() const { return inode != 0; }
};

struct ObserverOptions {
    const Environment* environment = nullptr;
    const Clock* clock = nullptr;
    const config::Values* config = nullptr;
    /// Telemetry settings given as flags, by config key ("telemetry.enabled" -> "false").
    std::map<std::string, std::string> flags;
    /// The project, when the command has one (its default telemetry folder is beside the tasks).
    std::optional<tasks::ProjectPaths> project;
    std::string command;  // "task create": the root span is named "sc task create"
    std::function<void(const Error&)> warn;
    /// A request of a long-lived server (one MCP message) rather than a process: the root span
    /// takes this name, kind and attributes instead of the CLI's, and carries no process.*.
    struct Request {
        std::string span_name;  // "tools/call task_create"
        /// The server span's attributes, borrowed: read only while start() runs (the span
        /// copies them), so a request builds them as views of its own strings, without a copy.
        std::span<const telemetry::Attribute> attributes;
        std::string actor;  // the domain events' actor ("mcp:claude-code"), instead of user:$USER
    };
    std::optional<Request> request;
    /// A long-lived server's session (below): the observer takes its pipeline, store and tree
    /// state from it instead of starting its own, and gives the state back when it is done.
    ObserverSession* session = nullptr;
};

/// What a long-lived server (`sc mcp`) keeps from one request to the next, so a request does not
/// pay a command's start-up (docs/performance.md, "MCP server"):
/// - the telemetry settings, store and pipeline, resolved once: spans, metrics and logs are
///   kept in memory and written to the store in batches between requests (flush(): when the
///   client is idle, every second while it is busy, before a telemetry query and at exit),
///   while domain events are still appended under the tree lock as the CLI appends them;
/// - the task-tree state with a TreeWatch: a request checks for outside edits only the files
///   the watch reports (a stat each, a read only when the stat differs), the whole tree when it
///   reports "anything" or when another process saved the state file since this one did
///   (then the state is loaded from that file, as a command loads it).
/// One per project: a server that changes project starts a new one.
class ObserverSession {
public:
    /// `environment`: the server's own (TRACEPARENT there is the parent of requests that bring
    /// no trace context; OTEL_* configure the pipeline).
    /// `own_pipeline` false: the process has a pipeline installed already (the network
    /// server's), which records the requests' spans; the session keeps only the store and the
    /// tree state.
    explicit ObserverSession(const Environment& environment, bool own_pipeline = true)
        : m_environment(environment), m_own_pipeline(own_pipeline) {}
    ~ObserverSession();
    ObserverSession(const ObserverSession&) = delete;
    ObserverSession& operator=(const ObserverSession&) = delete;

    /// True once a request has resolved the session's settings, store and pipeline: later
    /// requests' observers take them from here and need no project, config or flags.
    [[nodiscard]] bool started() const { return m_started; }
    /// Exports what the pipeline holds and writes it to the store.
    void flush();
    /// Signals recorded since the last flush (requests answered, whose telemetry is not stored).
    [[nodiscard]] size_t unflushed() const { return m_unflushed; }

private:
    friend class CommandObserver;
    const Environment& m_environment;
    bool m_own_pipeline = true;
    bool m_started = false;
    bool m_enabled = false;
    std::shared_ptr<const telemetry::sdk::ResolvedSettings> m_settings;
    std::string m_store_root;
    std::string m_required_folder;
    std::shared_ptr<LazyStore> m_store;
    std::shared_ptr<StoreSignalSink> m_sink;
    std::unique_ptr<telemetry::Pipeline> m_pipeline;
    std::function<void(const Error&)> m_report;  // the current request's warning sink
    size_t m_unflushed = 0;
    std::map<std::string, int64_t> m_status_counts;
    bool m_status_gauge_registered = false;
    // The tree state as the last request left it, saved; valid while the state file is as
    // that save left it (m_state_version).
    std::optional<TreeState> m_state;
    FileVersion m_state_version;
    std::unique_ptr<TreeWatch> m_watch;
    std::unique_ptr<files::KeptLockFile> m_tree_lock;  // the tree lock's file, open between requests
    std::string m_state_file;                          // under m_store_root, built by the first request
    std::string m_in_flight_file;
    // The store's reader that catches the kept state up with events of other processes before
    // each request: kept, so the store head is read through a descriptor held open (an fstat
    // and a pread instead of an open, a pread and a close).
    std::unique_ptr<store::Reader> m_reader;
};

/// The task-tree roots a TaskTree covers (the project-local root only when it is configured).
tasks::TreeRoots tree_roots(const tasks::TaskTree& tree);

class CommandObserver;

/// How much of the tree the outside-edit check before an operation looks at (docs/events.md,
/// "Which files a command checks"): every file (a listing, search, replay), or, for an
/// operation that reads or writes a few task files, the stamps of every folder and the files
/// the operation itself reads or writes (checked as it comes to them).
enum class CheckScope { whole_tree, own_files };

/// The observer's hold on the task tree: while it lives, no other instrumented process changes
/// the tree or appends task events. Releasing it first saves what the outside-edit check and
/// the recorded changes taught the tree state, so the next holder starts from it.
class TreeLock {
public:
    TreeLock() = default;
    TreeLock(CommandObserver* owner, std::optional<files::FileLock> lock) : m_owner(owner), m_lock(std::move(lock)) {}
    TreeLock(TreeLock&& other) noexcept;
    TreeLock& operator=(TreeLock&& other) noexcept;
    TreeLock(const TreeLock&) = delete;
    TreeLock& operator=(const TreeLock&) = delete;
    ~TreeLock() { release(); }

    /// Saves the tree state and lets the lock go; the destructor does the same.
    void release();

private:
    CommandObserver* m_owner = nullptr;
    std::optional<files::FileLock> m_lock;  // empty when the lock could not be taken (reported)
};

class CommandObserver {
public:
    static std::unique_ptr<CommandObserver> start(ObserverOptions options);
    ~CommandObserver();
    CommandObserver(const CommandObserver&) = delete;
    CommandObserver& operator=(const CommandObserver&) = delete;

    /// False too while the project's store folder, beside which telemetry goes by default, does
    /// not exist: a command in a project never `init`ed records nothing and creates nothing.
    [[nodiscard]] bool enabled() const { return m_enabled && store_allowed(); }
    [[nodiscard]] const telemetry::sdk::ResolvedSettings& settings() const { return *m_settings; }
    /// The telemetry store folder (empty when there is no project and no configured folder).
    [[nodiscard]] const std::string& store_root() const { return m_store_root; }

    /// Serialises instrumented task operations across processes, so events are appended in
    /// the order their file changes happened. Held around check + operation + record.
    TreeLock lock_tree();
    /// Records edits made outside `sc` since the last check as TaskChangedExternally events.
    /// With CheckScope::own_files, when the tree's folders are as the last check left them,
    /// only the files the operation reads or writes are checked, as it reads or writes them
    /// (the tree lock must then be held until the operation is done).
    void check_external_changes(const tasks::TreeRoots& roots, CheckScope scope = CheckScope::whole_tree);
    /// True when the last check left the files the operation touches to be checked as it
    /// touches them (hold the tree lock through the operation).
    [[nodiscard]] bool checks_own_files() const { return m_scoped; }
    /// How many operations of this observer were checked that way (tests and benchmarks).
    [[nodiscard]] size_t own_files_checks() const { return m_own_files_checks; }
    /// Starts journaling the file changes of the operation about to run (under the tree lock,
    /// after the outside-edit check), so a kill before its event is recorded can be undone by
    /// the next command. Ends when the tree lock is released.
    void begin_operation();
    /// Records one operation's change as its domain event, with the current span's context.
    void record(const tasks::ChangeRecord& change);
    /// Appends domain events that change no task file (worktrees, sessions: docs/events.md),
    /// their meta filled from the current span (trace, span, correlation, actor) where empty.
    /// Returns the events as stored (empty when telemetry is off or the append failed:
    /// reported, as every telemetry failure).
    std::vector<store::AppendedEvent> append(std::vector<store::NewEvent> events);
    /// The meta an event recorded now gets: the current span's context and the actor.
    [[nodiscard]] store::EventMeta current_meta() const;

    /// Tasks by status, as a listing saw them: reported by the `scopecraft.tasks` gauge when
    /// metrics are collected at exit.
    void set_task_status_counts(std::map<std::string, int64_t> counts);

    /// Ends the root span with the exit code and flushes every signal to the store.
    void finish(int exit_code, const Error* error);

    /// Reports a telemetry problem once per kind of problem.
    void report(const Error& problem);

private:
    friend class TreeLock;
    friend class OwnFileReads;
    CommandObserver() = default;
    Status load_state();
    /// The own-files check (own_files_check.cpp): true when the saved state and scope say the
    /// tree's folders are as the last check left them; the scope is then kept for the
    /// operation and the files it reads are checked as it reads them.
    bool folders_unchanged_since_save(const tasks::TreeRoots& roots);
    /// Checks one file the operation is about to read or change (absolute path), once.
    void check_own_file(const std::string& path);
    /// Before a change of the operation: its file checked, its folders' stamps taken.
    void before_change(const std::string& root, const tasks::FileChange& change);
    /// After the operation's change is recorded: the stamps of the folders it changed and the
    /// stat of the files it wrote go into the scope.
    void update_scope(const std::vector<tasks::FileChange>& changes);
    /// The scope a check of every file leaves (reference: the file system's time before it).
    void scope_after_full_check(const std::vector<std::string>& folder_keys, int64_t reference);
    /// Writes the scope when it changed, tied to the state as saved; a scope that could not be
    /// kept in step with the state is removed.
    void save_scope();
    /// Records changes found outside `sc` as TaskChangedExternally events; false when they
    /// could not be stored (the state is dropped: the next check finds them again).
    bool record_external(const std::vector<tasks::FileChange>& changes);
    /// True when the tree is as the saved state left it: no event after the state's seq, no
    /// operation left half done, and the live tree's digest (a stat per file) equal to the one
    /// saved with the state. The state is then not loaded (a line per file parsed) until an
    /// operation that changes the tree needs it.
    bool unchanged_since_save(const tasks::TreeRoots& roots, std::vector<std::string>* folders = nullptr);
    /// The check of every file, answered by the watch service (`sc watch`) when one runs: asked
    /// with the token saved in the scope, only the files it names are compared with the state
    /// (none: the state is not even loaded). False when the whole tree must be walked (no
    /// service, no token, or "anything"); the token it gave is then kept for the walk's scope.
    /// docs/events.md, "Which files a command checks".
    bool check_through_watch(const tasks::TreeRoots& roots, int64_t reference);
    /// True when no operation is left half done and the log's last event is `seq`: a state
    /// saved at `seq` is the tree as the log knows it.
    [[nodiscard]] bool saved_state_is_current(uint64_t seq) const;
    /// The task-tree state file (its scope is beside it) and the in-flight journal: built once
    /// per session of a server (they are looked at on every request), once per command.
    [[nodiscard]] const std::string& state_file() const;
    [[nodiscard]] const std::string& in_flight_file() const;
    /// The session's tree state, when it is still what the state file says.
    bool take_session_state();
    /// The changes since the last check: the whole tree's, or the watched files' alone.
    Result<std::vector<tasks::FileChange>> detect(const tasks::TreeRoots& roots);
    /// Saves the tree state (appending what changed) and forgets it: the lock is going.
    void end_tree_session();
    /// The seq of the last event appended.
    Result<uint64_t> append_events(std::vector<store::NewEvent> events);
    /// Whether the store may be written: always, unless it goes in a project folder that does
    /// not exist (yet: `sc init` makes it during the command).
    [[nodiscard]] bool store_allowed() const;

    bool m_enabled = false;
    bool m_finished = false;
    ObserverOptions m_options;
    std::shared_ptr<const telemetry::sdk::ResolvedSettings> m_settings;  // never null once started
    std::string m_store_root;
    mutable std::string m_required_folder;  // TelemetryLocation::required_folder; cleared once seen
    std::shared_ptr<LazyStore> m_store;
    std::shared_ptr<StoreSignalSink> m_sink;  // deferred: written once, at finish
    std::unique_ptr<telemetry::Pipeline> m_pipeline;
    std::optional<telemetry::Span> m_root;
    std::optional<telemetry::Scope> m_root_scope;
    std::optional<TreeState> m_state;
    bool m_state_unloaded = false;      // the check found the tree as saved and left the state on disk
    bool m_state_from_session = false;  // m_state is the session's, checked by the watch since
    FileVersion m_state_version;        // of the state file, when m_state came from the session
    std::unique_ptr<InFlightJournal> m_in_flight;
    std::optional<tasks::ChangeJournal::Installed> m_in_flight_installed;
    tasks::TreeRoots m_roots;  // of the last check, for note_written after a change
    // The own-files check (docs/events.md, "Which files a command checks").
    std::optional<StateSummary> m_summary;  // of the saved state, as the check read it
    std::string m_watch_token;              // the watch service's answer, before the check: for the scope
    std::optional<TreeScope> m_scope;       // valid for the state being worked on
    bool m_scope_dirty = false;             // to be written with the state
    bool m_scope_broken = false;            // the state was dropped: the scope file must go
    bool m_scoped = false;                  // files are checked as the operation touches them
    size_t m_own_files_checks = 0;
    std::set<std::string> m_checked;                  // keys checked by this operation
    std::vector<std::string> m_changed_by_operation;  // keys (and what is under them) it changed
    std::map<std::string, bool> m_touched_folders;    // folders the operation changes: clean before?
    std::unique_ptr<tasks::ReadWatch> m_read_watch;
    std::optional<tasks::ReadWatch::Installed> m_read_watch_installed;
    std::vector<std::string> m_reported;
    std::map<std::string, int64_t> m_status_counts;
    bool m_status_gauge_registered = false;
    mutable std::string m_state_file;      // when there is no session (state_file())
    mutable std::string m_in_flight_file;  // when there is no session (in_flight_file())
};

}  // namespace sc::observe
