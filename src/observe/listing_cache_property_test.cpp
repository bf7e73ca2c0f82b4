// The listing cache never changes what a listing says: random sequences of task operations
// (each its own observed command, telemetry on or off), edits behind sc's back (in place
// keeping the size, renames over a file, a file replaced by a folder, new and deleted files)
// and deletions of the cache, with every listing compared with one that reads every file; and
// the same with the watch service running (observe/watch_service.hpp), restarted now and then,
// so that listings with the service equal listings without it.

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "observe/command_observer.hpp"
#include "observe/observed_tasks.hpp"
#include "observe/watch_service.hpp"
#include "tasks/document_json.hpp"
#include "tasks/listing_cache.hpp"
#include "tasks/watch_client.hpp"
#include "util/files.hpp"

namespace sc::observe {
namespace {

namespace fs = std::filesystem;

class World {
public:
    World() : m_clock(1'795'000'000'000'000'000) {
        char pattern[] = "/tmp/sc-listing-property-XXXXXX";
        m_root = ::mkdtemp(pattern);
        fs::create_directories(m_root + "/home");
        fs::create_directories(m_root + "/project");
        m_environment.set("HOME", m_root + "/home");
        m_environment.set("OTEL_TRACES_EXPORTER", "none");
        m_environment.set("OTEL_METRICS_EXPORTER", "none");
        m_environment.set("OTEL_LOGS_EXPORTER", "none");
        tasks::ProjectOptions options;
        options.current_directory = m_root + "/project";
        m_paths = tasks::resolve_project(m_environment, options).value();
    }
    ~World() {
        stop_service();
        std::error_code ignored;
        fs::remove_all(m_root, ignored);
    }

    /// One `sc` invocation, telemetry on (an observer: the outside-edit check walks the tree
    /// first and hands its stats to the listing) or off (the listing stats each file itself).
    template <class Operation>
    void command(bool telemetry, Operation&& operation) {
        m_clock.advance(std::chrono::seconds(1));
        std::unique_ptr<CommandObserver> observer;
        if (telemetry) {
            ObserverOptions options;
            options.environment = &m_environment;
            options.clock = &m_clock;
            options.project = m_paths;
            options.command = "step";
            options.warn = [](const Error& warning) { RC_FAIL("telemetry warning: " + warning.describe()); };
            observer = CommandObserver::start(std::move(options));
        }
        {
            ObservedTaskService service(tasks::TaskService::for_project(m_paths, m_clock), observer.get());
            operation(service);
        }
        if (observer)
            observer->finish(0, nullptr);
    }

    std::vector<std::string> task_paths() const {
        std::vector<std::string> found;
        for (const auto& entry : fs::recursive_directory_iterator(m_paths.tasks_dir))
            if (entry.is_regular_file() && entry.path().extension() == ".md")
                found.push_back(entry.path().string());
        std::sort(found.begin(), found.end());
        return found;
    }

    const tasks::ProjectPaths& paths() const { return m_paths; }

    /// The watch service of this project on a thread, as `sc watch` runs it (a new instance
    /// each time).
    void start_service() {
        stop_service();
        WatchServiceOptions options;
        options.roots.store = m_paths.tasks_dir;
        const char* runtime = std::getenv("XDG_RUNTIME_DIR");
        options.socket_path = tasks::watch_socket_path(m_paths.store_dir, runtime != nullptr ? runtime : "");
        Result<std::unique_ptr<WatchService>> started = WatchService::start(options);
        RC_ASSERT(started.ok());
        m_service = std::move(started.value());
        m_stop.store(false);
        m_thread = std::thread([this] { m_service->run(m_stop); });
    }
    void stop_service() {
        m_stop.store(true);
        if (m_thread.joinable())
            m_thread.join();
        m_service.reset();
    }
    [[nodiscard]] bool serving() const { return m_service != nullptr; }

private:
    std::string m_root;
    FixedClock m_clock;
    MapEnvironment m_environment;
    tasks::ProjectPaths m_paths;
    std::unique_ptr<WatchService> m_service;
    std::atomic<bool> m_stop {false};
    std::thread m_thread;
};

template <class T>
const T& pick(const std::vector<T>& items) {
    return items[*rc::gen::inRange<size_t>(0, items.size())];
}

std::string text(const std::optional<std::string>& value) {
    return value ? *value : "-";
}

std::string describe(const std::vector<tasks::Diagnostic>& diagnostics) {
    std::string out;
    for (const tasks::Diagnostic& diagnostic : diagnostics)
        out += "! " + diagnostic.where.to_string() + " " + diagnostic.message + "\n";
    return out;
}

/// A listing as the listing cache serves it.
std::string listed(ObservedTaskService& service, const tasks::ListFilter& filter, tasks::ListingCounts& counts) {
    std::string out;
    auto diagnostics = service.visit_listed(
        filter,
        [&out](const tasks::TaskLocation& location, const tasks::ListedTask& task) {
            auto optional = [](const std::optional<std::string_view>& value) {
                return value ? std::string(*value) : std::string("-");
            };
            out += location.relative_path + " " + optional(task.status) + " " + optional(task.type) + " " +
                   optional(task.area) + " [";
            for (std::string_view tag : task.tags)
                out += std::string(tag) + ",";
            out += "] " + std::string(task.title) + "\n" + std::string(task.document) + "\n";
        },
        &counts);
    RC_ASSERT(diagnostics.ok());
    return out + describe(diagnostics.value());
}

/// The same listing from every file read and parsed (TaskService::visit, no cache).
std::string read_every_file(const tasks::TaskService& service, const tasks::ListFilter& filter) {
    std::string out;
    auto diagnostics = service.visit(filter, [&out](tasks::TaskRecord&& record) {
        const tasks::TaskDocument& document = record.document;
        out += record.relative_path + " " + text(document.field("status")) + " " + text(document.field("type")) + " " +
               text(document.field("area")) + " [";
        for (const std::string& tag : document.field_list("tags"))
            out += tag + ",";
        std::string bytes;
        tasks::append_listed_document(bytes, document);
        out += "] " + document.title() + "\n" + bytes + "\n";
    });
    RC_ASSERT(diagnostics.ok());
    return out + describe(diagnostics.value());
}

struct Coverage {
    size_t listings = 0;
    size_t listings_served_from_the_cache = 0;  // at least one entry taken from it
    size_t entries_cached = 0;
    size_t files_read = 0;
    size_t outside_edits = 0;
    size_t cache_deletions = 0;
    size_t service_restarts = 0;
    size_t entries_vouched = 0;  // listed on the service's word, without a stat
};

void run_case(Coverage& coverage, bool with_service) {
    World world;
    world.command(true, [](ObservedTaskService& service) { RC_ASSERT(service.init().ok()); });
    if (with_service)
        world.start_service();
    const std::string current = world.paths().tasks_dir + "/current/";
    size_t steps = *rc::gen::inRange<size_t>(4, 30);
    for (size_t step = 0; step < steps; ++step) {
        // Listings and cache deletions take the small draws, which rapidcheck favours in small
        // cases: otherwise the short cases would rarely list.
        constexpr int k_kinds[14] = {11, 12, 9, 13, 10, 0, 4, 5, 6, 7, 8, 2, 3, 1};
        int kind = step < 2 ? 0 : k_kinds[*rc::gen::inRange(0, 14)];
        bool telemetry = *rc::gen::arbitrary<bool>();
        std::vector<std::string> files = world.task_paths();
        switch (kind) {
            case 0:
            case 1:
                world.command(telemetry, [&](ObservedTaskService& service) {
                    tasks::CreateRequest request;
                    request.title = pick(std::vector<std::string> {"Alpha task", "Bravo task", "Charlie"});
                    request.fields.tags = std::vector<std::string> {pick(std::vector<std::string> {"x", "y"})};
                    if (kind == 1)
                        (void)service.create_parent(request, {"First step", "Second step"});
                    else
                        (void)service.create(request);
                });
                break;
            case 2:
            case 3:
                // An sc change to an existing task: status (the size may stay), or a move.
                world.command(telemetry, [&](ObservedTaskService& service) {
                    tasks::ListFilter all;
                    all.location = tasks::LocationScope::all;
                    auto listed_tasks = service.list(all);
                    if (!listed_tasks.ok() || listed_tasks->tasks.empty())
                        return;
                    std::string id = pick(listed_tasks->tasks).id;
                    if (kind == 2) {
                        tasks::UpdateRequest request;
                        request.fields.status = pick(std::vector<std::string> {"todo", "done", "blocked"});
                        (void)service.update(id, request);
                    } else {
                        (void)service.complete(id, "2026-11");
                    }
                });
                break;
            case 4:
                if (!files.empty()) {
                    // In place, keeping the size (and usually the mtime's second).
                    std::string path = pick(files);
                    std::string content = files::read(path).value_or("");
                    size_t at = content.find("# ");
                    if (at != std::string::npos && at + 2 < content.size() && content[at + 2] != '\n') {
                        int fd = ::open(path.c_str(), O_WRONLY);
                        RC_ASSERT(fd >= 0);
                        char letter = content[at + 2] == 'Z' ? 'Y' : 'Z';
                        RC_ASSERT(::pwrite(fd, &letter, 1, static_cast<off_t>(at + 2)) == 1);
                        ::close(fd);
                        ++coverage.outside_edits;
                    }
                }
                break;
            case 5:
                if (files.size() >= 2) {
                    // A rename over another file (what an editor's save or a checkout does).
                    std::string from = pick(files);
                    std::string to = pick(files);
                    if (from != to && fs::path(from).filename() != "_overview.md") {
                        fs::rename(from, to);
                        ++coverage.outside_edits;
                    }
                }
                break;
            case 6:
                if (!files.empty()) {
                    // A file replaced by a folder of the same name holding a task.
                    std::string path = pick(files);
                    if (fs::path(path).filename() != "_overview.md") {
                        fs::remove(path);
                        fs::create_directories(path);
                        RC_ASSERT(files::write_atomic(path + "/inner-11Q.task.md",
                                                      "# Inner\n\n---\ntype: bug\nstatus: todo\narea: x\n---\n")
                                      .ok());
                        ++coverage.outside_edits;
                    }
                }
                break;
            case 7:
                RC_ASSERT(files::write_atomic(current + "hand-" + std::to_string(step) + "-11H.task.md",
                                              "# Hand\n\n---\ntype: chore\nstatus: todo\narea: y\n---\n")
                              .ok());
                ++coverage.outside_edits;
                break;
            case 8:
                if (!files.empty() && fs::remove(pick(files)))
                    ++coverage.outside_edits;
                break;
            case 9:
                if (fs::remove(tasks::ListingCache::path_for(world.paths().tasks_dir)))
                    ++coverage.cache_deletions;
                break;
            case 10:
                // Time passes: files changed so far become old enough for their entries to stay.
                ::usleep(15'000);
                if (with_service && *rc::gen::inRange(0, 3) == 0) {
                    world.start_service();  // another instance: every token it is asked with is unknown
                    ++coverage.service_restarts;
                }
                break;
            default: {
                tasks::ListFilter filter;
                filter.location = pick(std::vector<tasks::LocationScope> {
                    tasks::LocationScope::current, tasks::LocationScope::archive, tasks::LocationScope::all});
                filter.include_parents = *rc::gen::arbitrary<bool>();
                if (*rc::gen::inRange(0, 4) == 0)
                    filter.status = "todo";
                if (*rc::gen::inRange(0, 4) == 0)
                    filter.tags = {"x"};
                if (*rc::gen::arbitrary<bool>())
                    ::usleep(15'000);  // what came before is old enough to be stored
                world.command(telemetry, [&](ObservedTaskService& service) {
                    tasks::ListingCounts counts;
                    std::string from_cache = listed(service, filter, counts);
                    std::string from_files = read_every_file(service.service(), filter);
                    RC_ASSERT(from_cache == from_files);
                    ++coverage.listings;
                    coverage.listings_served_from_the_cache += counts.cached > 0 ? 1 : 0;
                    coverage.entries_cached += counts.cached;
                    coverage.entries_vouched += counts.vouched;
                    coverage.files_read += counts.read;
                });
            }
        }
    }
}

TEST(ListingCacheProperty, EveryListingEqualsOneThatReadsEveryFile) {
    Coverage coverage;
    EXPECT_TRUE(
        rc::check("listings from the cache equal listings from the files", [&coverage] { run_case(coverage, false); }));
    std::fprintf(stderr,
                 "%zu listings, %zu served partly from the cache (%zu entries; %zu files read); %zu outside "
                 "edits, %zu cache deletions\n",
                 coverage.listings, coverage.listings_served_from_the_cache, coverage.entries_cached,
                 coverage.files_read, coverage.outside_edits, coverage.cache_deletions);
    // The property is only worth what it was tried on: the cache must have served listings, and
    // the edits and deletions it must survive must have happened.
    EXPECT_GT(coverage.listings_served_from_the_cache * 10, coverage.listings)
        << coverage.listings_served_from_the_cache << " of " << coverage.listings << " listings used the cache";
    EXPECT_GT(coverage.outside_edits, 50U);
    EXPECT_GT(coverage.cache_deletions, 10U);
}

}  // namespace
}  // namespace sc::observe

namespace sc::observe {
namespace {

TEST(ListingCacheProperty, WithTheWatchServiceEveryListingEqualsOneThatReadsEveryFile) {
    ::setenv("SCOPECRAFT_WATCH_TIMEOUT_MS", "5000", 1);  // a sanitizer build answers slowly
    Coverage coverage;
    EXPECT_TRUE(rc::check("listings with the watch service equal listings from the files",
                          [&coverage] { run_case(coverage, true); }));
    std::fprintf(stderr,
                 "%zu listings, %zu served partly from the cache (%zu entries; %zu files read); %zu outside "
                 "edits, %zu cache deletions, %zu service restarts; %zu entries listed on the service's word\n",
                 coverage.listings, coverage.listings_served_from_the_cache, coverage.entries_cached,
                 coverage.files_read, coverage.outside_edits, coverage.cache_deletions, coverage.service_restarts,
                 coverage.entries_vouched);
    EXPECT_GT(coverage.listings_served_from_the_cache * 10, coverage.listings);
    EXPECT_GT(coverage.outside_edits, 50U);
    EXPECT_GT(coverage.service_restarts, 5U);
#if SC_TREE_WATCH_INOTIFY
    EXPECT_GT(coverage.entries_vouched, 50U) << "the service's answers must have been used";
#endif
}

}  // namespace
}  // namespace sc::observe
