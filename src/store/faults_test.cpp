// Faults the store must survive (design §10): disk full, read-only store, torn and corrupt
// lines, a deleted index, compressed days. Each test damages a store and checks that what was
// stored is intact and that the failure is an error value with a reason.

#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "store/maintenance.hpp"
#include "store/reader.hpp"
#include "store/segment_file.hpp"
#include "store/test_support.hpp"
#include "util/test_requirements.hpp"

namespace sc::store {
namespace {

using testing::collect;
using testing::make_event;
using testing::TempDir;

void append_many(Store& store, int count, const std::string& stream = "s", const std::string& data = "{}") {
    std::vector<NewEvent> batch;
    for (int i = 0; i < count; ++i)
        batch.push_back(make_event(stream, "T", data));
    auto result = store.append(batch);
    ASSERT_TRUE(result.ok()) << result.error().describe();
}

std::string only_segment(const std::string& root) {
    auto segments = Layout(root).list_all_segments(Signal::events);
    EXPECT_TRUE(segments.ok() && !segments->empty());
    return Layout(root).path(segments->back().relative_path());
}

void append_raw(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << bytes;
}

// Runs `body` in a forked child; the child's exit status says whether its expectations held.
int in_child(const std::function<int()>& body) {
    pid_t child = ::fork();
    if (child == 0)
        std::_Exit(body());
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(Faults, FileSizeLimitFailsTheAppendAndDamagesNothing) {
    TempDir dir;
    auto store = Store::open(dir.path());
    append_many(*store, 10);
    std::string segment = only_segment(dir.path());
    auto before = files::read(segment);
    ASSERT_TRUE(before.ok());
    int child_status = in_child([&] {
        ::signal(SIGXFSZ, SIG_IGN);  // so write() returns EFBIG instead of killing us
        rlimit limit {before->size() + 300, before->size() + 300};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        auto child_store = Store::open(dir.path());
        std::vector<NewEvent> batch(40, make_event("s", "T", R"({"pad":"0123456789012345678901234567890123456789"})"));
        auto result = child_store->append(batch);
        if (result.ok())
            return 1;
        return result.error().code == ErrorCode::io && !result.error().hint.empty() ? 0 : 2;
    });
    EXPECT_EQ(child_status, 0);
    auto after = files::read(segment);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(*after, *before) << "no half-written line may stay behind";
    Reader reader(dir.path());
    ReadStats stats;
    EXPECT_EQ(collect(reader, {}, &stats).size(), 10u);
    EXPECT_EQ(stats.corrupt + stats.incomplete_tail, 0u);
    append_many(*store, 1);  // and the store carries on
    EXPECT_EQ(collect(reader).back().seq, 11u);
}

// A real file system, when this process may mount one (root in a container); else skipped.
class TmpfsMount {
public:
    explicit TmpfsMount(const std::string& path, const std::string& options) : m_path(path) {
        std::filesystem::create_directories(path);
        m_mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~TmpfsMount() {
        if (m_mounted)
            ::umount2(m_path.c_str(), MNT_DETACH);
    }
    TmpfsMount(const TmpfsMount&) = delete;
    TmpfsMount& operator=(const TmpfsMount&) = delete;
    [[nodiscard]] bool mounted() const { return m_mounted; }
    bool remount_read_only() { return ::mount("tmpfs", m_path.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0; }

private:
    std::string m_path;
    bool m_mounted = false;
};

TEST(Faults, FullDiskFailsTheAppendAndDamagesNothing) {
    TempDir dir;
    TmpfsMount disk(dir.path("disk"), "size=64k");
    if (!disk.mounted())
        SC_SKIP_OR_FAIL(
            "cannot mount a small tmpfs here (needs root or CAP_SYS_ADMIN); the file-size-limit test "
            "covers part of this");
    std::string root = dir.path("disk/store");
    auto store = Store::open(root);
    append_many(*store, 20);
    Status failure;
    int appended = 0;
    for (int i = 0; i < 1000 && failure.ok(); ++i) {
        std::vector<NewEvent> batch(20, make_event("s", "T", R"({"pad":")" + std::string(200, 'x') + "\"}"));
        auto result = store->append(batch);
        if (result.ok())
            appended += 20;
        else
            failure = result.error();
    }
    ASSERT_FALSE(failure.ok()) << "the disk should have filled up";
    EXPECT_EQ(failure.error().code, ErrorCode::io);
    EXPECT_NE(failure.error().hint.find("disk space"), std::string::npos) << failure.error().describe();
    Reader reader(root);
    ReadStats stats;
    EXPECT_EQ(collect(reader, {}, &stats).size(), static_cast<size_t>(20 + appended));
    EXPECT_EQ(stats.corrupt + stats.incomplete_tail, 0u);
}

TEST(Faults, FullDiskDuringAnIndexRebuildNamesTheIndexAndLeavesNoHalfBuiltFolder) {
    TempDir dir;
    TmpfsMount disk(dir.path("disk"), "size=256k");
    if (!disk.mounted())
        SC_SKIP_OR_FAIL("cannot mount a small tmpfs here (needs root or CAP_SYS_ADMIN)");
    std::string root = dir.path("disk/store");
    {
        auto store = Store::open(root);
        std::vector<NewEvent> batch;
        for (int i = 0; i < 40; ++i)
            batch.push_back(make_event("stream-" + std::to_string(i), "T"));
        ASSERT_TRUE(store->append(batch).ok());
    }
    std::filesystem::remove_all(root + "/index");  // the next writer rebuilds it, a file per stream
    {
        std::ofstream filler(dir.path("disk/filler"), std::ios::binary);  // then the disk fills up
        std::string page(4096, 'x');
        for (int i = 0; i < 1000 && filler.write(page.data(), static_cast<std::streamsize>(page.size())); ++i)
            filler.flush();
    }
    auto store = Store::open(root);
    ASSERT_TRUE(store.ok());
    Status stored = store->append_signals(Signal::traces, {R"({"resourceSpans":[]})"});
    ASSERT_FALSE(stored.ok()) << "the disk should be full";
    EXPECT_EQ(stored.error().code, ErrorCode::io);
    EXPECT_EQ(stored.error().message.rfind("rebuilding the store index: ", 0), 0U) << stored.error().describe();
    EXPECT_NE(stored.error().where.file.find("/index/"), std::string::npos) << stored.error().describe();
    EXPECT_EQ(stored.error().hint, "free some disk space and try again");
    for (const auto& entry : std::filesystem::directory_iterator(root + "/index"))
        EXPECT_EQ(entry.path().filename().string().find("streams.new"), std::string::npos)
            << entry.path() << " was left behind";
}

TEST(Faults, ReadOnlyStoreFailsTheAppendWithAReason) {
    TempDir dir;
    TmpfsMount disk(dir.path("disk"), "size=1m");
    if (!disk.mounted())
        SC_SKIP_OR_FAIL("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)");
    std::string root = dir.path("disk/store");
    {
        auto store = Store::open(root);
        append_many(*store, 5);
    }
    ASSERT_TRUE(disk.remount_read_only());
    auto store = Store::open(root);
    ASSERT_TRUE(store.ok());
    auto result = store->append(make_event("s", "T"));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::io);
    EXPECT_NE(result.error().hint.find("read-only"), std::string::npos) << result.error().describe();
    Reader reader(root);
    EXPECT_EQ(collect(reader).size(), 5u);  // and reading still works
}

TEST(Faults, UnwritableStoreFailsTheAppend) {
    TempDir dir;
    auto store = Store::open(dir.path());
    append_many(*store, 3);
    int child_status = in_child([&] {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
            return 3;
        if (::geteuid() != 0)
            ::chmod(dir.path().c_str(), 0500);
        // Opening takes no lock and writes nothing: it must succeed, and the append fail.
        auto child_store = Store::open(dir.path());
        if (!child_store.ok())
            return 4;
        auto result = child_store->append(make_event("s", "T"));
        if (result.ok())
            return 1;
        std::fprintf(stderr, "append refused: %s\n", result.error().describe().c_str());
        return result.error().code == ErrorCode::io &&
                       result.error().hint == "check the permissions of the file and its folder"
                   ? 0
                   : 2;
    });
    EXPECT_EQ(child_status, 0) << "3: could not drop root, 4: the open failed, 1: the append succeeded, 2: the "
                                  "error was not an io error with a permissions hint";
    Reader reader(dir.path());
    EXPECT_EQ(collect(reader).size(), 3u);
}

TEST(Faults, TornLastLineIsSkippedByReadersAndQuarantinedByTheNextWriter) {
    TempDir dir;
    auto store = Store::open(dir.path());
    append_many(*store, 5);
    append_raw(only_segment(dir.path()), R"({"id":"x","seq":6,"stream":"s","vers)");
    Reader reader(dir.path());
    ReadStats stats;
    EXPECT_EQ(collect(reader, {}, &stats).size(), 5u);
    EXPECT_EQ(stats.incomplete_tail, 1u);

    auto fresh = Store::open(dir.path());  // a new process, as after a crash
    append_many(*fresh, 1);
    auto events = collect(reader, {}, &stats);
    ASSERT_EQ(events.size(), 6u);
    EXPECT_EQ(events.back().seq, 6u);
    EXPECT_EQ(stats.incomplete_tail + stats.corrupt, 0u);
    auto report = status(dir.path());
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->quarantined_files, 1u) << "the torn bytes are kept, not dropped";
}

TEST(Faults, CompleteLinesOfACrashedWriterAreRecovered) {
    TempDir dir;
    auto store = Store::open(dir.path());
    append_many(*store, 2);
    // A writer that died after writing its line but before updating the head and index.
    std::string line;
    NewEvent event = make_event("s", "Crashed");
    event.id = "0190a1b2-0000-7000-8000-00000000abcd";
    append_envelope_line(line, event, 3, 3, 1'795'000'000'000'000'000, 42);
    append_raw(only_segment(dir.path()), line);
    auto recovering = Store::open(dir.path());
    append_many(*recovering, 1);
    Reader reader(dir.path());
    std::vector<uint64_t> versions;
    auto stats = reader.read_stream("s", 1, [&](const EventView& view) {
        versions.push_back(view.version);
        return true;
    });
    ASSERT_TRUE(stats.ok() && stats->used_index);
    EXPECT_EQ(versions, (std::vector<uint64_t> {1, 2, 3, 4}));
}

TEST(Faults, CorruptLineIsSkippedCountedAndRepairedIntoQuarantine) {
    TempDir dir;
    auto store = Store::open(dir.path());
    append_many(*store, 3);
    append_raw(only_segment(dir.path()), "this is not json\n");
    append_many(*store, 2);
    Reader reader(dir.path());
    ReadStats stats;
    EXPECT_EQ(collect(reader, {}, &stats).size(), 5u);
    EXPECT_EQ(stats.corrupt, 1u);
    ASSERT_EQ(stats.problems.size(), 1u);

    auto found = check(dir.path());
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->corrupt_lines, 1u);
    EXPECT_FALSE(found->clean());
    auto repaired = check(dir.path(), CheckMode::repair);
    ASSERT_TRUE(repaired.ok()) << repaired.error().describe();
    EXPECT_EQ(repaired->lines_quarantined, 1u);
    auto after = check(dir.path());
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(after->clean()) << after->to_json();
    EXPECT_EQ(collect(reader, {}, &stats).size(), 5u);
    EXPECT_EQ(stats.corrupt, 0u);
    auto rejected = files::read(dir.path(
        "quarantine/events_" + std::filesystem::path(only_segment(dir.path())).parent_path().filename().string() +
        "_events-000001.jsonl.rejected"));
    ASSERT_TRUE(rejected.ok());
    EXPECT_EQ(*rejected, "this is not json\n");
}

TEST(Faults, DeletingTheIndexLosesNothing) {
    TempDir dir;
    auto store = Store::open(dir.path());
    for (int i = 0; i < 5; ++i) {
        append_many(*store, 3, "task:a");
        append_many(*store, 2, "task:b");
    }
    std::filesystem::remove_all(dir.path("index"));
    Reader reader(dir.path());
    uint64_t seen = 0;
    auto stats = reader.read_stream("task:a", 1, [&](const EventView&) { return ++seen, true; });
    ASSERT_TRUE(stats.ok());
    EXPECT_FALSE(stats->used_index);  // answered by a scan
    EXPECT_EQ(seen, 15u);
    // The same Store object notices, rebuilds, and continues the versions.
    auto next = store->append(make_event("task:a", "T"));
    ASSERT_TRUE(next.ok()) << next.error().describe();
    EXPECT_EQ(next->version, 16u);
    EXPECT_EQ(next->seq, 26u);
    EXPECT_TRUE(files::exists(dir.path("index/head")));
    auto clean = check(dir.path());
    ASSERT_TRUE(clean.ok());
    EXPECT_TRUE(clean->clean()) << clean->to_json();
}

TEST(Faults, StreamReadCostFollowsTheStreamNotTheStore) {
    TempDir dir;
    auto store = Store::open(dir.path());
    append_many(*store, 10, "task:small");
    Reader reader(dir.path());
    auto lines_for_stream = [&] {
        auto stats = reader.read_stream("task:small", 1, [](const EventView&) { return true; });
        EXPECT_TRUE(stats.ok() && stats->used_index);
        return stats.ok() ? stats->lines_read : 0;
    };
    EXPECT_EQ(lines_for_stream(), 10u);
    for (int round = 0; round < 4; ++round)
        append_many(*store, 5000, "noise:" + std::to_string(round));
    EXPECT_EQ(lines_for_stream(), 10u);  // 20,000 more events elsewhere: not one more line read
    auto from_version = reader.read_stream("task:small", 8, [](const EventView&) { return true; });
    EXPECT_EQ(from_version->lines_read, 3u);
}

TEST(Faults, CompressedDaysAreStillRead) {
    TempDir dir;
    FixedClock clock(1'795'000'000'000'000'000);
    StoreOptions options;
    options.clock = &clock;
    auto store = Store::open(dir.path(), options);
    append_many(*store, 50, "task:a");
    clock.advance(std::chrono::hours(48));
    append_many(*store, 5, "task:a");
    PrunePolicy policy;
    policy.compress_after_days = 1;
    policy.clock = &clock;
    auto pruned = prune(dir.path(), policy);
    ASSERT_TRUE(pruned.ok()) << pruned.error().describe();
    ASSERT_EQ(pruned->compressed_days.size(), 1u);
    auto segments = Layout(dir.path()).list_all_segments(Signal::events);
    ASSERT_EQ(segments->size(), 2u);
    EXPECT_TRUE((*segments)[0].compressed);
    Reader reader(dir.path());
    ReadStats stats;
    EXPECT_EQ(collect(reader, {}, &stats).size(), 55u);
    EXPECT_EQ(stats.corrupt, 0u);
    uint64_t seen = 0;
    auto stream = reader.read_stream("task:a", 45, [&](const EventView&) { return ++seen, true; });
    ASSERT_TRUE(stream.ok() && stream->used_index);
    EXPECT_EQ(seen, 11u);
    // A plain zstd frame: what `zstdcat` reads.
    auto packed = files::read(Layout(dir.path()).path((*segments)[0].relative_path()));
    auto plain = zstd_decompress(*packed, "test");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(std::count(plain->begin(), plain->end(), '\n'), 50);
    auto rebuilt = store->rebuild_index();
    ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().describe();
    auto clean = check(dir.path());
    EXPECT_TRUE(clean->clean()) << clean->to_json();
}

}  // namespace
}  // namespace sc::store
