#include "observe/session_cache.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/store.hpp"

namespace sc::observe {
namespace {

using Json = nlohmann::ordered_json;

class SessionCacheTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/sc-session-cache-XXXXXX";
        m_root = ::mkdtemp(pattern);
    }
    void TearDown() override { std::filesystem::remove_all(m_root); }

    /// `count` sessions from number `first` on, each Queued, Started, ToolUsed and Completed,
    /// with labels, outcomes, durations (ties included), tokens and costs (some none) varied.
    void append_sessions(int first, int count) {
        auto store = store::Store::open(m_root);
        ASSERT_TRUE(store.ok()) << store.error().describe();
        const char* outcomes[] = {"success", "failure", "success", "crashed", "timed_out", "interrupted", "success"};
        const char* areas[] = {"auth", "", "ui"};
        std::vector<store::NewEvent> events;
        for (int i = first; i < first + count; ++i) {
            std::string id = "s-" + std::to_string(i);
            std::string task = "task-" + std::to_string(i % 7) + "-11A";
            std::string head = R"({"sessionId":")" + id + R"(","taskId":")" + task + R"(")";
            auto add = [&](const char* type, const std::string& data) {
                store::NewEvent event;
                event.stream = "session:" + id;
                event.type = type;
                event.data_json = data;
                events.push_back(std::move(event));
            };
            add("SessionQueued", head + R"(,"exec":"detached","taskType":"bug","area":")" + areas[i % 3] + R"("})");
            add("SessionStarted", head + R"(,"agentPid":1,"supervisorPid":2})");
            add("SessionToolUsed", head + R"(,"tool":"Bash","success":false})");
            std::string cost = i % 4 == 0 ? "null" : std::to_string(0.01 * (i % 9) + 0.000123);
            std::string tools = i % 5 == 0 ? "{}" : R"({"Bash":)" + std::to_string(i % 3 + 1) + R"(,"Ed=it":1})";
            add("SessionCompleted",
                head + R"(,"exec":")" + (i % 2 ? "detached" : "foreground") + R"(","taskType":"bug","area":")" +
                    areas[i % 3] + R"(","model":")" + (i % 3 ? "m-1" : "") + R"(","outcome":")" + outcomes[i % 7] +
                    R"(","durationMs":)" + std::to_string(1000 * (i % 11)) + R"(,"turns":3,"toolsUsed":)" +
                    std::to_string(i % 4) + R"(,"toolsFailed":)" + std::to_string(i % 2) + R"(,"tools":)" + tools +
                    R"(,"tokens":{"input":)" + std::to_string(100 + i) + R"(,"output":7,"cacheRead":)" +
                    std::to_string(i % 3) + R"(,"cacheCreation":1},"costUsd":)" + cost + "}");
        }
        ASSERT_TRUE(store->append(std::move(events)).ok());
        ASSERT_TRUE(store->flush().ok());
    }

    /// The figures computed from the events alone, as `events replay` would.
    Json from_events(const SessionFilter& filter) {
        Result<SessionProjection> replayed = replay_sessions(m_root, filter, true);
        EXPECT_TRUE(replayed.ok());
        return session_stats(*replayed);
    }
    Json from_journal(const SessionFilter& filter) {
        Result<Json> stats = ended_session_stats(m_root, filter);
        EXPECT_TRUE(stats.ok()) << stats.error().describe();
        return stats.ok() ? *stats : Json();
    }
    std::string journal_path() const { return m_root + "/projections/sessions.state"; }

    std::string m_root;
};

TEST_F(SessionCacheTest, TheJournalGivesTheFiguresOfAFullComputationFromTheEvents) {
    append_sessions(0, 300);
    SessionFilter all;
    Json expected = from_events(all);
    EXPECT_EQ(expected["completed"], 300);
    EXPECT_EQ(from_journal(all), expected);  // built from the events
    ASSERT_TRUE(std::filesystem::exists(journal_path()));
    EXPECT_EQ(from_journal(all), expected);  // read from the journal alone
    append_sessions(300, 40);
    Json more = from_events(all);
    EXPECT_EQ(more["completed"], 340);
    EXPECT_EQ(from_journal(all), more);  // the journal caught up with the log
    EXPECT_EQ(from_journal(all), more);
}

TEST_F(SessionCacheTest, FiltersByTaskAndTimeAsTheEventsDo) {
    append_sessions(0, 120);
    SessionFilter task;
    task.task_id = "task-3-11A";
    Json expected = from_events(task);
    EXPECT_EQ(expected["completed"], 17);
    EXPECT_EQ(from_journal(task), expected);
    SessionFilter window;
    window.since = 0;
    window.until = int64_t {4102444800} * 1'000'000'000;  // 2100
    EXPECT_EQ(from_journal(window), from_events(window));
    SessionFilter future;
    future.since = int64_t {4102444800} * 1'000'000'000;
    EXPECT_EQ(from_journal(future)["sessions"], 0);
}

TEST_F(SessionCacheTest, ASessionWrittenTwiceByTwoCatchingUpCommandsCountsOnce) {
    append_sessions(0, 50);
    SessionFilter all;
    Json expected = from_events(all);
    ASSERT_EQ(from_journal(all), expected);
    // Two commands that caught up at once each appended the same lines (and their `S`).
    std::ifstream in(journal_path());
    std::stringstream text;
    text << in.rdbuf();
    std::string body = text.str().substr(text.str().find('\n') + 1);
    std::ofstream(journal_path(), std::ios::app) << body;
    EXPECT_EQ(from_journal(all), expected);
    // A save cut short (no `S` after its lines) is not counted.
    std::ofstream(journal_path(), std::ios::app) << body.substr(0, body.find("\nS\t") + 1);
    EXPECT_EQ(from_journal(all), expected);
}

TEST_F(SessionCacheTest, AJournalOfAnotherLogIsRebuilt) {
    append_sessions(0, 30);
    SessionFilter all;
    ASSERT_EQ(from_journal(all)["completed"], 30);
    // The store replaced by a smaller one: the journal's seq is past the log's end.
    std::string journal;
    {
        std::ifstream in(journal_path());
        std::stringstream text;
        text << in.rdbuf();
        journal = text.str();
    }
    std::filesystem::remove_all(m_root);
    append_sessions(100, 5);
    std::filesystem::create_directories(m_root + "/projections");
    std::ofstream(journal_path()) << journal;
    EXPECT_EQ(from_journal(all), from_events(all));
    EXPECT_EQ(from_journal(all)["completed"], 5);
}

}  // namespace
}  // namespace sc::observe
