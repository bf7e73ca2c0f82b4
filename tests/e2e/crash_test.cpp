// End-to-end crash test (docs/architecture.md, "Crash safety"): every write command is killed
// with SIGKILL at each system call by which it writes, renames, links, unlinks or makes and
// removes folders, and after one ordinary command the tree and the log must agree:
// `events replay --verify` exits 0, no temporary, empty or cut task file is in the tree, and
// the change is wholly there (recorded by exactly one event of its own type) or wholly absent
// (no event, the tree as before), never recorded as an outside edit. Then four concurrent
// writers are killed at random moments (seeded; the seed is printed; SC_CRASH_SEED replays it)
// with the same checks.
//
// The kill points are found by running each command once under `strace -c`-like counting and
// then injecting `SYSCALL:signal=KILL:when=N` for every N. strace is a test dependency
// (scripts/install-deps.sh): without it this test fails rather than passes unseen.

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

// The system calls that change the tree, the store or the state (and the ones that print).
const std::vector<std::string> k_kill_syscalls = {"write",  "pwrite64", "rename",   "renameat", "renameat2", "link",
                                                  "linkat", "unlink",   "unlinkat", "mkdir",    "mkdirat",   "rmdir"};

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
    std::string out;
    for (const std::string& item : items)
        out += (out.empty() ? "" : separator) + item;
    return out;
}

/// The occurrences of a system call to kill a command at: every one, except in a sanitizer build,
/// where each process starts so slowly that the whole enumeration would not fit CI's time: there
/// the first, a middle and the last (the release and portable builds run them all).
std::vector<int> occurrences_to_kill_at(int times) {
    std::vector<int> points;
    for (int when = 1; when <= times; ++when)
        if (!SC_E2E_SANITIZED || when == 1 || when == (times + 1) / 2 || when == times)
            points.push_back(when);
    return points;
}

class Crash : public ::testing::Test {
protected:
    void SetUp() override {
        if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
            GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF: no event log to keep consistent";
        ASSERT_EQ(m_sandbox.run({"strace", "-V"}).exit_code, 0)
            << "strace is needed to kill sc at each system call (scripts/install-deps.sh installs it)";
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/telemetry");
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    }

    RunResult ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << "sc " << joined(arguments, " ") << ": " << result.err;
        return result;
    }
    /// Creates a task (or with `parent`, a subtask) and returns its id.
    std::string made(const std::vector<std::string>& arguments) {
        auto created = ok(arguments).json();
        // A task: {"metadata": {"id": ...}}; a parent: [overview, subtasks...].
        const auto& task = created.is_array() ? created[0] : created;
        return task["metadata"]["id"].get<std::string>();
    }

    /// How many times each system call of k_kill_syscalls is made by `sc ARGS`.
    std::map<std::string, int> count_syscalls(const std::vector<std::string>& arguments) {
        std::string trace = m_sandbox.root() + "/trace.txt";
        std::vector<std::string> argv = strace_command();
        argv.insert(argv.end(), {"-f", "-qq", "-o", trace, "-e", "trace=" + joined(k_kill_syscalls, ","), SC_BINARY});
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        EXPECT_EQ(m_sandbox.run(argv).exit_code, 0);
        std::map<std::string, int> counts;
        std::istringstream lines(m_sandbox.read(trace));
        for (std::string line; std::getline(lines, line);) {
            size_t start = line.find_first_not_of("0123456789 ");
            size_t paren = line.find('(', start);
            if (start == std::string::npos || paren == std::string::npos || line.find("resumed>") != std::string::npos)
                continue;
            ++counts[line.substr(start, paren - start)];
        }
        return counts;
    }

    /// Every entry of the task tree: a temporary, empty or cut file is a failure.
    void expect_tree_whole(const std::string& where) {
        for (const auto& entry : fs::recursive_directory_iterator(m_sandbox.tasks_root())) {
            std::string name = entry.path().filename().string();
            std::string path = entry.path().string();
            EXPECT_EQ(name.find("tmp"), std::string::npos) << where << ": a temporary file is left: " << path;
            if (!entry.is_regular_file() || name[0] == '.')
                continue;
            std::string content = m_sandbox.read(path);
            EXPECT_FALSE(content.empty()) << where << ": an empty file: " << path;
            // Every task file sc writes has a title and a closed frontmatter and ends a line.
            bool whole = !content.empty() && content.back() == '\n' && content.find("\n---\n") != std::string::npos &&
                         content.find("\n---\n", content.find("\n---\n") + 1) != std::string::npos;
            EXPECT_TRUE(whole) << where << ": a cut task file: " << path << "\n" << content;
        }
    }

    struct Counts {
        size_t of_type = 0;
        size_t external = 0;
    };
    Counts count_events(const std::string& type) {
        Counts counts;
        auto events = ok({"events", "list", "--format", "json"}).json();
        for (const auto& event : events) {
            if (event["type"] == type)
                ++counts.of_type;
            if (event["type"] == "TaskChangedExternally")
                ++counts.external;
        }
        return counts;
    }

    /// The checks after a kill and one ordinary command.
    void expect_consistent(const std::string& where, const std::string& type, const Counts& before,
                           const std::map<std::string, std::string>& tree_before) {
        RunResult verified = m_sandbox.sc({"events", "replay", "--verify"});
        EXPECT_EQ(verified.exit_code, 0) << where << ": " << verified.out << verified.err;
        expect_tree_whole(where);
        Counts after = count_events(type);
        EXPECT_EQ(after.external, before.external) << where << ": the change was recorded as an outside edit";
        ASSERT_LE(after.of_type, before.of_type + 1) << where << ": the change was recorded twice";
        if (after.of_type == before.of_type) {
            EXPECT_EQ(m_sandbox.snapshot(m_sandbox.tasks_root()), tree_before)
                << where << ": no event, yet the tree changed (a change partly there)";
            return;
        }
        // Recorded once, by its own event, and the log replays to the live tree with no outside
        // edit in between: the tree holds the whole change.
    }

    Sandbox m_sandbox;
};

struct WriteCommand {
    std::string name;
    std::string event_type;
    /// Makes what the command needs (ordinary commands) and returns its arguments; `round`
    /// keeps titles apart.
    std::function<std::vector<std::string>(int round)> prepare;
};

TEST_F(Crash, EveryWriteCommandKilledAtEachWriteLeavesAWholeTreeAndALogThatReplays) {
    auto started = std::chrono::steady_clock::now();
    std::string task = made({"task", "create", "--title", "Target", "--format", "json"});
    std::string parent = made({"parent", "create", "--title", "Parent target", "--format", "json"});
    std::vector<WriteCommand> commands = {
        {"task create", "TaskCreated",
         [&](int round) -> std::vector<std::string> {
             return {"task", "create", "--title", "Created " + std::to_string(round)};
         }},
        {"task update", "TaskUpdated",
         [&](int round) -> std::vector<std::string> {
             return {"task", "update", task, "--title", "Target " + std::to_string(round)};
         }},
        {"task log", "TaskLogAppended",
         [&](int round) -> std::vector<std::string> {
             return {"task", "log", task, "entry " + std::to_string(round)};
         }},
        {"task section", "TaskSectionUpdated",
         [&](int round) -> std::vector<std::string> {
             return {"task", "section", task, "deliverable", "--set", "Text " + std::to_string(round)};
         }},
        {"task move", "TaskArchived",
         [&](int round) -> std::vector<std::string> {
             std::string id = made({"task", "create", "--title", "Moved " + std::to_string(round), "--format", "json"});
             return {"task", "move", id, "--to-archive"};
         }},
        {"task delete", "TaskDeleted",
         [&](int round) -> std::vector<std::string> {
             std::string id =
                 made({"task", "create", "--title", "Deleted " + std::to_string(round), "--format", "json"});
             return {"task", "delete", id, "--force"};
         }},
        {"parent create", "ParentCreated",
         [&](int round) -> std::vector<std::string> {
             return {"parent", "create", "--title", "Parent " + std::to_string(round), "--subtask", "One", "Two"};
         }},
        {"parent add-subtask", "SubtaskAdded",
         [&](int round) -> std::vector<std::string> {
             return {"parent", "add-subtask", parent, "--title", "Subtask " + std::to_string(round)};
         }},
    };
    int round = 0;
    int kill_points = 0;
    int killed_total = 0;
    for (const WriteCommand& command : commands) {
        // Counted after an ordinary run of the same command, which repairs what the last kill
        // left in the store (the index rebuilt then would add its own calls to the count).
        ok(command.prepare(++round));
        std::map<std::string, int> counts = count_syscalls(command.prepare(++round));
        ASSERT_FALSE(counts.empty()) << command.name << " made none of the system calls";
        std::string listed;
        for (const auto& [syscall, times] : counts)
            listed += " " + syscall + " " + std::to_string(times);
        std::printf("[ crash    ] %s:%s\n", command.name.c_str(), listed.c_str());
        int killed_here = 0;
        for (const auto& [syscall, times] : counts)
            for (int when : occurrences_to_kill_at(times)) {
                std::vector<std::string> arguments = command.prepare(++round);
                std::string where = command.name + " killed at " + syscall + " #" + std::to_string(when);
                Counts before = count_events(command.event_type);
                auto tree_before = m_sandbox.snapshot(m_sandbox.tasks_root());
                std::vector<std::string> argv = strace_command();
                argv.insert(argv.end(), {"-f", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall, "-e",
                                         "inject=" + syscall + ":signal=KILL:when=" + std::to_string(when), SC_BINARY});
                argv.insert(argv.end(), arguments.begin(), arguments.end());
                // A later run may make fewer calls than the counted one (the store's first
                // append of a day, a state rewritten whole): then it simply completes.
                RunResult killed = m_sandbox.run(argv);
                killed_here += killed.exit_code == 128 + SIGKILL ? 1 : 0;
                RunResult next = m_sandbox.sc({"task", "list"});
                EXPECT_EQ(next.exit_code, 0) << where << ": " << next.err;
                expect_consistent(where, command.event_type, before, tree_before);
                ++kill_points;
                if (HasFailure())
                    return;  // what one kill left would fail every later check
            }
        EXPECT_GT(killed_here, 0) << command.name << " was never killed";
        killed_total += killed_here;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("[ crash    ] %d kill points in %zu commands (%d killed there), %.1f s\n", kill_points, commands.size(),
                killed_total, seconds);
    EXPECT_GE(kill_points, 8 * 3);
}

TEST_F(Crash, FourConcurrentWritersKilledAtRandomMomentsLeaveAWholeTreeAndALogThatReplays) {
    unsigned seed = static_cast<unsigned>(std::random_device {}());
    if (const char* given = std::getenv("SC_CRASH_SEED"))
        seed = static_cast<unsigned>(std::stoul(given));
    std::printf("[ crash    ] seed %u (SC_CRASH_SEED=%u repeats this run)\n", seed, seed);
    std::mt19937 random(seed);
    std::string parent = made({"parent", "create", "--title", "Shared parent", "--format", "json"});
    std::vector<std::string> shared;
    for (int i = 0; i < 4; ++i)
        shared.push_back(made({"task", "create", "--title", "Shared " + std::to_string(i), "--format", "json"}));
    constexpr int k_rounds = SC_E2E_SANITIZED ? 8 : 40;
    constexpr int k_writers = 4;
    int killed = 0;
    for (int round = 0; round < k_rounds; ++round) {
        std::vector<std::vector<std::string>> argvs;
        for (int writer = 0; writer < k_writers; ++writer) {
            std::string label = std::to_string(round) + "-" + std::to_string(writer);
            const std::string& target = shared[random() % shared.size()];
            std::vector<std::string> arguments;
            switch (random() % 5) {
                case 0:
                    arguments = {"task", "create", "--title", "Random " + label};
                    break;
                case 1:
                    arguments = {"task", "log", target, "entry " + label};
                    break;
                case 2:
                    arguments = {"task", "update", target, "--title", "Shared " + label};
                    break;
                case 3:
                    arguments = {"parent", "create", "--title", "Random parent " + label, "--subtask", "A", "B"};
                    break;
                default:
                    arguments = {"parent", "add-subtask", parent, "--title", "Random subtask " + label};
                    break;
            }
            // Killed after 2 to 30 ms: mostly during its work (a command takes 10-20 ms here),
            // some before it starts writing, some after it is done.
            char delay[16];
            std::snprintf(delay, sizeof delay, "0.%03u", 2 + static_cast<unsigned>(random() % 29));
            // --foreground: timeout waits for (reaps) the killed sc; without it timeout kills its
            // whole process group, itself included, and sc stays a zombie whose pid looks alive,
            // so its temporaries would not look stale.
            std::vector<std::string> argv = {"timeout", "--foreground", "--signal=KILL", delay, SC_BINARY};
            argv.insert(argv.end(), arguments.begin(), arguments.end());
            argvs.push_back(std::move(argv));
        }
        std::vector<std::thread> writers;
        std::vector<int> codes(k_writers, 0);
        for (int writer = 0; writer < k_writers; ++writer)
            writers.emplace_back([&, writer] { codes[writer] = m_sandbox.run(argvs[writer]).exit_code; });
        for (std::thread& writer : writers)
            writer.join();
        for (int code : codes)
            killed += code == 137 ? 1 : 0;  // timeout exits 128+9 when it had to kill
        std::string where = "round " + std::to_string(round) + " (seed " + std::to_string(seed) + ")";
        RunResult next = m_sandbox.sc({"task", "list"});
        EXPECT_EQ(next.exit_code, 0) << where << ": " << next.err;
        RunResult verified = m_sandbox.sc({"events", "replay", "--verify"});
        EXPECT_EQ(verified.exit_code, 0) << where << ": " << verified.out << verified.err;
        expect_tree_whole(where);
        EXPECT_EQ(count_events("TaskCreated").external, 0U)
            << where << ": a killed command's change was recorded as an outside edit: "
            << ok({"events", "list", "--type", "TaskChangedExternally", "--format", "json"}).out.substr(0, 1500);
        if (HasFailure())
            break;
    }
    std::printf("[ crash    ] %d of %d commands killed\n", killed, k_rounds * k_writers);
}

}  // namespace
}  // namespace sc::e2e
