#include "store/store.hpp"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "store/envelope.hpp"
#include "store/reader.hpp"
#include "store/test_support.hpp"
#include "util/files.hpp"

namespace sc::store {
namespace {

using testing::collect;
using testing::make_event;
using testing::TempDir;

constexpr int64_t k_noon = 1'795'000'000'000'000'000;  // 2026-11-18T...

StoreOptions fixed_clock(const FixedClock& clock) {
    StoreOptions options;
    options.clock = &clock;
    return options;
}

TEST(Layout, ASegmentPathIsItsSignalItsDayAndItsNumberOfAtLeastSixDigits) {
    SegmentId id;
    id.day = days_from_civil(2026, 12, 7);
    EXPECT_EQ(id.relative_path(), "events/2026-12-07/events-000001.jsonl");
    EXPECT_EQ(Layout("/s").segment_path(id), "/s/events/2026-12-07/events-000001.jsonl");
    id.signal = Signal::metrics;
    id.number = 999999;
    EXPECT_EQ(id.relative_path(true), "metrics/2026-12-07/metrics-999999.jsonl.zst");
    SegmentId parsed;
    bool compressed = false;
    ASSERT_TRUE(parse_segment_path(id.relative_path(true), parsed, compressed));
    EXPECT_EQ(parsed, id);
    EXPECT_TRUE(compressed);
    id.signal = Signal::traces;
    id.number = 1234567;
    EXPECT_EQ(Layout("/s").segment_path(id, true), "/s/traces/2026-12-07/traces-1234567.jsonl.zst");
}

TEST(Layout, ASegmentNumberOfMoreThanSixDigitsIsReadBackAndANonCanonicalOneIsNot) {
    SegmentId id;
    id.day = days_from_civil(2026, 12, 7);
    id.signal = Signal::logs;
    for (uint32_t number : {1'000'000U, 1'234'567U, 999'999'999U}) {
        id.number = number;
        SegmentId parsed;
        bool compressed = true;
        ASSERT_TRUE(parse_segment_path(id.relative_path(), parsed, compressed)) << id.relative_path();
        EXPECT_EQ(parsed, id);
        EXPECT_FALSE(compressed);
    }
    SegmentId parsed;
    bool compressed = false;
    for (const char* path : {"logs/2026-12-07/logs-0000001.jsonl", "logs/2026-12-07/logs-00001.jsonl",
                             "logs/2026-12-07/logs-1000000000.jsonl", "logs/2026-12-07/logs-000000.jsonl"})
        EXPECT_FALSE(parse_segment_path(path, parsed, compressed)) << path;
}

TEST(Store, AppendAssignsSeqAndStreamVersions) {
    TempDir dir;
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store.ok()) << store.error().describe();
    std::vector<NewEvent> batch = {make_event("task:a", "TaskCreated", R"({"title":"A"})"),
                                   make_event("task:b", "TaskCreated"), make_event("task:a", "TaskUpdated")};
    auto appended = store->append(batch);
    ASSERT_TRUE(appended.ok()) << appended.error().describe();
    ASSERT_EQ(appended->size(), 3u);
    EXPECT_EQ((*appended)[0].seq, 1u);
    EXPECT_EQ((*appended)[0].version, 1u);
    EXPECT_EQ((*appended)[1].version, 1u);
    EXPECT_EQ((*appended)[2].seq, 3u);
    EXPECT_EQ((*appended)[2].version, 2u);

    Reader reader(dir.path());
    auto events = collect(reader);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[2].stream, "task:a");
    EXPECT_EQ(events[2].type, "TaskUpdated");
    EXPECT_EQ(events[0].id, (*appended)[0].id);
}

TEST(Store, FoldersArePrivateAndFilesOwnerOnly) {
    TempDir dir;
    std::string root = dir.path("telemetry");
    auto store = Store::open(root);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->append(make_event("s", "T")).ok());
    struct stat info {};
    ASSERT_EQ(::stat(root.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700u);
    auto segments = store->layout().list_all_segments(Signal::events);
    ASSERT_TRUE(segments.ok());
    ASSERT_EQ(segments->size(), 1u);
    ASSERT_EQ(::stat(store->layout().path((*segments)[0].relative_path()).c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(store->layout().day_folder(Signal::events, (*segments)[0].id.day).c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST(Store, ExpectedVersionMismatchIsAConflictAndWritesNothing) {
    TempDir dir;
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store->append(make_event("task:a", "TaskCreated")).ok());
    NewEvent stale = make_event("task:a", "TaskUpdated");
    stale.expected_version = 0;
    NewEvent other = make_event("task:b", "TaskCreated");
    auto result = store->append(std::vector<NewEvent> {other, stale});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::conflict);
    EXPECT_NE(result.error().message.find("is at version 1"), std::string::npos) << result.error().message;
    Reader reader(dir.path());
    EXPECT_EQ(collect(reader).size(), 1u);  // the batch was all or nothing
    NewEvent fresh = make_event("task:a", "TaskUpdated");
    fresh.expected_version = 1;
    auto ok = store->append(fresh);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->version, 2u);
}

TEST(Store, AppendWithAKnownIdIsNotStoredTwice) {
    TempDir dir;
    auto store = Store::open(dir.path());
    NewEvent event = make_event("task:a", "TaskCreated");
    event.id = "0190a1b2-0000-7000-8000-000000000001";
    auto first = store->append(event);
    ASSERT_TRUE(first.ok());
    EXPECT_FALSE(first->duplicate);
    auto again = Store::open(dir.path())->append(event);  // a retry from another process
    ASSERT_TRUE(again.ok()) << again.error().describe();
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->seq, first->seq);
    auto twice_in_batch = store->append(std::vector<NewEvent> {event, event});
    ASSERT_TRUE(twice_in_batch.ok());
    Reader reader(dir.path());
    EXPECT_EQ(collect(reader).size(), 1u);
}

TEST(Store, BadEventsAreRefusedWithAReason) {
    TempDir dir;
    auto store = Store::open(dir.path());
    auto no_stream = store->append(make_event("", "T"));
    ASSERT_FALSE(no_stream.ok());
    EXPECT_EQ(no_stream.error().code, ErrorCode::invalid_argument);
    auto bad_data = store->append(make_event("s", "T", "{\"a\":"));
    ASSERT_FALSE(bad_data.ok());
    EXPECT_EQ(bad_data.error().where.field, "data");
    auto array_data = store->append(make_event("s", "T", "[1,2]"));
    EXPECT_FALSE(array_data.ok());
    auto bad_utf8 = store->append(make_event("s\xff", "T"));
    EXPECT_FALSE(bad_utf8.ok());
}

TEST(Store, PrettyDataIsCompactedToOneLine) {
    TempDir dir;
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store->append(make_event("s", "T", "{\n  \"text\": \"two\\nlines\",\n  \"n\": 1\n}")).ok());
    Reader reader(dir.path());
    auto events = collect(reader);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_NE(events[0].line.find(R"("data":{"text":"two\nlines","n":1})"), std::string::npos) << events[0].line;
}

TEST(Store, StringsAreEscaped) {
    TempDir dir;
    auto store = Store::open(dir.path());
    NewEvent event = make_event("task:\"quoted\"\\",
                                "Type\twith\x01"
                                "controls");
    event.meta.actor = "user:ünïcode";
    ASSERT_TRUE(store->append(event).ok());
    Reader reader(dir.path());
    auto events = collect(reader);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].stream, "task:\"quoted\"\\");
    EXPECT_EQ(events[0].type,
              "Type\twith\x01"
              "controls");
}

TEST(Store, AnEnvelopeLineHasTheSameLayoutWhetherItsStringsNeedEscapingOrNot) {
    NewEvent event = make_event("task:x-11A", "TaskCreated", R"({"a":1})");
    event.id = "0195f0e2-0000-7000-8000-000000000001";
    event.meta.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    event.meta.span_id = "00f067aa0ba902b7";
    event.meta.correlation_id = "c";
    event.meta.causation_id = "d";
    event.meta.actor = "user:ünïcode";
    event.meta.host = "vm";
    event.meta.schema_version = 1;
    std::string expected =
        R"({"id":"0195f0e2-0000-7000-8000-000000000001","seq":3,"stream":"task:x-11A","version":2,)"
        R"("type":"TaskCreated","time":"2026-11-18T11:06:40.000000000Z","data":{"a":1},"meta":{)"
        R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","correlation_id":"c",)"
        R"("causation_id":"d","actor":"user:ünïcode","host":"vm","pid":42,"schema_version":1}})"
        "\n";
    std::string plain = "before|";
    append_envelope_line(plain, event, 3, 2, k_noon, 42);
    EXPECT_EQ(plain, "before|" + expected) << "appended after what the buffer held, with nothing left over";

    event.meta.actor = "user:\"quoted\"\t";  // takes the escaping path
    std::string escaped;
    append_envelope_line(escaped, event, 3, 2, k_noon, 42);
    std::string actor_expected = expected;
    actor_expected.replace(actor_expected.find("user:ünïcode"), std::string("user:ünïcode").size(),
                           "user:\\\"quoted\\\"\\t");
    EXPECT_EQ(escaped, actor_expected);

    event.meta = EventMeta {};  // no meta at all: only pid and schema version
    event.meta.pid = -7;
    std::string bare;
    append_envelope_line(bare, event, 3, 2, k_noon, 42);
    EXPECT_NE(bare.find(R"("meta":{"pid":-7,"schema_version":)"), std::string::npos) << bare;
}

TEST(Store, TimesNeverGoBackwardsAndRollDays) {
    TempDir dir;
    FixedClock clock(k_noon);
    auto store = Store::open(dir.path(), fixed_clock(clock));
    ASSERT_TRUE(store->append(make_event("s", "A")).ok());
    clock.advance(std::chrono::hours(24));
    auto later = store->append(make_event("s", "B"));
    ASSERT_TRUE(later.ok());
    clock.set(k_noon - 1'000'000'000);  // the clock jumps back
    auto skewed = store->append(make_event("s", "C"));
    ASSERT_TRUE(skewed.ok());
    EXPECT_EQ(skewed->time_unix_nanos, later->time_unix_nanos);
    auto days = store->layout().list_days(Signal::events);
    ASSERT_TRUE(days.ok());
    EXPECT_EQ(days->size(), 2u);
}

TEST(Store, SegmentsRollBySize) {
    TempDir dir;
    StoreOptions options;
    options.max_segment_bytes = 1000;
    auto store = Store::open(dir.path(), options);
    for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(store->append(make_event("s", "T", R"({"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})")).ok());
    auto segments = store->layout().list_all_segments(Signal::events);
    ASSERT_TRUE(segments.ok());
    EXPECT_GT(segments->size(), 3u);
    for (const SegmentFile& segment : *segments)
        EXPECT_LE(segment.bytes, 1000u);
    Reader reader(dir.path());
    auto events = collect(reader);
    ASSERT_EQ(events.size(), 20u);
    for (size_t i = 0; i < events.size(); ++i)
        EXPECT_EQ(events[i].seq, i + 1);
    ReadStats stats;
    auto stream = reader.read_stream("s", 15, [](const EventView&) { return true; });
    ASSERT_TRUE(stream.ok());
    EXPECT_EQ(stream->matched, 6u);
    EXPECT_TRUE(stream->used_index);
}

TEST(Store, AReaderThatKeepsTheHeadOpenSeesAHeadRemovedAndMadeAgain) {
    // A server's session reads the head before every request through a descriptor it keeps:
    // after the head is removed and rebuilt, the events it names (here in a new segment, where
    // the old head's segment did not grow) are seen, not the removed file's.
    TempDir dir;
    StoreOptions options;
    options.max_segment_bytes = 100;  // every event in a segment of its own
    {
        auto store = Store::open(dir.path(), options);
        ASSERT_TRUE(store.ok()) << store.error().describe();
        ASSERT_TRUE(store->append(make_event("s", "T", R"({"n":1})")).ok());
    }
    Reader reader(dir.path());
    uint64_t last_seq = 0;
    std::vector<uint64_t> seen;
    auto visit = [&](const EventView& event) {
        seen.push_back(event.seq);
        return true;
    };
    ASSERT_TRUE(reader.read_events_after(0, EventQuery {}, visit, &last_seq).ok());
    EXPECT_EQ(last_seq, 1u);
    ASSERT_EQ(::unlink(reader.layout().head_path().c_str()), 0);
    {
        auto store = Store::open(dir.path(), options);  // the head rebuilt from the segments
        ASSERT_TRUE(store.ok()) << store.error().describe();
        ASSERT_TRUE(store->append(make_event("s", "T", R"({"n":2})")).ok());
    }
    seen.clear();
    ASSERT_TRUE(reader.read_events_after(1, EventQuery {}, visit, &last_seq).ok());
    EXPECT_EQ(last_seq, 2u);
    EXPECT_EQ(seen, (std::vector<uint64_t> {2}));
}

TEST(Store, SignalLinesAreStoredVerbatim) {
    TempDir dir;
    auto store = Store::open(dir.path());
    std::string span =
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","startTimeUnixNano":"1795000000000000000","endTimeUnixNano":"1795000001000000000"}]}]}]})";
    ASSERT_TRUE(store->append_signals(Signal::traces, {span, span}).ok());
    EXPECT_FALSE(store->append_signals(Signal::traces, {"{\"a\":1}\n{\"b\":2}"}).ok());
    EXPECT_FALSE(store->append_signals(Signal::events, {"{}"}).ok());
    Reader reader(dir.path());
    std::vector<std::string> lines;
    SignalQuery query;
    query.trace_id = "5b8efff798038103d269b633813fc60c";
    query.from_time = 1'795'000'000'500'000'000;
    auto stats = reader.read_signals(Signal::traces, query, [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
    });
    ASSERT_TRUE(stats.ok());
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], span);
    query.from_time = 1'795'000'002'000'000'000;
    stats = reader.read_signals(Signal::traces, query, [](std::string_view) { return true; });
    EXPECT_EQ(stats->matched, 0u);
}

// Writes of index/head while `action` runs: one per lock session.
template <typename Action>
int head_writes(const std::string& root, Action action) {
    int watch_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    ::inotify_add_watch(watch_fd, (root + "/index/head").c_str(), IN_MODIFY);
    action();
    int writes = 0;
    alignas(inotify_event) char buffer[4096];
    ssize_t got = 0;
    while ((got = ::read(watch_fd, buffer, sizeof buffer)) > 0) {
        for (char* at = buffer; at < buffer + got;
             at += sizeof(inotify_event) + reinterpret_cast<inotify_event*>(at)->len)
            ++writes;
    }
    ::close(watch_fd);
    return writes;
}

TEST(Store, SignalsOfSeveralKindsAreStoredInOneLockSession) {
    TempDir dir;
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store->append(make_event("s", "T")).ok());  // the head exists
    std::vector<SignalLine> lines = {{Signal::traces, R"({"resourceSpans":[1]})"},
                                     {Signal::metrics, R"({"resourceMetrics":[]})"},
                                     {Signal::traces, R"({"resourceSpans":[2]})"},
                                     {Signal::logs, R"({"resourceLogs":[]})"}};
    int writes = head_writes(dir.path(), [&] { ASSERT_TRUE(store->append_signals(lines).ok()); });
    EXPECT_EQ(writes, 1) << "one head write for the three signals";
    Reader reader(dir.path());
    std::vector<std::string> traces;
    ASSERT_TRUE(reader
                    .read_signals(Signal::traces, {},
                                  [&](std::string_view line) {
                                      traces.emplace_back(line);
                                      return true;
                                  })
                    .ok());
    EXPECT_EQ(traces, (std::vector<std::string> {R"({"resourceSpans":[1]})", R"({"resourceSpans":[2]})"}));
    for (Signal signal : {Signal::metrics, Signal::logs}) {
        auto stats = reader.read_signals(signal, {}, [](std::string_view) { return true; });
        ASSERT_TRUE(stats.ok());
        EXPECT_EQ(stats->matched, 1u) << signal_name(signal);
    }
    // One bad line refuses the whole batch: nothing of it is stored.
    lines.push_back({Signal::logs, "not json"});
    EXPECT_FALSE(store->append_signals(lines).ok());
    auto logs = reader.read_signals(Signal::logs, {}, [](std::string_view) { return true; });
    EXPECT_EQ(logs->matched, 1u);
    EXPECT_EQ(store->counters().signal_lines_appended, 4u);
}

TEST(Store, MissingFolderIsAClearErrorWhenNotCreating) {
    TempDir dir;
    StoreOptions options;
    options.create = false;
    auto store = Store::open(dir.path("absent"), options);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, ErrorCode::not_found);
    EXPECT_FALSE(store.error().hint.empty());
}

TEST(Store, FolderRemovedUnderAnOpenStoreFailsTheAppend) {
    TempDir dir;
    std::string root = dir.path("telemetry");
    auto store = Store::open(root);
    ASSERT_TRUE(store->append(make_event("s", "T")).ok());
    std::filesystem::remove_all(root);
    auto result = store->append(make_event("s", "T"));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::not_found);
    EXPECT_FALSE(files::exists(root));  // not silently recreated as an empty store
}

}  // namespace
}  // namespace sc::store
