// The derived event index, format 2 (stream_index.hpp): a batch over many streams costs one
// log write, every stream stays gap-free and readable through the index, compaction and
// growth keep it so, writers in other processes see each other's heads, and an index of an
// older format is rebuilt.

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/hash.hpp"
#include "store/head.hpp"
#include "store/maintenance.hpp"
#include "store/reader.hpp"
#include "store/stream_index.hpp"
#include "store/test_support.hpp"

namespace sc::store {
namespace {

using testing::make_event;
using testing::TempDir;

void append_many(Store& store, int count, const std::string& stream) {
    std::vector<NewEvent> batch;
    for (int i = 0; i < count; ++i)
        batch.push_back(make_event(stream, "T"));
    auto result = store.append(batch);
    ASSERT_TRUE(result.ok()) << result.error().describe();
}

// Every version of the stream, read through the index (fails the test when it scanned).
std::vector<uint64_t> versions_via_index(Reader& reader, const std::string& stream) {
    std::vector<uint64_t> versions;
    auto stats = reader.read_stream(stream, 1, [&](const EventView& event) {
        versions.push_back(event.version);
        return true;
    });
    EXPECT_TRUE(stats.ok() && stats->used_index) << stream;
    return versions;
}

std::vector<uint64_t> one_to(uint64_t last) {
    std::vector<uint64_t> versions;
    for (uint64_t v = 1; v <= last; ++v)
        versions.push_back(v);
    return versions;
}

size_t index_logs(const std::string& root) {
    size_t logs = 0;
    for (const auto& entry : std::filesystem::directory_iterator(root + "/index"))
        logs += entry.path().filename().string().starts_with("log-") ? 1 : 0;
    return logs;
}

TEST(Index, ABatchOverManyStreamsKeepsEveryStreamGapFreeAndIndexed) {
    TempDir dir;
    auto store = Store::open(dir.path());
    constexpr int k_streams = 1500;  // more than the first heads table holds: it grows
    for (int round = 0; round < 3; ++round) {
        std::vector<NewEvent> batch;
        for (int i = 0; i < k_streams; ++i)
            batch.push_back(make_event("task:s-" + std::to_string(i), "T"));
        auto appended = store->append(batch);
        ASSERT_TRUE(appended.ok()) << appended.error().describe();
        for (const AppendedEvent& event : *appended)
            EXPECT_EQ(event.version, static_cast<uint64_t>(round + 1));
    }
    Reader reader(dir.path());
    for (int i = 0; i < k_streams; i += 97)
        EXPECT_EQ(versions_via_index(reader, "task:s-" + std::to_string(i)), one_to(3));
    // A second writer (a fresh process as far as the store is concerned) continues every stream.
    auto other = Store::open(dir.path());
    auto next = other->append(make_event("task:s-1499", "T"));
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(next->version, 4u);
    EXPECT_EQ(next->seq, 3u * k_streams + 1);
    auto report = check(dir.path());
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->clean()) << report->to_json();
}

TEST(Index, CompactionMovesTheLogIntoStreamFilesAndReadsStayExact) {
    TempDir dir;
    StoreOptions options;
    options.index_log_bytes = 2048;  // about 15 events
    auto first = Store::open(dir.path(), options);
    auto second = Store::open(dir.path(), options);
    std::map<std::string, uint64_t> heads;
    for (int i = 0; i < 400; ++i) {
        Store& writer = i % 3 == 0 ? *second : *first;  // two writers with their own caches
        std::vector<NewEvent> batch;
        for (int j = 0; j < 1 + i % 5; ++j)
            batch.push_back(make_event("task:" + std::to_string((i * 7 + j) % 23), "T"));
        auto appended = writer.append(batch);
        ASSERT_TRUE(appended.ok()) << appended.error().describe();
        for (size_t j = 0; j < batch.size(); ++j)
            EXPECT_EQ((*appended)[j].version, ++heads[batch[j].stream]) << batch[j].stream;
    }
    EXPECT_EQ(index_logs(dir.path()), 1u) << "compaction removes the old generation's log";
    EXPECT_TRUE(std::filesystem::exists(dir.path("index/streams/" + stream_file_name("task:0"))));
    Reader reader(dir.path());
    for (const auto& [stream, head] : heads)
        EXPECT_EQ(versions_via_index(reader, stream), one_to(head));
    auto report = check(dir.path());
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->clean()) << report->to_json();
}

TEST(Index, AStreamReadReadsOnlyItsOwnChainOfTheLog) {
    TempDir dir;
    auto store = Store::open(dir.path());
    append_many(*store, 3, "task:small");
    for (int round = 0; round < 3; ++round)
        append_many(*store, 2000, "noise:" + std::to_string(round));
    append_many(*store, 2, "task:small");
    Reader reader(dir.path());
    uint64_t seen = 0;
    auto read = reader.read_stream("task:small", 1, [&](const EventView&) { return ++seen, true; });
    ASSERT_TRUE(read.ok() && read->used_index);
    EXPECT_EQ(seen, 5u);
    EXPECT_EQ(read->lines_read, 5u);
}

TEST(Index, AnIndexOfTheOlderFormatIsRebuilt) {
    TempDir dir;
    {
        auto store = Store::open(dir.path());
        append_many(*store, 4, "task:a");
    }
    // What format 1 left: a head without the index line (with a valid checksum), and no log.
    std::string head = "scopecraft-store-head 1\nseq 4\nlast_time 1\n";
    auto segments = Layout(dir.path()).list_all_segments(Signal::events);
    ASSERT_TRUE(segments.ok() && segments->size() == 1);
    head += "events " + format_day((*segments)[0].id.day) + " 1 " + std::to_string((*segments)[0].bytes) + "\n";
    head += "traces - 0 0\nmetrics - 0 0\nlogs - 0 0\n";
    char check_line[64];
    std::snprintf(check_line, sizeof check_line, "check %016" PRIx64 "\n", fnv1a64(head));
    head += check_line;
    head.resize(k_head_bytes - 1, ' ');
    head += '\n';
    std::filesystem::remove_all(dir.path("index"));
    std::filesystem::create_directories(dir.path("index/streams"));
    ASSERT_TRUE(files::write_atomic(dir.path("index/head"), head).ok());

    Reader reader(dir.path());
    uint64_t seen = 0;
    auto scanned = reader.read_stream("task:a", 1, [&](const EventView&) { return ++seen, true; });
    ASSERT_TRUE(scanned.ok());
    EXPECT_FALSE(scanned->used_index) << "an index of another format is not trusted";
    EXPECT_EQ(seen, 4u);

    auto store = Store::open(dir.path());
    auto next = store->append(make_event("task:a", "T"));
    ASSERT_TRUE(next.ok()) << next.error().describe();
    EXPECT_EQ(next->version, 5u);
    EXPECT_EQ(next->seq, 5u);
    EXPECT_EQ(store->counters().index_rebuilds, 1u);
    EXPECT_EQ(versions_via_index(reader, "task:a"), one_to(5));
    auto report = check(dir.path());
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->clean()) << report->to_json();
}

TEST(Index, ADamagedHeadsTableIsRebuiltByTheNextWriter) {
    TempDir dir;
    {
        auto store = Store::open(dir.path());
        append_many(*store, 3, "task:a");
    }
    std::string table = dir.path("index/" + heads_file_name(k_heads_min_capacity));
    ASSERT_EQ(::truncate(table.c_str(), 100), 0);
    auto store = Store::open(dir.path());
    auto next = store->append(make_event("task:a", "T"));
    ASSERT_TRUE(next.ok()) << next.error().describe();
    EXPECT_EQ(next->version, 4u);
    Reader reader(dir.path());
    EXPECT_EQ(versions_via_index(reader, "task:a"), one_to(4));
}

TEST(Index, CallerIdsStayIdempotentAcrossTheLogAndCompaction) {
    TempDir dir;
    StoreOptions options;
    options.index_log_bytes = 600;
    auto store = Store::open(dir.path(), options);
    NewEvent event = make_event("task:a", "T");
    event.id = "0190a1b2-0000-7000-8000-000000000001";
    auto first = store->append(event);
    ASSERT_TRUE(first.ok());
    append_many(*store, 10, "task:a");
    auto again = store->append(event);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->seq, first->seq);
    auto fresh = Store::open(dir.path(), options);
    auto third = fresh->append(event);
    ASSERT_TRUE(third.ok());
    EXPECT_TRUE(third->duplicate);
    EXPECT_EQ(third->version, 1u);
}

// read_head skips decoding bytes it decoded last time: each rewrite of the head (another
// process's append) must still be read as written, and a head damaged after a good one must
// still be refused.
TEST(Index, ReadingTheHeadAgainSeesEveryRewriteAndRefusesAHeadDamagedAfterAGoodOne) {
    TempDir dir;
    std::string path = dir.path() + "/head";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    HeadState first;
    first.seq = 7;
    HeadState second = first;
    second.seq = 8;
    second.of(Signal::events).size = 4096;
    for (const HeadState* written : {&first, &first, &second, &first}) {
        ASSERT_TRUE(write_head(fd, path, *written).ok());
        Result<HeadState> read = read_head(fd, path);
        ASSERT_TRUE(read.ok()) << read.error().describe();
        EXPECT_EQ(*read, *written);
    }
    std::string damaged = encode_head(first);
    size_t seq = damaged.find(" 7\n");  // the seq, under the checksum (the padding is not)
    ASSERT_NE(seq, std::string::npos);
    damaged[seq + 1] = '9';
    ASSERT_EQ(::pwrite(fd, damaged.data(), damaged.size(), 0), static_cast<ssize_t>(damaged.size()));
    Result<HeadState> read = read_head(fd, path);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().code, ErrorCode::not_found);
    ::close(fd);
}

}  // namespace
}  // namespace sc::store
