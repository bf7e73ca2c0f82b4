// Many real processes appending at once, and writers killed with SIGKILL at random moments
// (design §10): every acknowledged event is present exactly once, seq and versions gap-free.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store/maintenance.hpp"
#include "store/reader.hpp"
#include "store/test_support.hpp"

extern char** environ;

namespace sc::store {
namespace {

using testing::TempDir;

// Starts the writer helper with stdout sent to `output_path`.
pid_t spawn_writer(const std::vector<std::string>& arguments, const std::string& output_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> all = {SC_STORE_WRITER};
    all.insert(all.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& argument : all)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    int spawned = posix_spawn(&pid, SC_STORE_WRITER, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return spawned == 0 ? pid : -1;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

// Runs `processes` writers at once, writer i with `arguments(i)` and its acknowledgements in
// `acks-<i>`, and waits until all of them have exited cleanly.
void run_writers(const TempDir& dir, int processes, const std::function<std::vector<std::string>(int)>& arguments) {
    std::vector<pid_t> children;
    for (int i = 0; i < processes; ++i) {
        children.push_back(spawn_writer(arguments(i), dir.path("acks-" + std::to_string(i))));
        ASSERT_GT(children.back(), 0);
    }
    for (pid_t child : children) {
        int status = wait_for(child);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

// The ids a writer acknowledged: complete "ack <seq> <id>" lines of its output.
std::map<std::string, uint64_t> acknowledged(const std::string& output_path) {
    std::map<std::string, uint64_t> ids;
    auto text = files::read(output_path);
    if (!text.ok())
        return ids;
    size_t position = 0;
    while (true) {
        size_t end = text->find('\n', position);
        if (end == std::string::npos)
            break;
        std::string line = text->substr(position, end - position);
        size_t space = line.find(' ', 4);
        if (line.rfind("ack ", 0) == 0 && space != std::string::npos)
            ids[line.substr(space + 1)] = std::stoull(line.substr(4, space - 4));
        position = end + 1;
    }
    return ids;
}

struct Verified {
    uint64_t events = 0;
    std::set<std::string> ids;
    ReadStats stats;
};

// Reads the whole store and checks the invariants every test here relies on.
Verified verify_store(const std::string& root) {
    Verified result;
    Reader reader(root);
    uint64_t expected_seq = 1;
    std::map<std::string, uint64_t> versions;
    auto stats = reader.read_events({}, [&](const EventView& event) {
        EXPECT_EQ(event.seq, expected_seq) << "seq must be gap-free and in order";
        expected_seq = event.seq + 1;
        uint64_t& version = versions[std::string(event.stream)];
        EXPECT_EQ(event.version, version + 1) << "versions of " << event.stream << " must be gap-free";
        version = event.version;
        EXPECT_TRUE(result.ids.insert(std::string(event.id)).second) << "duplicate id " << event.id;
        ++result.events;
        return true;
    });
    EXPECT_TRUE(stats.ok());
    if (stats.ok())
        result.stats = *stats;
    // The stream indexes agree with the segments.
    for (const auto& [stream, head] : versions) {
        uint64_t seen = 0;
        auto stream_stats = reader.read_stream(stream, 1, [&](const EventView& event) {
            EXPECT_EQ(event.version, ++seen);
            return true;
        });
        EXPECT_TRUE(stream_stats.ok() && stream_stats->used_index);
        EXPECT_EQ(seen, head) << stream;
    }
    return result;
}

TEST(Concurrency, AppendFromManyProcessesLosesNothing) {
    TempDir dir;
    constexpr int k_processes = 8;
    constexpr int k_events = 10'000;
    run_writers(dir, k_processes, [&](int) {
        return std::vector<std::string> {dir.path("store"), "events", std::to_string(k_events), "1", "16"};
    });
    Verified verified = verify_store(dir.path("store"));
    EXPECT_EQ(verified.events, static_cast<uint64_t>(k_processes * k_events));
    EXPECT_EQ(verified.stats.corrupt, 0u);
    EXPECT_EQ(verified.stats.incomplete_tail, 0u);
    for (int i = 0; i < k_processes; ++i) {
        auto acks = acknowledged(dir.path("acks-" + std::to_string(i)));
        EXPECT_EQ(acks.size(), static_cast<size_t>(k_events));
        for (const auto& [id, seq] : acks)
            ASSERT_TRUE(verified.ids.count(id)) << "acknowledged event " << id << " is missing";
    }
}

TEST(Concurrency, WritersCompactingTheIndexOftenLoseNothing) {
    TempDir dir;
    constexpr int k_processes = 4;
    constexpr int k_events = 3'000;
    // Batches over many streams, and an index log compacted every ~30 events.
    run_writers(dir, k_processes, [&](int i) {
        return std::vector<std::string> {
            dir.path("store"), "events", std::to_string(k_events), "13", "40", "none", std::to_string(3000 + 1000 * i)};
    });
    Verified verified = verify_store(dir.path("store"));
    EXPECT_EQ(verified.events, static_cast<uint64_t>(k_processes * k_events));
    auto report = check(dir.path("store"));
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->clean()) << report->to_json();
}

TEST(Concurrency, KilledWritersNeverLoseAcknowledgedEvents) {
    TempDir dir;
    std::string root = dir.path("store");
    std::mt19937 random(12345);
    std::map<std::string, uint64_t> all_acks;
    constexpr int k_iterations = 300;
    for (int i = 0; i < k_iterations; ++i) {
        std::string output = dir.path("acks");
        int batch = 1 + static_cast<int>(random() % 64);
        // Two writers at once, so a kill can also land while the other one holds the lock.
        pid_t first = spawn_writer({root, "events", "1000000", std::to_string(batch), "8"}, output);
        // The second compacts the index every few batches, so kills land in compactions too.
        pid_t second = spawn_writer({root, "events", "1000000", "3", "8", "none", "2048"}, output + "-2");
        ASSERT_GT(first, 0);
        ASSERT_GT(second, 0);
        // Wait until the first writer has acknowledged something (start-up is slow under the
        // sanitizers), then kill at a random moment of its work.
        for (int waited = 0; waited < 5000 && acknowledged(output).empty(); ++waited)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::microseconds(random() % 3000));
        ::kill(first, SIGKILL);
        std::this_thread::sleep_for(std::chrono::microseconds(random() % 300));
        ::kill(second, SIGKILL);
        wait_for(first);
        wait_for(second);
        for (const std::string& path : {output, output + "-2"}) {
            for (auto& [id, seq] : acknowledged(path))
                all_acks[id] = seq;
        }
    }
    // A last clean writer recovers whatever the last kill left behind.
    pid_t last = spawn_writer({root, "events", "1", "1", "8"}, dir.path("acks-last"));
    ASSERT_TRUE(WIFEXITED(wait_for(last)));
    Verified verified = verify_store(root);
    EXPECT_GT(all_acks.size(), 1000u) << "the writers should have got some work done";
    EXPECT_EQ(verified.stats.corrupt, 0u);
    EXPECT_EQ(verified.stats.incomplete_tail, 0u);
    for (const auto& [id, seq] : all_acks)
        ASSERT_TRUE(verified.ids.count(id)) << "acknowledged event " << id << " (seq " << seq << ") was lost";
    auto report = check(root);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->index_problems, 0u) << report->to_json();
}

TEST(Concurrency, SignalWritersAndEventWritersShareTheLock) {
    TempDir dir;
    std::string root = dir.path("store");
    std::vector<pid_t> children;
    for (int i = 0; i < 4; ++i) {
        children.push_back(spawn_writer({root, "signals", "2000", "7", "0"}, dir.path("s" + std::to_string(i))));
        children.push_back(spawn_writer({root, "events", "2000", "5", "-3"}, dir.path("e" + std::to_string(i))));
    }
    for (pid_t child : children)
        ASSERT_EQ(wait_for(child), 0);
    Reader reader(root);
    auto signals = reader.read_signals(Signal::traces, {}, [](std::string_view) { return true; });
    ASSERT_TRUE(signals.ok());
    EXPECT_EQ(signals->matched, 8000u);
    EXPECT_EQ(signals->corrupt, 0u);
    EXPECT_EQ(verify_store(root).events, 8000u);
}

}  // namespace
}  // namespace sc::store
