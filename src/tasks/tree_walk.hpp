#pragma once
// Listing the folders of a task tree and stat-ing its files on more than one thread, the way
// git's `core.preloadIndex` stats a large index (docs/performance.md, "A walk on two threads").
//
// A listing that detects in-place edits stats every file, and on one thread the stats alone
// are 0.4x of reading every file at 10,000 tasks. Above a threshold of entries met, helper
// threads take folders to list and ranges of a large folder's files to stat from one queue.
// What a walk gives is the same, entry for entry and in the same order, whether one thread or
// several made it: each folder's entries sorted by name, each with the stat the rules asked for
// (a folder is sorted by the thread that stat-ed its last file, so on several threads the sorts
// of a tree's folders run side by side too). The consumers (the listing's scan, the outside-edit check) process
// the folders serially as before; only where a folder's listing comes from changes.
//
// The serial walk stays: for small trees (below the threshold no thread is started), when
// SCOPECRAFT_WALK_THREADS is 1 (or the machine has one CPU), and when a thread cannot start.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tasks/file_stat.hpp"
#include "tasks/folder_listing.hpp"
#include "util/environment.hpp"

namespace sc::tasks {

/// One folder as a walk met it: its entries (hidden names, with a leading dot, dropped) in
/// read_folder()'s form, each carrying the stat the rules asked for (stat.known: fstatat was
/// called and succeeded; an entry of unknown kind takes its kind from that stat).
struct WalkedFolder {
    int error = 0;                        // errno of opening the folder; 0: listed
    std::vector<DirectoryEntry> entries;  // sorted by name
};

/// What a walk stats and which folders it enters. Called from several threads at once: the
/// answers must depend on the arguments alone.
class WalkRules {
public:
    virtual ~WalkRules() = default;
    /// Whether a regular file (DT_REG) is stat-ed; an entry of unknown kind (DT_UNKNOWN) always is.
    [[nodiscard]] virtual bool stat_file(const std::string& name) const = 0;
    /// Whether the walk lists the subfolder `name` of the folder `folder` (its path as walked).
    [[nodiscard]] virtual bool enter(const std::string& folder, const std::string& name) const = 0;
};

/// Lists one folder as `rules` say, on the calling thread: the serial walk's step, and what
/// every thread of a parallel walk does with each folder.
WalkedFolder list_folder(const std::string& path, const WalkRules& rules);

/// The listing read_folder() gives (sorted by name): the walk's own entries, with the stat kept
/// for files only and only when `keep_stats`. Nothing is copied.
std::vector<DirectoryEntry> to_listing(WalkedFolder&& walked, bool keep_stats);

inline constexpr unsigned k_max_walk_threads = 4;
/// Entries a walk meets before it starts helper threads (git's preload-index asks for 500 stats
/// per thread too): a thread costs about 75 us of CPU to start on this VM, and half of a walk of
/// 500 entries is about 0.45 ms (docs/performance.md, "A walk on two threads").
inline constexpr size_t k_default_walk_threshold = 500;

struct WalkSettings {
    unsigned threads = 0;  // 0: the machine's CPUs, at most k_max_walk_threads; 1: serial
    size_t threshold = k_default_walk_threshold;
};

/// SCOPECRAFT_WALK_THREADS (a count; 1 turns the parallel walk off) and
/// SCOPECRAFT_WALK_THRESHOLD (entries); an unset or unreadable value keeps the default.
WalkSettings walk_settings_from(const Environment& environment);
/// The settings every walk of this process uses: the environment's (walk_settings_from), read
/// at the first walk, unless set here (tests).
void set_walk_settings(const WalkSettings& settings);
[[nodiscard]] WalkSettings walk_settings();
/// The threads a walk may use under the current settings (1: the serial walk); asks the
/// machine for its CPUs (once per process) when the settings leave it to the machine.
[[nodiscard]] unsigned walk_threads();
/// False when the settings keep every walk on one thread (SCOPECRAFT_WALK_THREADS=1); asks
/// nothing of the machine. A walk that may use threads starts them only past the threshold.
[[nodiscard]] bool walk_may_use_threads();

/// A walk of the folders below `starts` (each listed, then every subfolder the rules enter),
/// run to completion by the constructor: on the calling thread until the threshold of entries
/// is met, then on up to settings.threads threads (the machine's CPUs when 0; at most
/// k_max_walk_threads). Its folders are then taken one by one.
class ParallelWalk {
public:
    ParallelWalk(const std::vector<std::string>& starts, const WalkRules& rules,
                 const WalkSettings& settings = walk_settings());
    ~ParallelWalk();
    ParallelWalk(const ParallelWalk&) = delete;
    ParallelWalk& operator=(const ParallelWalk&) = delete;

    /// The listing of `path` when this walk made one; each is taken once.
    bool take(const std::string& path, WalkedFolder& out);
    /// Every folder listed, in the order they were met (for tests).
    [[nodiscard]] std::vector<std::string> paths() const;
    /// Threads that worked on the walk, the calling one included.
    [[nodiscard]] unsigned threads_used() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

/// Runs a job on a thread of its own beside the caller's work (no signal is delivered to it, as
/// to a walk's helpers), joined when this goes; on the caller's thread at once when no thread
/// can be had. The job must not throw.
class SideJob {
public:
    explicit SideJob(std::function<void()> job);
    ~SideJob();
    SideJob(const SideJob&) = delete;
    SideJob& operator=(const SideJob&) = delete;
    /// Waits for the job (the destructor does too).
    void join();

private:
    std::thread m_thread;
};

/// Where a serial consumer gets each folder: from a parallel walk made beforehand when one was
/// (prefetch), else listed there and then. A folder the prefetch did not list is listed then too.
class FolderSource {
public:
    explicit FolderSource(const WalkRules& rules) : m_rules(rules) {}
    /// Walks below `starts` (threads past the threshold) unless walks are kept to one thread.
    void prefetch(const std::vector<std::string>& starts);
    /// The listing of `path`.
    WalkedFolder list(const std::string& path);
    [[nodiscard]] bool prefetched() const { return m_walk != nullptr; }

private:
    const WalkRules& m_rules;
    std::unique_ptr<ParallelWalk> m_walk;
};

}  // namespace sc::tasks
