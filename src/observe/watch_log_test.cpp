// The watch service's log and protocol: which tokens are answered exactly and which with
// "anything", and that an answer parses back to what the log holds (docs/layout.md, "The watch
// service").

#include "observe/watch_log.hpp"

#include <gtest/gtest.h>

#include "tasks/watch_client.hpp"

namespace sc::observe {
namespace {

TreeChanges files(std::set<std::string> keys) {
    TreeChanges changes;
    changes.anything = false;
    changes.files = std::move(keys);
    return changes;
}

TreeChanges anything() {
    return TreeChanges {};
}

std::optional<tasks::WatchAnswer> ask(const WatchLog& log, const std::string& token) {
    return tasks::parse_watch_answer(log.answer(token));
}

TEST(WatchLogTest, AnswersTheFilesChangedSinceATokenEachOnce) {
    WatchLog log(0x1234);
    std::string start = log.token();
    log.record(files({"store:current/a.task.md", "store:current/b.task.md"}));
    std::string middle = log.token();
    log.record(files({"store:current/a.task.md"}));
    log.record(files({"project_local:current/c.task.md"}));

    std::optional<tasks::WatchAnswer> all = ask(log, start);
    ASSERT_TRUE(all);
    EXPECT_FALSE(all->anything);
    EXPECT_EQ(all->files, (std::vector<std::string> {"project_local:current/c.task.md", "store:current/a.task.md",
                                                     "store:current/b.task.md"}));
    EXPECT_EQ(all->token, log.token());

    std::optional<tasks::WatchAnswer> later = ask(log, middle);
    ASSERT_TRUE(later);
    EXPECT_EQ(later->files, (std::vector<std::string> {"project_local:current/c.task.md", "store:current/a.task.md"}));

    std::optional<tasks::WatchAnswer> none = ask(log, log.token());
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->anything);
    EXPECT_TRUE(none->files.empty());
}

TEST(WatchLogTest, AnotherInstancesTokenOrGarbageIsAnsweredAnything) {
    WatchLog log(0x1234);
    WatchLog other(0x5678);
    log.record(files({"store:current/a.task.md"}));
    for (const std::string& token :
         {other.token(), std::string("-"), std::string(""), std::string("garbage"), std::string("0000000000001234-"),
          std::string("0000000000001234-x"), std::string("0000000000001234-99")}) {
        SCOPED_TRACE(token);
        std::optional<tasks::WatchAnswer> answer = ask(log, token);
        ASSERT_TRUE(answer);
        EXPECT_TRUE(answer->anything);
        EXPECT_EQ(answer->token, log.token());
    }
}

TEST(WatchLogTest, ATokenFromBeforeAnOverflowOrPastTheBoundIsAnsweredAnything) {
    WatchLog log(0x1234, 2);
    std::string before = log.token();
    log.record(files({"store:a.task.md"}));
    std::string one = log.token();
    log.record(files({"store:b.task.md"}));
    EXPECT_FALSE(ask(log, before)->anything) << "two changes fit";
    log.record(files({"store:c.task.md"}));
    EXPECT_TRUE(ask(log, before)->anything) << "the first change fell out of the log";
    EXPECT_FALSE(ask(log, one)->anything);

    std::string last = log.token();
    log.record(anything());  // an overflow, a folder created: the watch re-armed
    EXPECT_TRUE(ask(log, last)->anything);
    std::string after = log.token();
    log.record(files({"store:d.task.md"}));
    std::optional<tasks::WatchAnswer> exact = ask(log, after);
    EXPECT_FALSE(exact->anything);
    EXPECT_EQ(exact->files, std::vector<std::string> {"store:d.task.md"});
}

TEST(WatchLogTest, ANameWithANewlineIsAnsweredAnything) {
    WatchLog log(7);
    std::string start = log.token();
    log.record(files({"store:current/a\nb.task.md"}));
    EXPECT_TRUE(ask(log, start)->anything);
}

TEST(WatchProtocolTest, AnAnswerCutShortOrOfAnotherProtocolDoesNotParse) {
    EXPECT_FALSE(tasks::parse_watch_answer(""));
    EXPECT_FALSE(tasks::parse_watch_answer("sc-watch 2 anything x-1\n"));
    EXPECT_FALSE(tasks::parse_watch_answer("sc-watch 1 files 0000000000000001-1 2\nstore:a\n"));
    EXPECT_FALSE(tasks::parse_watch_answer("sc-watch 1 files 0000000000000001-1 1\nstore:a\nmore"));
    EXPECT_FALSE(tasks::parse_watch_answer("sc-watch 1 anything \n"));
    EXPECT_TRUE(tasks::parse_watch_answer("sc-watch 1 files 0000000000000001-1 0\n"));
    EXPECT_EQ(tasks::watch_request(0xab, ""), "sc-watch 1 00000000000000ab -\n");
}

TEST(WatchProtocolTest, ASocketPathTooLongForSunPathMovesToAPerUserRuntimeFolder) {
    EXPECT_EQ(tasks::watch_socket_path("/home/me/.scopecraft/projects/x"),
              "/home/me/.scopecraft/projects/x/watch.sock");
    std::string deep = "/home/me/.scopecraft/projects/" + std::string(90, 'p');
    std::string moved = tasks::watch_socket_path(deep, "/run/user/1000");
    EXPECT_TRUE(moved.starts_with("/run/user/1000/sc-")) << moved;
    EXPECT_LE(moved.size(), tasks::k_max_socket_path);
    EXPECT_EQ(moved, tasks::watch_socket_path(deep, "/run/user/1000")) << "the same path every time";
    EXPECT_NE(moved, tasks::watch_socket_path(deep + "q", "/run/user/1000"));
}

}  // namespace
}  // namespace sc::observe
