#include "store/maintenance.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/envelope.hpp"
#include "store/follower.hpp"
#include "store/location.hpp"
#include "store/stream_index.hpp"
#include "store/test_support.hpp"

namespace sc::store {
namespace {

using testing::make_event;
using testing::TempDir;

constexpr int64_t k_day = 86'400'000'000'000;
constexpr int64_t k_start = 1'795'000'000'000'000'000;

TEST(Status, CountsBySignalAndDayWithOldestAndNewest) {
    TempDir dir;
    FixedClock clock(k_start);
    StoreOptions options;
    options.clock = &clock;
    auto store = Store::open(dir.path(), options);
    ASSERT_TRUE(store->append(std::vector<NewEvent>(3, make_event("s", "T"))).ok());
    clock.advance(std::chrono::hours(24));
    ASSERT_TRUE(store->append(make_event("s", "T")).ok());
    ASSERT_TRUE(store->append_signals(Signal::logs, {R"({"resourceLogs":[]})"}).ok());
    auto report = status(dir.path());
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->events, 4u);
    EXPECT_EQ(report->head_seq, 4u);
    EXPECT_EQ(report->lines_by_signal[static_cast<size_t>(Signal::logs)], 1u);
    EXPECT_EQ(report->days.size(), 3u);  // two event days, one log day
    std::string expected_oldest;
    append_time(expected_oldest, k_start);
    EXPECT_EQ(report->oldest_event_time, expected_oldest);
    auto json = nlohmann::json::parse(report->to_json());
    EXPECT_EQ(json["signals"]["events"]["lines"], 4);
    EXPECT_GT(json["total_bytes"].get<uint64_t>(), 0u);
}

TEST(Check, ReportsATornTailFoundUnderTheLockAndRepairsIt) {
    TempDir dir;
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store->append(std::vector<NewEvent>(4, make_event("s", "T"))).ok());
    auto segments = Layout(dir.path()).list_all_segments(Signal::events);
    std::string path = Layout(dir.path()).path(segments->front().relative_path());
    { std::ofstream(path, std::ios::app) << R"({"id":"torn)"; }
    auto report = check(dir.path());
    ASSERT_TRUE(report.ok());
    ASSERT_FALSE(report->issues.empty());
    EXPECT_EQ(report->issues.front().kind, "incomplete_tail");
    auto repaired = check(dir.path(), CheckMode::repair);
    ASSERT_TRUE(repaired.ok());
    EXPECT_EQ(repaired->torn_tails, 1u);
    EXPECT_EQ(repaired->tails_quarantined, 1u);
    EXPECT_TRUE(check(dir.path())->clean());
    auto next = store->append(make_event("s", "T"));  // the writer copes with the rewritten files
    ASSERT_TRUE(next.ok()) << next.error().describe();
    EXPECT_EQ(next->seq, 5u);
}

TEST(Check, ReportsAcknowledgedEventsMissingWhenASegmentIsEmptiedByHand) {
    TempDir dir;
    {
        auto store = Store::open(dir.path());
        ASSERT_TRUE(store->append(std::vector<NewEvent>(5, make_event("s", "T"))).ok());
    }
    auto segments = Layout(dir.path()).list_all_segments(Signal::events);
    ASSERT_TRUE(segments.ok() && segments->size() == 1u);
    std::string path = Layout(dir.path()).path(segments->front().relative_path());
    ASSERT_EQ(::truncate(path.c_str(), 0), 0);  // index/head still records 5 events
    auto report = check(dir.path());
    ASSERT_TRUE(report.ok());
    EXPECT_FALSE(report->clean());
    EXPECT_EQ(report->missing_events, 5u);
    ASSERT_EQ(report->issues.size(), 1u);
    EXPECT_EQ(report->issues.front().kind, "events_missing");
    EXPECT_EQ(report->issues.front().where, "index/head");
    EXPECT_EQ(report->issues.front().detail,
              "index/head records 5 acknowledged events but the segments hold none: seqs 1..5 are missing "
              "(a segment emptied, cut or removed by hand?)");
    EXPECT_EQ(nlohmann::json::parse(report->to_json())["missing_events"], 5);
    // A repair rebuilds the index from what is left, and says what was lost while doing it.
    auto repaired = check(dir.path(), CheckMode::repair);
    ASSERT_TRUE(repaired.ok());
    EXPECT_EQ(repaired->missing_events, 5u);
}

TEST(Check, StillReportsTheMissingEventsAfterTheNextWriterRebuiltTheIndex) {
    TempDir dir;
    {
        auto store = Store::open(dir.path());
        ASSERT_TRUE(store->append(std::vector<NewEvent>(5, make_event("s", "T"))).ok());
    }
    auto segments = Layout(dir.path()).list_all_segments(Signal::events);
    ASSERT_TRUE(segments.ok() && segments->size() == 1u);
    std::string relative = segments->front().relative_path();
    uint64_t bytes = std::filesystem::file_size(Layout(dir.path()).path(relative));
    ASSERT_EQ(::truncate(Layout(dir.path()).path(relative).c_str(), 0), 0);
    {
        // The next writer finds the segment shorter than the head and rebuilds the index from
        // what is left; it leaves a note, so the loss is not forgotten with the old head.
        auto store = Store::open(dir.path());
        ASSERT_TRUE(store->append(make_event("s", "T")).ok());
    }
    auto report = check(dir.path());
    ASSERT_TRUE(report.ok());
    EXPECT_FALSE(report->clean());
    EXPECT_EQ(report->missing_events, 5u);
    ASSERT_FALSE(report->issues.empty());
    EXPECT_EQ(report->issues.front().kind, "events_missing");
    EXPECT_EQ(report->issues.front().where, "quarantine/lost-events.txt");
    EXPECT_EQ(report->issues.front().detail, "seqs 1..5, acknowledged in index/head, were missing from " + relative +
                                                 " (0 of " + std::to_string(bytes) +
                                                 " bytes left) when a writer rebuilt the index");
    // A repair reports it once more and files the note away; the store is then clean.
    auto repaired = check(dir.path(), CheckMode::repair);
    ASSERT_TRUE(repaired.ok());
    EXPECT_EQ(repaired->missing_events, 5u);
    auto after = check(dir.path());
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(after->clean()) << after->to_json();
}

TEST(Check, ReportsTheEventsMissingAtTheEndWhenTheLastSegmentIsCut) {
    TempDir dir;
    FixedClock clock(k_start);
    StoreOptions options;
    options.clock = &clock;
    {
        auto store = Store::open(dir.path(), options);
        ASSERT_TRUE(store->append(std::vector<NewEvent>(3, make_event("s", "T"))).ok());
        clock.advance(std::chrono::hours(24));  // a second day, a second segment
        ASSERT_TRUE(store->append(std::vector<NewEvent>(4, make_event("s", "T"))).ok());
    }
    auto segments = Layout(dir.path()).list_all_segments(Signal::events);
    ASSERT_TRUE(segments.ok() && segments->size() == 2u);
    ASSERT_EQ(::truncate(Layout(dir.path()).path(segments->back().relative_path()).c_str(), 0), 0);
    auto report = check(dir.path());
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->missing_events, 4u);
    ASSERT_FALSE(report->issues.empty());
    EXPECT_EQ(report->issues.front().kind, "events_missing");
    EXPECT_EQ(report->issues.front().detail,
              "index/head records 7 acknowledged events but the segments end at seq 3: seqs 4..7 are missing "
              "(a segment emptied, cut or removed by hand?)");
}

TEST(Check, FindsAStreamIndexThatDisagrees) {
    TempDir dir;
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store->append(std::vector<NewEvent>(2, make_event("task:a", "T"))).ok());
    ASSERT_TRUE(store->rebuild_index().ok());  // the records move from the log to the stream file
    std::string index = dir.path("index/streams/" + stream_file_name("task:a"));
    ASSERT_EQ(::truncate(index.c_str(), 72), 0);
    auto report = check(dir.path());
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->index_problems, 1u);
    ASSERT_TRUE(check(dir.path(), CheckMode::repair).ok());
    EXPECT_TRUE(check(dir.path())->clean());
}

class PruneTest : public ::testing::Test {
protected:
    void SetUp() override {
        options.clock = &clock;
        auto opened = Store::open(dir.path(), options);
        ASSERT_TRUE(opened.ok());
        for (int day = 0; day < 5; ++day) {
            ASSERT_TRUE(opened->append(std::vector<NewEvent>(100, make_event("s", "T", R"({"n":12345})"))).ok());
            ASSERT_TRUE(opened->append_signals(Signal::traces, {R"({"resourceSpans":[]})"}).ok());
            if (day < 4)
                clock.advance(std::chrono::hours(24));
        }
    }
    TempDir dir;
    FixedClock clock {k_start};
    StoreOptions options;
};

TEST_F(PruneTest, OlderThanDeletesWholeDaysButNeverToday) {
    PrunePolicy policy;
    policy.clock = &clock;
    policy.max_age_days = 2;
    auto report = prune(dir.path(), policy);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->deleted_days.size(), 4u);  // days 0 and 1 of events and traces
    EXPECT_LT(report->bytes_after, report->bytes_before);
    EXPECT_EQ(Layout(dir.path()).list_days(Signal::events)->size(), 3u);
    policy.max_age_days = 0;
    policy.dry_run = true;
    report = prune(dir.path(), policy);
    EXPECT_EQ(report->deleted_days.size(), 4u);
    EXPECT_EQ(Layout(dir.path()).list_days(Signal::events)->size(), 3u) << "a dry run changes nothing";
}

TEST_F(PruneTest, SizeCapRemovesOldestDaysFirst) {
    PrunePolicy policy;
    policy.clock = &clock;
    auto before = status(dir.path());
    policy.max_total_bytes = before->total_bytes / 2;
    auto report = prune(dir.path(), policy);
    ASSERT_TRUE(report.ok());
    EXPECT_LE(report->bytes_after, *policy.max_total_bytes);
    ASSERT_FALSE(report->deleted_days.empty());
    EXPECT_EQ(report->deleted_days.front(), "events/" + format_day(day_of_unix_nanos(k_start)));
    Reader reader(dir.path());
    auto events = testing::collect(reader);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().seq, 500u);  // the newest stay
}

TEST_F(PruneTest, CompressInsteadOfDeleteKeepsEverythingReadable) {
    PrunePolicy policy;
    policy.clock = &clock;
    policy.max_age_days = 1;
    policy.compress_instead_of_delete = true;
    auto report = prune(dir.path(), policy);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->compressed_days.size(), 6u);
    EXPECT_TRUE(report->deleted_days.empty());
    Reader reader(dir.path());
    EXPECT_EQ(testing::collect(reader).size(), 500u);
    auto traces = reader.read_signals(Signal::traces, {}, [](std::string_view) { return true; });
    EXPECT_EQ(traces->matched, 5u);
}

TEST(Follow, WakesOnAppendAndResumesFromASavedCursor) {
    TempDir dir;
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store->append(make_event("s", "First")).ok());
    auto follower = Follower::open(dir.path(), Cursor {});
    ASSERT_TRUE(follower.ok());
    std::vector<std::string> types;
    auto collect_types = [&](const FollowedLine& line) {
        types.emplace_back(line.event->type);
        return true;
    };
    ASSERT_TRUE(follower->poll(collect_types).ok());
    EXPECT_EQ(types, std::vector<std::string> {"First"});
    std::thread writer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        auto other = Store::open(dir.path());
        (void)other->append(make_event("s", "Second"));
    });
    auto woke = follower->wait(std::chrono::seconds(5));
    writer.join();
    ASSERT_TRUE(woke.ok());
    EXPECT_TRUE(*woke);
    ASSERT_TRUE(follower->poll(collect_types).ok());
    EXPECT_EQ(types.back(), "Second");
    EXPECT_EQ(follower->cursor().seq, 2u);

    ASSERT_TRUE(save_cursor(store->layout(), "shipper", follower->cursor()).ok());
    ASSERT_TRUE(store->append(make_event("s", "Third")).ok());
    auto saved = load_cursor(store->layout(), "shipper");
    ASSERT_TRUE(saved.ok() && saved->has_value());
    auto resumed = Follower::open(dir.path(), **saved);
    types.clear();
    ASSERT_TRUE(resumed->poll(collect_types).ok());
    EXPECT_EQ(types, std::vector<std::string> {"Third"});
    EXPECT_FALSE(save_cursor(store->layout(), "../escape", follower->cursor()).ok());
    auto absent = load_cursor(store->layout(), "nobody");
    ASSERT_TRUE(absent.ok());
    EXPECT_FALSE(absent->has_value());
}

TEST(Follow, ACursorAfterSeveralLinesOfOnePollPointsJustPastTheLastOne) {
    // Several lines in one read: each line's position is counted from where the read began,
    // not from the previous line's end (which put the cursor further on, and a follower
    // resumed from it skipped events).
    TempDir dir;
    auto store = Store::open(dir.path());
    for (const char* type : {"First", "Second", "Third"})
        ASSERT_TRUE(store->append(make_event("s", type)).ok());
    auto follower = Follower::open(dir.path(), Cursor {});
    ASSERT_TRUE(follower.ok());
    std::vector<std::string> types;
    std::vector<uint64_t> offsets;
    auto until_second = [&](const FollowedLine& line) {
        types.emplace_back(line.event->type);
        offsets.push_back(line.after->offset);
        return types.size() < 2;
    };
    ASSERT_TRUE(follower->poll(until_second).ok());
    EXPECT_EQ(types, (std::vector<std::string> {"First", "Second"}));
    auto segments = store->layout().list_all_segments(Signal::events);
    ASSERT_TRUE(segments.ok() && segments->size() == 1u);
    std::ifstream file(store->layout().path(segments->front().relative_path()), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    size_t first_end = content.find('\n') + 1;
    size_t second_end = content.find('\n', first_end) + 1;
    EXPECT_EQ(offsets, (std::vector<uint64_t> {first_end, second_end}));
    EXPECT_EQ(follower->cursor().offset, second_end);
    EXPECT_EQ(follower->cursor().seq, 2u);

    auto resumed = Follower::open(dir.path(), follower->cursor());
    types.clear();
    ReadStats stats = resumed
                          ->poll([&](const FollowedLine& line) {
                              types.emplace_back(line.event->type);
                              return true;
                          })
                          .value();
    EXPECT_EQ(types, std::vector<std::string> {"Third"});
    EXPECT_EQ(stats.corrupt, 0u);
}

TEST(Location, FlagBeatsEnvironmentBeatsConfigBeatsDefault) {
    MapEnvironment environment;
    environment.set("HOME", "/home/me");
    auto chosen = resolve_store_location(std::nullopt, environment, std::nullopt, "~/.scopecraft/t");
    EXPECT_EQ(chosen.path, "/home/me/.scopecraft/t");
    EXPECT_EQ(chosen.source, LocationSource::default_path);
    chosen = resolve_store_location(std::nullopt, environment, std::string("/from/config"), "/default");
    EXPECT_EQ(chosen.source, LocationSource::config);
    environment.set("SCOPECRAFT_TELEMETRY_DIR", "/from/env");
    chosen = resolve_store_location(std::nullopt, environment, std::string("/from/config"), "/default");
    EXPECT_EQ(chosen.path, "/from/env");
    EXPECT_EQ(location_source_name(chosen.source), "environment");
    chosen = resolve_store_location(std::string("/from/flag"), environment, std::string("/c"), "/d");
    EXPECT_EQ(chosen.source, LocationSource::flag);
    chosen = resolve_store_location(std::string(""), environment, std::nullopt, "/d");
    EXPECT_EQ(chosen.source, LocationSource::environment) << "an empty value does not count";
}

TEST(Envelope, TimesAreFixedWidthAndRoundTrip) {
    std::string text;
    append_time(text, 1'795'000'000'123'456'789);
    EXPECT_EQ(text.size(), 30u);
    EXPECT_EQ(text, format_rfc3339_nanos(1'795'000'000'123'456'789));
    int64_t parsed = 0;
    ASSERT_TRUE(parse_fixed_time(text, parsed));
    EXPECT_EQ(parsed, 1'795'000'000'123'456'789);
    EXPECT_FALSE(parse_fixed_time("2026-11-27T13:51:01Z", parsed));
    std::string earlier, later;
    append_time(earlier, k_start);
    append_time(later, k_start + k_day + 1);
    EXPECT_LT(earlier, later);
}

TEST(Envelope, UuidV7IsVersionedAndSortsByTime) {
    std::string first = make_uuid_v7(k_start);
    std::string second = make_uuid_v7(k_start + 1'000'000);
    EXPECT_EQ(first.size(), 36u);
    EXPECT_EQ(first[14], '7');
    EXPECT_TRUE(first[19] == '8' || first[19] == '9' || first[19] == 'a' || first[19] == 'b');
    EXPECT_LT(first, second);
    EXPECT_NE(make_uuid_v7(k_start), make_uuid_v7(k_start));
}

TEST(Envelope, ParserRejectsLinesMissingFields) {
    EventParser parser;
    EventView view;
    EXPECT_FALSE(parser.parse_copy(R"({"id":"a","seq":1})", view));
    EXPECT_FALSE(parser.parse_copy("", view));
    EXPECT_FALSE(parser.parse_copy(R"([1,2,3])", view));
    std::string line;
    NewEvent event = make_event("s", "T", R"({"x":[1,{"y":2}]})");
    EXPECT_FALSE(parser.parse_copy(
        R"({"id":"","seq":1,"stream":"s","version":1,"type":"T","time":"x","data":{},"meta":{}})", view));
    event.id = make_uuid_v7(k_start);
    append_envelope_line(line, event, 7, 2, k_start, 99);
    line.pop_back();
    ASSERT_TRUE(parser.parse_copy(line, view)) << parser.error();
    EXPECT_EQ(view.seq, 7u);
    EXPECT_EQ(view.version, 2u);
    EXPECT_EQ(view.data, R"({"x":[1,{"y":2}]})");
    EXPECT_EQ(view.schema_version, 1);
    EXPECT_FALSE(parser.parse_copy(line + " trailing", view));
    auto as_json = nlohmann::json::parse(line);
    EXPECT_EQ(as_json["meta"]["pid"], 99);
}

}  // namespace
}  // namespace sc::store
