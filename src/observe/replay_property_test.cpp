// The event log is complete and exact: random sequences of task operations, each run as its
// own observed command, interleaved with edits made behind sc's back, always replay to a tree
// byte-identical to the live one, and replaying up to any past command gives the tree as it
// was then.

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "observe/command_observer.hpp"
#include "observe/observed_tasks.hpp"
#include "observe/replay.hpp"
#include "store/reader.hpp"
#include "util/files.hpp"

namespace sc::observe {
namespace {

namespace fs = std::filesystem;

class World {
public:
    World() : m_clock(1'795'000'000'000'000'000) {
        char pattern[] = "/tmp/sc-replay-property-XXXXXX";
        m_root = ::mkdtemp(pattern);
        fs::create_directories(m_root + "/home");
        fs::create_directories(m_root + "/project");
        m_environment.set("HOME", m_root + "/home");
        m_environment.set("OTEL_TRACES_EXPORTER", "none");  // events are what this test is about
        m_environment.set("OTEL_METRICS_EXPORTER", "none");
        m_environment.set("OTEL_LOGS_EXPORTER", "none");
        tasks::ProjectOptions options;
        options.current_directory = m_root + "/project";
        m_paths = tasks::resolve_project(m_environment, options).value();
    }
    ~World() {
        std::error_code ignored;
        fs::remove_all(m_root, ignored);
    }

    // One `sc` invocation: an observer, the operation, the end of the command.
    template <class Operation>
    void command(const std::string& name, Operation&& operation) {
        m_clock.advance(std::chrono::seconds(1));
        ObserverOptions options;
        options.environment = &m_environment;
        options.clock = &m_clock;
        options.project = m_paths;
        options.command = name;
        options.warn = [](const Error& warning) { FAIL() << "telemetry warning: " << warning.describe(); };
        std::unique_ptr<CommandObserver> observer = CommandObserver::start(std::move(options));
        {
            ObservedTaskService service(tasks::TaskService::for_project(m_paths, m_clock), observer.get());
            operation(service);
        }
        m_own_files_checks = observer->own_files_checks();
        observer->finish(0, nullptr);
    }
    /// How many operations of the last command checked only their own files.
    size_t own_files_checks() const { return m_own_files_checks; }

    std::vector<std::string> task_paths() const {
        std::vector<std::string> found;
        if (!fs::exists(m_paths.tasks_dir))
            return found;
        for (const auto& entry : fs::recursive_directory_iterator(m_paths.tasks_dir))
            if (entry.is_regular_file() && entry.path().extension() == ".md")
                found.push_back(entry.path().string());
        std::sort(found.begin(), found.end());
        return found;
    }

    std::vector<std::string> ids(observe::ObservedTaskService& service, bool parents_only = false) const {
        tasks::ListFilter filter;
        filter.location = tasks::LocationScope::all;
        filter.include_parents = true;
        std::vector<std::string> found;
        if (auto listed = service.list(filter); listed.ok())
            for (const tasks::TaskRecord& record : listed->tasks)
                if (!parents_only || record.is_parent)
                    found.push_back(record.id);
        return found;
    }

    TreeModel live() const { return TreeModel::read_live(tasks::TreeRoots {m_paths.tasks_dir, {}}).value(); }
    std::string store() const { return m_paths.store_dir + "/telemetry"; }
    int64_t now() const { return m_clock.now_unix_nanos(); }
    const tasks::ProjectPaths& paths() const { return m_paths; }

private:
    std::string m_root;
    size_t m_own_files_checks = 0;
    FixedClock m_clock;
    MapEnvironment m_environment;
    tasks::ProjectPaths m_paths;
};

const std::vector<std::string> k_statuses {"todo", "in_progress", "done", "blocked", "reviewing"};
const std::vector<std::string> k_titles {"Add login page",
                                         "Fix crash on save",
                                         "Write the user guide",
                                         "Implement authentication configuration management for kubernetes",
                                         "Refactor payment retry handler",
                                         "Dark mode"};

template <class T>
const T& pick(const std::vector<T>& items) {
    return items[*rc::gen::inRange<size_t>(0, items.size())];
}

enum Operation { create, update, section, log, complete, move, remove, create_parent, promote, add_subtask, k_count };
const char* const k_operation_names[k_count] = {"create", "update", "set_section",   "append_log", "complete",
                                                "move",   "remove", "create_parent", "promote",    "add_subtask"};

// What the random runs did, so that the test can fail when the property only ever held on
// empty trees or operations that were all refused.
struct Coverage {
    std::array<size_t, k_count> succeeded {};
    std::array<size_t, k_count> refused {};
    size_t cases = 0;
    size_t cases_ending_with_three_files = 0;
};

// Every operation either succeeds, or is refused for a reason a caller can act on (a missing
// id, a task that cannot take that change) and leaves the tree exactly as it was. The disk,
// the parser and the code itself never fail here.
template <class T>
void check_outcome(Operation operation, const Result<T>& result, const std::string& id, const TreeModel& before,
                   const TreeModel& after, Coverage& coverage) {
    if (result.ok()) {
        ++coverage.succeeded[operation];
        RC_ASSERT(id != "missing-11A" || operation == create || operation == create_parent);
        return;
    }
    ++coverage.refused[operation];
    const Error& error = result.error();
    RC_LOG() << k_operation_names[operation] << " " << id << " refused: " << error.describe() << "\n";
    RC_ASSERT(error.code == ErrorCode::not_found || error.code == ErrorCode::invalid_argument ||
              error.code == ErrorCode::already_exists || error.code == ErrorCode::conflict);
    RC_ASSERT(!error.message.empty());
    if (id == "missing-11A")
        RC_ASSERT(error.code == ErrorCode::not_found);
    for (const std::string& difference : before.differences(after))
        RC_LOG() << "  changed although refused: " << difference << "\n";
    RC_ASSERT(before.differences(after).empty());
}

void run_case(Coverage& coverage) {
    World world;
    world.command("init", [](ObservedTaskService& service) { RC_ASSERT(service.init().ok()); });
    std::vector<std::pair<int64_t, TreeModel>> snapshots;
    size_t steps = *rc::gen::inRange<size_t>(2, 24);
    for (size_t step = 0; step < steps; ++step) {
        // The first two steps create, so that every case has a tree to work on.
        int kind = step < 2 ? *rc::gen::element(0, 7) : *rc::gen::inRange(0, 16);
        if (kind >= 10) {
            kind = 10 + (kind - 10) % 3;  // edits behind sc's back are drawn twice as often
            // Behind sc's back: a hand edit, a new hand-written file, a deleted file.
            std::vector<std::string> files = world.task_paths();
            if (kind == 10 && !files.empty()) {
                std::string path = pick(files);
                std::string content = files::read(path).value_or("");
                RC_ASSERT(files::write_atomic(path, content + "\nEdited by hand.\n").ok());
            } else if (kind == 11) {
                std::string path =
                    world.paths().tasks_dir + "/current/hand-written-" + std::to_string(step) + ".task.md";
                RC_ASSERT(
                    files::write_atomic(path, "# Hand written\n\n---\ntype: chore\nstatus: todo\narea: x\n---\n").ok());
            } else if (kind == 12 && !files.empty()) {
                std::string path = pick(files);
                if (path.find("_overview.md") == std::string::npos)
                    RC_ASSERT(fs::remove(path));
            }
            continue;
        }
        auto operation = static_cast<Operation>(kind);
        world.command("step", [&](ObservedTaskService& service) {
            // add_subtask mostly picks a parent (else it is refused, rightly, nearly every time).
            std::vector<std::string> ids =
                world.ids(service, operation == add_subtask && *rc::gen::element(true, true, false));
            if (ids.empty())
                ids = world.ids(service);
            std::string id = ids.empty() ? "missing-11A" : pick(ids);
            TreeModel before = world.live();
            auto outcome = [&](const auto& result) {
                check_outcome(operation, result, id, before, world.live(), coverage);
            };
            switch (operation) {
                case create: {
                    tasks::CreateRequest request;
                    request.title = pick(k_titles);
                    request.fields.priority = "high";
                    outcome(service.create(request));
                    break;
                }
                case update: {
                    tasks::UpdateRequest request;
                    request.fields.status = pick(k_statuses);
                    request.fields.tags = std::vector<std::string> {"a", "b c"};
                    outcome(service.update(id, request));
                    break;
                }
                case section:
                    outcome(service.set_section(id, "deliverable", "Shipped.\n\nWith tests."));
                    break;
                case log:
                    outcome(service.append_log(id, "worked on it", tasks::LogStyle::utc_date));
                    break;
                case complete:
                    outcome(service.complete(id));
                    break;
                case move:
                    outcome(service.move(id, *rc::gen::element(true, false)
                                                 ? tasks::Placement {tasks::WorkflowState::current, {}}
                                                 : tasks::Placement {tasks::WorkflowState::archive, "2026-11"}));
                    break;
                case remove:
                    outcome(service.remove(id, tasks::DeleteMode::cascade));
                    break;
                case create_parent: {
                    tasks::CreateRequest request;
                    request.title = "Parent " + pick(k_titles);
                    outcome(service.create_parent(request, {"First step", "Second step", "Third step"}));
                    break;
                }
                case promote:
                    outcome(service.promote(id, {"Sub one"}));
                    break;
                default: {
                    tasks::CreateRequest request;
                    request.title = "Added " + pick(k_titles);
                    outcome(service.add_subtask(id, request));
                    break;
                }
            }
        });
        snapshots.emplace_back(world.now(), world.live());
    }
    // The last command recorded everything up to it; a final check records what came after.
    world.command("final", [&](ObservedTaskService& service) { (void)world.ids(service); });

    TreeModel live = world.live();
    ++coverage.cases;
    if (live.files().size() >= 3)
        ++coverage.cases_ending_with_three_files;
    Result<ReplayResult> replayed = replay_events(world.store(), {});
    RC_ASSERT(replayed.ok());
    std::vector<std::string> differences = replayed->model.differences(live);
    RC_ASSERT(differences.empty());

    if (!snapshots.empty()) {
        const auto& [time, expected] = snapshots[*rc::gen::inRange<size_t>(0, snapshots.size())];
        Result<ReplayResult> past = replay_events(world.store(), ReplayOptions {time});
        RC_ASSERT(past.ok());
        RC_ASSERT(past->model.differences(expected).empty());
    }
}

TEST(ReplayProperty, RandomOperationsAndExternalEditsReplayByteForByte) {
    Coverage coverage;
    EXPECT_TRUE(
        rc::check("random operations and outside edits replay byte for byte", [&coverage] { run_case(coverage); }));
    // The property is only worth what it was tried on: every operation must have succeeded in
    // some case, and most cases must end with a tree of a few files.
    for (int operation = 0; operation < k_count; ++operation)
        EXPECT_GT(coverage.succeeded[operation], 0U)
            << k_operation_names[operation] << " never succeeded (refused " << coverage.refused[operation] << " times)";
    EXPECT_GT(coverage.cases_ending_with_three_files * 2, coverage.cases)
        << coverage.cases_ending_with_three_files << " of " << coverage.cases << " cases ended with 3 files or more";
    std::fprintf(stderr, "%zu of %zu cases ended with 3 files or more\n", coverage.cases_ending_with_three_files,
                 coverage.cases);
    for (int operation = 0; operation < k_count; ++operation)
        std::fprintf(stderr, "%-14s succeeded %4zu, refused %4zu\n", k_operation_names[operation],
                     coverage.succeeded[operation], coverage.refused[operation]);
}

// Commands that check only the files they touch (docs/events.md, "Which files a command
// checks"), mixed with commands that check every file, edits in place and adds, removals,
// renames and replacements behind sc's back, and deletions of the derived files: after a last
// listing the events replay to the live tree, and an edit in place of the file a command then
// reads or changes is recorded before that command's own event.

struct SeenEvent {
    std::string type;
    std::string stream;
    std::string data;
};

std::vector<SeenEvent> events_after(const std::string& store_root, uint64_t seq) {
    std::vector<SeenEvent> seen;
    store::Reader reader(store_root);
    (void)reader.read_events_after(seq, store::EventQuery {}, [&seen](const store::EventView& event) {
        seen.push_back({std::string(event.type), std::string(event.stream), std::string(event.data)});
        return true;
    });
    return seen;
}

uint64_t last_seq(const std::string& store_root) {
    uint64_t last = 0;
    store::Reader reader(store_root);
    (void)reader.read_events_after(
        0, store::EventQuery {}, [](const store::EventView&) { return true; }, &last);
    return last;
}

// Plain task files (not in a parent's folder): what the commands below are pointed at.
std::vector<std::string> plain_tasks(const std::vector<std::string>& paths, const std::string& tree) {
    std::vector<std::string> found;
    for (const std::string& path : paths) {
        std::string relative = path.substr(tree.size() + 1);
        bool top = relative.rfind("current/", 0) == 0 && relative.find('/', 8) == std::string::npos;
        bool archived = relative.rfind("archive/", 0) == 0 && std::count(relative.begin(), relative.end(), '/') == 2;
        if ((top || archived) && relative.size() > 8 && relative.compare(relative.size() - 8, 8, ".task.md") == 0)
            found.push_back(path);
    }
    return found;
}

std::string id_of(const std::string& path) {
    std::string name = fs::path(path).filename().string();
    return name.substr(0, name.size() - 8);
}

void append_in_place(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::app | std::ios::binary);  // same inode, folder untouched
    out << text;
}

struct ScopedCoverage {
    size_t cases = 0;
    size_t scoped_commands = 0;     // commands that may check only their own files
    size_t own_files_commands = 0;  // those that did (the folders were as the last check left them)
    size_t whole_tree_commands = 0;
    size_t edited_then_touched = 0;
};

enum ScopedStep {
    scoped_command,
    listing,
    edit_in_place,
    add_file,
    remove_file,
    rename_file,
    file_to_folder,
    delete_derived,
    k_scoped_steps
};

void run_scoped_case(ScopedCoverage& coverage) {
    World world;
    world.command("init", [](ObservedTaskService& service) { RC_ASSERT(service.init().ok()); });
    for (const char* title : {"Seed one", "Seed two", "Seed three"})
        world.command("create", [&](ObservedTaskService& service) {
            tasks::CreateRequest request;
            request.title = title;
            RC_ASSERT(service.create(request).ok());
        });
    const std::string tree = world.paths().tasks_dir;
    size_t steps = *rc::gen::inRange<size_t>(4, 30);
    for (size_t step = 0; step < steps; ++step) {
        // Commands drawn twice as often as anything else.
        int drawn = *rc::gen::inRange(0, static_cast<int>(k_scoped_steps) + 2);
        auto kind = static_cast<ScopedStep>(drawn >= k_scoped_steps ? 0 : drawn);
        std::vector<std::string> targets = plain_tasks(world.task_paths(), tree);
        std::string marker = "\nEdited in place at step " + std::to_string(step) + ".\n";
        switch (kind) {
            case scoped_command: {
                int operation = *rc::gen::inRange(0, 8);  // get, update, log, section, complete, remove, create, parent
                bool targeted = operation < 6 && !targets.empty();
                std::string path = targeted ? pick(targets) : std::string();
                bool edit_first = targeted && *rc::gen::element(true, false);
                if (edit_first)
                    append_in_place(path, marker);
                uint64_t before = last_seq(world.store());
                world.command("scoped", [&](ObservedTaskService& service) {
                    std::string id = targeted ? id_of(path) : std::string();
                    tasks::UpdateRequest update;
                    update.fields.status = "in_progress";
                    tasks::CreateRequest create;
                    create.title = "Made at step " + std::to_string(step);
                    switch (operation) {
                        case 0:
                            (void)service.get(id);
                            break;
                        case 1:
                            (void)service.update(id, update);
                            break;
                        case 2:
                            (void)service.append_log(id, "worked on it", tasks::LogStyle::utc_date);
                            break;
                        case 3:
                            (void)service.set_section(id, "deliverable", "Shipped.");
                            break;
                        case 4:
                            (void)service.complete(id);
                            break;
                        case 5:
                            (void)service.remove(id, tasks::DeleteMode::cascade);
                            break;
                        case 6:
                            RC_ASSERT(service.create(create).ok());
                            break;
                        default:
                            RC_ASSERT(service.create_parent(create, {"First", "Second"}).ok());
                            break;
                    }
                });
                ++coverage.scoped_commands;
                coverage.own_files_commands += world.own_files_checks();
                if (!edit_first)
                    break;
                // The edit is in the log, as an outside edit of that task, before anything the
                // command itself recorded.
                ++coverage.edited_then_touched;
                std::vector<SeenEvent> seen = events_after(world.store(), before);
                std::string stream = "task:" + id_of(path);
                size_t external = seen.size();
                for (size_t at = 0; at < seen.size() && external == seen.size(); ++at)
                    if (seen[at].type == "TaskChangedExternally" && seen[at].stream == stream &&
                        seen[at].data.find("Edited in place at step " + std::to_string(step)) != std::string::npos)
                        external = at;
                for (const SeenEvent& event : seen)
                    RC_LOG() << event.type << " " << event.stream << "\n";
                RC_ASSERT(external < seen.size());
                for (size_t at = 0; at < external; ++at)
                    RC_ASSERT(seen[at].type == "TaskChangedExternally");
                break;
            }
            case listing:
                world.command("list", [&](ObservedTaskService& service) { (void)world.ids(service); });
                ++coverage.whole_tree_commands;
                break;
            case edit_in_place:
                if (!targets.empty())
                    append_in_place(pick(targets), marker);
                break;
            case add_file:
                RC_ASSERT(files::write_atomic(tree + "/current/hand-written-" + std::to_string(step) + ".task.md",
                                              "# Hand written\n\n---\ntype: chore\nstatus: todo\narea: x\n---\n")
                              .ok());
                break;
            case remove_file:
                if (!targets.empty())
                    RC_ASSERT(fs::remove(pick(targets)));
                break;
            case rename_file:
                if (!targets.empty()) {
                    std::string from = pick(targets);
                    fs::rename(from, fs::path(from).parent_path() / ("renamed-" + std::to_string(step) + ".task.md"));
                }
                break;
            case file_to_folder:
                if (!targets.empty()) {
                    std::string path = pick(targets);
                    RC_ASSERT(fs::remove(path));
                    fs::create_directory(path);
                }
                break;
            default: {
                std::string projections = world.store() + "/projections/";
                std::string derived = *rc::gen::element(projections + "task-tree.scope",
                                                        projections + "task-tree.state", tree + "/.sc-listing-cache");
                std::error_code ignored;
                fs::remove(derived, ignored);
                break;
            }
        }
    }
    world.command("final", [&](ObservedTaskService& service) { (void)world.ids(service); });
    ++coverage.cases;
    TreeModel live = world.live();
    Result<ReplayResult> replayed = replay_events(world.store(), {});
    RC_ASSERT(replayed.ok());
    std::vector<std::string> differences = replayed->model.differences(live);
    for (const std::string& difference : differences)
        RC_LOG() << difference << "\n";
    RC_ASSERT(differences.empty());
}

TEST(ReplayProperty, CommandsCheckingTheirOwnFilesAmongOutsideEditsReplayToTheTree) {
    ScopedCoverage coverage;
    EXPECT_TRUE(rc::check("own-files checks, full checks and outside edits replay to the tree",
                          [&coverage] { run_scoped_case(coverage); }));
    // Worth only what it tried: most commands took the own-files check, and edits in place of
    // the very file a command then used were made.
    EXPECT_GT(coverage.own_files_commands * 3, coverage.scoped_commands);
    EXPECT_GT(coverage.edited_then_touched, coverage.cases / 2);
    std::fprintf(stderr,
                 "%zu cases: %zu of %zu commands checked their own files, %zu listings, %zu edits in place of the "
                 "file used next\n",
                 coverage.cases, coverage.own_files_commands, coverage.scoped_commands, coverage.whole_tree_commands,
                 coverage.edited_then_touched);
}

}  // namespace
}  // namespace sc::observe
