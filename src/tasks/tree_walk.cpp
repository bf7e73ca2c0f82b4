#include "tasks/tree_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>

namespace sc::tasks {

namespace {

/// Set by set_walk_settings() (tests); otherwise the environment's, read at the first walk.
std::optional<WalkSettings> g_settings;

/// Entries of one folder stat-ed by one job: small enough that two threads finish a folder
/// of 8,000 files together (the last job of one thread is not long), large enough that the
/// queue's lock is taken a few dozen times, not thousands.
constexpr size_t k_stat_chunk = 256;

/// The eight bytes of `name` from `offset` as one big-endian integer, zero past its end: no
/// name holds a NUL, so comparing these integers compares the names' bytes there, and a name
/// that ends sorts before every longer one that shares its bytes.
uint64_t word_at(std::string_view name, size_t offset) {
    char bytes[8] = {};
    if (offset < name.size())
        std::memcpy(bytes, name.data() + offset, std::min<size_t>(8, name.size() - offset));
    uint64_t word = 0;
    std::memcpy(&word, bytes, 8);
    if constexpr (std::endian::native == std::endian::little)
        word = __builtin_bswap64(word);
    return word;
}

struct SortKey {
    uint64_t word;  // the name's eight bytes at the offset its run is sorted by
    size_t index;   // the entry
};

/// Sorts keys[begin, end), whose names share their first `offset` bytes, by name: by the next
/// eight bytes as an integer, then each run of equal ones by the eight after (a radix sort of
/// eight-byte digits, most significant first). Names in a task folder share long prefixes
/// (`generated-task-number-0...`): comparing them by memcmp, one call per comparison, was most
/// of a cached listing's sort; this compares integers.
void sort_run(std::vector<SortKey>& keys, size_t begin, size_t end, size_t offset,
              const std::vector<DirectoryEntry>& entries) {
    // Bytes every name of the run shares are skipped without sorting (an all-equal run sorts
    // in n log n steps all the same).
    bool all_equal = true;
    do {
        for (size_t i = begin; i < end; ++i) {
            keys[i].word = word_at(entries[keys[i].index].name, offset);
            all_equal = all_equal && keys[i].word == keys[begin].word;
        }
        if (!all_equal || (keys[begin].word & 0xFF) == 0)
            break;
        offset += 8;
    } while (true);
    if (all_equal)
        return;  // equal names (see below)
    std::sort(keys.begin() + static_cast<std::ptrdiff_t>(begin), keys.begin() + static_cast<std::ptrdiff_t>(end),
              [](const SortKey& a, const SortKey& b) { return a.word < b.word; });
    for (size_t first = begin; first < end;) {
        size_t last = first + 1;
        while (last < end && keys[last].word == keys[first].word)
            ++last;
        // Equal words whose last byte is a NUL are names that ended: equal names, which one
        // folder cannot hold (nothing left to compare).
        if (last - first >= 2 && (keys[first].word & 0xFF) != 0)
            sort_run(keys, first, last, offset + 8, entries);
        first = last;
    }
}

/// Entries by name, as every reader of a folder takes them: done by the walk, so that on
/// several threads each folder is sorted by the thread that finished it, not by the consumer.
/// The names are sorted as (eight bytes, index) keys of 16 bytes (sort_run), and the 72-byte
/// entries then moved once each into place by following the permutation's cycles: sorting the
/// entries themselves moved each a dozen times (a fifth of a cached listing's scan at 1,000 tasks).
void sort_by_name(std::vector<DirectoryEntry>& entries) {
    if (entries.size() < 2)
        return;
    std::vector<SortKey> keys(entries.size());
    for (size_t i = 0; i < entries.size(); ++i)
        keys[i].index = i;
    sort_run(keys, 0, keys.size(), 0, entries);
    // keys[i].index: the entry that belongs at i. Each cycle is rotated through one temporary;
    // a placed position is marked by pointing at itself. (The views are not read from here on.)
    for (size_t start = 0; start < keys.size(); ++start) {
        if (keys[start].index == start)
            continue;
        DirectoryEntry held = std::move(entries[start]);
        size_t at = start;
        while (keys[at].index != start) {
            size_t from = keys[at].index;
            entries[at] = std::move(entries[from]);
            keys[at].index = at;
            at = from;
        }
        entries[at] = std::move(held);
        keys[at].index = at;
    }
}

/// A regular file by its listing's d_type (one of unknown kind was stat-ed when listed, and has
/// its stat already or is no file).
bool wants_stat(const DirectoryEntry& entry, const WalkRules& rules) {
    return entry.type == EntryType::file && !entry.stat.known && rules.stat_file(entry.name);
}

void stat_entry(int folder_fd, DirectoryEntry& entry) {
    struct stat info {};
    if (::fstatat(folder_fd, entry.name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0)
        return;  // gone since the listing: as the serial walk, which would not have seen it either
    entry.type = entry_type_of_mode(info.st_mode);
    entry.stat = FileStat::of(info);
}

/// Reads the names of a folder (hidden ones dropped) and stats those of unknown kind; the
/// caller stats the regular files. Null when the folder cannot be opened (`error` set).
DIR* read_names(const std::string& path, WalkedFolder& folder) {
    DIR* directory = ::opendir(path.c_str());
    if (directory == nullptr) {
        folder.error = errno == 0 ? EIO : errno;
        return nullptr;
    }
    while (dirent* entry = ::readdir(directory)) {
        if (entry->d_name[0] == '.')
            continue;  // hidden (the lock file, the listing cache), and "." and ".."
        DirectoryEntry& item = folder.entries.emplace_back();
        item.name = entry->d_name;
        item.type = entry_type_of(entry->d_type);
        if (entry->d_type == DT_UNKNOWN)
            stat_entry(::dirfd(directory), item);  // the kind decides what follows
    }
    return directory;
}

unsigned parse_count(const std::optional<std::string>& text, unsigned fallback) {
    if (!text || text->empty())
        return fallback;
    unsigned value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    return error == std::errc() && end == text->data() + text->size() ? value : fallback;
}

}  // namespace

WalkedFolder list_folder(const std::string& path, const WalkRules& rules) {
    WalkedFolder folder;
    DIR* directory = read_names(path, folder);
    if (directory == nullptr)
        return folder;
    for (DirectoryEntry& entry : folder.entries)
        if (wants_stat(entry, rules))
            stat_entry(::dirfd(directory), entry);
    ::closedir(directory);
    sort_by_name(folder.entries);
    return folder;
}

std::vector<DirectoryEntry> to_listing(WalkedFolder&& walked, bool keep_stats) {
    for (DirectoryEntry& entry : walked.entries)
        if (!keep_stats || entry.type != EntryType::file)
            entry.stat = FileStat {};
    sort_listing(walked.entries);  // sorted already: one pass to check
    return std::move(walked.entries);
}

WalkSettings walk_settings_from(const Environment& environment) {
    WalkSettings settings;
    settings.threads = parse_count(environment.get("SCOPECRAFT_WALK_THREADS"), settings.threads);
    settings.threshold =
        parse_count(environment.get("SCOPECRAFT_WALK_THRESHOLD"), static_cast<unsigned>(settings.threshold));
    return settings;
}

void set_walk_settings(const WalkSettings& settings) {
    g_settings = settings;
}

WalkSettings walk_settings() {
    if (g_settings)
        return *g_settings;
    // Read once, by the first walk: a command that walks no tree pays nothing at start-up.
    static const WalkSettings from_environment = walk_settings_from(ProcessEnvironment());
    return from_environment;
}

namespace {

/// The machine's CPUs, asked once per process and only by a walk that starts threads: glibc
/// answers by reading /sys/devices/system/cpu/online (an open, a read and a close), which a
/// listing of 20 tasks should not pay three times.
unsigned machine_cpus() {
    static const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    return cpus;
}

/// As many threads as asked, or as the machine has CPUs (0), at most k_max_walk_threads: the
/// stats of one tree gain little past a few threads, and each costs its start (about 30 us).
unsigned threads_for(unsigned requested) {
    return std::min(requested == 0 ? machine_cpus() : requested, k_max_walk_threads);
}

}  // namespace

unsigned walk_threads() {
    return threads_for(walk_settings().threads);
}

bool walk_may_use_threads() {
    return walk_settings().threads != 1;
}

// The queue: jobs are "list folder i" or "stat entries [begin, end) of folder i". A thread takes
// the newest job (a folder's stat jobs right after listing it, while its names are in cache).
struct ParallelWalk::State {
    struct Folder {
        std::string path;
        WalkedFolder listing;
        DIR* directory = nullptr;           // open while its stat jobs run
        std::atomic<size_t> jobs_left {0};  // stat jobs not finished; the last closes the folder
    };
    struct Job {
        size_t folder = 0;
        size_t begin = 0;
        size_t end = 0;
        bool list = false;
    };

    const WalkRules& rules;
    WalkSettings settings;

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<Folder> folders;  // references stay valid as it grows
    std::vector<Job> jobs;
    size_t active = 0;  // jobs being run
    size_t met = 0;     // entries listed so far
    bool spawned = false;
    std::vector<std::thread> helpers;
    size_t helpers_started = 0;
    std::unordered_map<std::string_view, size_t> by_path;

    State(const WalkRules& walk_rules, const WalkSettings& walk_settings)
        : rules(walk_rules), settings(walk_settings) {}

    void work();
    void list(size_t index, Folder& folder);
    void stat_range(Folder& folder, size_t begin, size_t end);
    void start_helpers();
};

void ParallelWalk::State::stat_range(Folder& folder, size_t begin, size_t end) {
    // A job after the first opens the folder itself: in a process of several threads, each
    // fstatat on a shared descriptor takes and drops a reference to it (one cache line written
    // by both CPUs); the open costs about what 3 stats do, once per 256 (walk_bench showed no
    // difference beyond noise on this VM, so this is a precaution for machines of more CPUs).
    int fd = ::dirfd(folder.directory);
    int own = begin == 0 ? -1 : ::open(folder.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (own >= 0)
        fd = own;
    for (size_t i = begin; i < end; ++i)
        if (wants_stat(folder.listing.entries[i], rules))
            stat_entry(fd, folder.listing.entries[i]);
    if (own >= 0)
        ::close(own);
    if (folder.jobs_left.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        // The last job of the folder: every stat of the others is visible here (acq_rel).
        ::closedir(folder.directory);
        folder.directory = nullptr;
        sort_by_name(folder.listing.entries);
    }
}

void ParallelWalk::State::list(size_t index, Folder& folder) {
    folder.directory = read_names(folder.path, folder.listing);
    if (folder.directory == nullptr)
        return;
    std::vector<DirectoryEntry>& entries = folder.listing.entries;
    size_t chunks = (entries.size() + k_stat_chunk - 1) / k_stat_chunk;
    folder.jobs_left.store(std::max<size_t>(chunks, 1), std::memory_order_relaxed);
    bool start = false;
    {
        std::lock_guard<std::mutex> lock(mutex);
        // Subfolders last in, so they are taken after this folder's stats: a folder's names
        // are stat-ed while they are fresh in the cache, and the deepest folders wait least.
        for (size_t chunk = 1; chunk < chunks; ++chunk)
            jobs.push_back({index, chunk * k_stat_chunk, std::min(entries.size(), (chunk + 1) * k_stat_chunk), false});
        for (size_t i = entries.size(); i-- > 0;) {
            const DirectoryEntry& entry = entries[i];
            if (entry.type == EntryType::folder && rules.enter(folder.path, entry.name)) {
                Folder& sub = folders.emplace_back();
                sub.path.reserve(folder.path.size() + 1 + entry.name.size());
                sub.path.append(folder.path).append(1, '/').append(entry.name);
                jobs.push_back({folders.size() - 1, 0, 0, true});
            }
        }
        met += entries.size();
        start = !spawned && settings.threads != 1 && met >= settings.threshold && !jobs.empty();
        spawned = spawned || start;
    }
    if (start)
        start_helpers();  // before this job ends: the walk cannot finish while they start
    wake.notify_all();
    stat_range(folder, 0, std::min(entries.size(), k_stat_chunk));
}

namespace {

/// Blocks every signal on the calling thread while it lives, so the threads it starts take none:
/// SIGINT and SIGTERM held back by the main thread around a change (observe/deferred_signals)
/// must not be delivered to a thread that does not hold them.
class NoSignals {
public:
    NoSignals() {
        sigset_t all;
        sigfillset(&all);
        m_masked = ::pthread_sigmask(SIG_BLOCK, &all, &m_previous) == 0;
    }
    ~NoSignals() {
        if (m_masked)
            ::pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
    }
    NoSignals(const NoSignals&) = delete;
    NoSignals& operator=(const NoSignals&) = delete;

private:
    sigset_t m_previous {};
    bool m_masked = false;
};

}  // namespace

void ParallelWalk::State::start_helpers() {
    std::vector<std::thread> started;
    {
        NoSignals inherited;
        for (unsigned i = 1; i < threads_for(settings.threads); ++i) {
            try {
                started.emplace_back([this] { work(); });
            } catch (const std::system_error&) {
                break;  // no thread to be had: the ones running (at least this one) finish the walk
            }
        }
    }
    std::lock_guard<std::mutex> lock(mutex);
    for (std::thread& thread : started)
        helpers.push_back(std::move(thread));
}

void ParallelWalk::State::work() {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
        if (!jobs.empty()) {
            Job job = jobs.back();
            jobs.pop_back();
            ++active;
            Folder& folder = folders[job.folder];
            lock.unlock();
            if (job.list)
                list(job.folder, folder);
            else
                stat_range(folder, job.begin, job.end);
            lock.lock();
            --active;
            continue;
        }
        if (active == 0) {
            wake.notify_all();  // the others are waiting for jobs that will not come
            return;
        }
        wake.wait(lock);
    }
}

ParallelWalk::ParallelWalk(const std::vector<std::string>& starts, const WalkRules& rules, const WalkSettings& settings)
    : m_state(std::make_unique<State>(rules, settings)) {
    State& state = *m_state;
    for (size_t i = starts.size(); i-- > 0;) {  // the first start first
        state.folders.emplace_back().path = starts[i];
        state.jobs.push_back({state.folders.size() - 1, 0, 0, true});
    }
    state.work();
    std::vector<std::thread> helpers;
    {
        std::lock_guard<std::mutex> lock(state.mutex);
        helpers = std::move(state.helpers);
    }
    for (std::thread& thread : helpers)
        thread.join();
    state.helpers_started = helpers.size();
    for (size_t i = 0; i < state.folders.size(); ++i)
        state.by_path.emplace(state.folders[i].path, i);
}

ParallelWalk::~ParallelWalk() = default;

bool ParallelWalk::take(const std::string& path, WalkedFolder& out) {
    auto found = m_state->by_path.find(path);
    if (found == m_state->by_path.end())
        return false;
    out = std::move(m_state->folders[found->second].listing);
    m_state->by_path.erase(found);
    return true;
}

std::vector<std::string> ParallelWalk::paths() const {
    std::vector<std::string> paths;
    for (const State::Folder& folder : m_state->folders)
        paths.push_back(folder.path);
    return paths;
}

unsigned ParallelWalk::threads_used() const {
    return 1 + static_cast<unsigned>(m_state->helpers_started);
}

SideJob::SideJob(std::function<void()> job) {
    {
        NoSignals inherited;
        try {
            m_thread = std::thread(job);
            return;
        } catch (const std::system_error&) {
        }
    }
    job();  // no thread to be had: done here, before the caller's own work
}

SideJob::~SideJob() {
    join();
}

void SideJob::join() {
    if (m_thread.joinable())
        m_thread.join();
}

void FolderSource::prefetch(const std::vector<std::string>& starts) {
    if (walk_may_use_threads())
        m_walk = std::make_unique<ParallelWalk>(starts, m_rules);
}

WalkedFolder FolderSource::list(const std::string& path) {
    WalkedFolder folder;
    if (m_walk != nullptr && m_walk->take(path, folder))
        return folder;
    return list_folder(path, m_rules);
}

}  // namespace sc::tasks
