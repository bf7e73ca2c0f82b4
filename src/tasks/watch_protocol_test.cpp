// The watch service's exchange as bytes (docs/layout.md, "The watch service"): what the
// service's request parser and the client's answer parser take and refuse. Both read bytes from
// another process, so every refusal here is "no answer" (the service) or "check the whole tree"
// (the client), never an error.

#include "tasks/watch_protocol.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sc::tasks {
namespace {

using namespace std::string_literals;

TEST(WatchProtocolTest, ARequestParsesToItsRootsAndToken) {
    std::string request = watch_request(0xab, "00000000000000ab-7");
    EXPECT_EQ(request, "sc-watch 1 00000000000000ab 00000000000000ab-7\n");
    std::optional<WatchRequest> parsed = parse_watch_request(request);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->roots, "00000000000000ab");
    EXPECT_EQ(parsed->token, "00000000000000ab-7");
    EXPECT_EQ(parse_watch_request(watch_request(1, ""))->token, "-");
}

TEST(WatchProtocolTest, ARequestEndsAtItsFirstLineBreak) {
    std::optional<WatchRequest> parsed = parse_watch_request("sc-watch 1 r t\nsc-watch 1 other more\n");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->roots, "r");
    EXPECT_EQ(parsed->token, "t");
    // The token is the rest of the line, spaces and all: the log answers such a token "anything".
    EXPECT_EQ(parse_watch_request("sc-watch 1 r a b\n")->token, "a b");
    // Empty fields are the log's to answer "anything" (no such digest, no such token).
    EXPECT_EQ(parse_watch_request("sc-watch 1 r \n")->token, "");
    EXPECT_EQ(parse_watch_request("sc-watch 1  t\n")->roots, "");
}

TEST(WatchProtocolTest, AnEmptyCutOrForeignRequestDoesNotParse) {
    for (const std::string& bytes :
         {""s, "\n"s, "sc-watch 1 r t"s, "sc-watch 1\n"s, "sc-watch 1 \n"s, "sc-watch 1 r\n"s, "sc-watch 2 r t\n"s,
          "sc-watch 1r t\n"s, "SC-WATCH 1 r t\n"s, "xx sc-watch 1 r t\n"s, "sc-watch\0 1 r t\n"s}) {
        SCOPED_TRACE(bytes);
        EXPECT_FALSE(parse_watch_request(bytes));
    }
}

TEST(WatchProtocolTest, ATokenIsSixteenLowercaseHexDigitsADashAndASeq) {
    std::optional<WatchToken> token = parse_watch_token("00000000000012ab-42");
    ASSERT_TRUE(token);
    EXPECT_EQ(token->instance, 0x12abU);
    EXPECT_EQ(token->seq, 42U);
    EXPECT_EQ(parse_watch_token("ffffffffffffffff-18446744073709551615")->seq, UINT64_MAX);
    EXPECT_EQ(parse_watch_token("ffffffffffffffff-0")->instance, UINT64_MAX);
}

TEST(WatchProtocolTest, ATokenOfAnotherFormIsRefused) {
    for (const std::string& token :
         {""s, "-"s, "garbage"s, "00000000000012ab"s, "00000000000012ab-"s, "00000000000012AB-1"s, "0000000000012ab-1"s,
          "000000000000012ab-1"s, "00000000000012ab-x"s, "00000000000012ab-1x"s, "00000000000012ab--1"s,
          "00000000000012ab-+1"s, "00000000000012ab- 1"s, "00000000000012ab-1\n"s,
          "00000000000012ab-18446744073709551616"s, "00000000000012ab-99999999999999999999999999"s,
          "000000000000\0\0ab-1"s, "00000000000012ab-1\0"s}) {
        SCOPED_TRACE(token);
        EXPECT_FALSE(parse_watch_token(token));
    }
}

TEST(WatchProtocolTest, AnAnswerParsesToItsTokenAndFiles) {
    std::optional<WatchAnswer> anything = parse_watch_answer("sc-watch 1 anything 00000000000012ab-3\n");
    ASSERT_TRUE(anything);
    EXPECT_TRUE(anything->anything);
    EXPECT_EQ(anything->token, "00000000000012ab-3");
    std::optional<WatchAnswer> files = parse_watch_answer(
        "sc-watch 1 files 00000000000012ab-4 2\nproject_local:current/a.task.md\nstore:archive/2026-11/b.task.md\n");
    ASSERT_TRUE(files);
    EXPECT_FALSE(files->anything);
    EXPECT_EQ(files->token, "00000000000012ab-4");
    EXPECT_EQ(files->files,
              (std::vector<std::string> {"project_local:current/a.task.md", "store:archive/2026-11/b.task.md"}));
}

TEST(WatchProtocolTest, AnEmptyCutOrOverlongAnswerDoesNotParse) {
    for (const std::string& text :
         {""s, "sc-watch 1"s, "sc-watch 1 anything 00000000000012ab-3"s, "sc-watch 1 files 00000000000012ab-3 1\n"s,
          "sc-watch 1 files 00000000000012ab-3 1\nstore:a.task.md"s,
          "sc-watch 1 files 00000000000012ab-3 1\nstore:a.task.md\nstore:b.task.md\n"s,
          "sc-watch 1 anything 00000000000012ab-3\nstore:a.task.md\n"s, "sc-watch 1 files 00000000000012ab-3\n"s,
          "sc-watch 1 files 00000000000012ab-3 x\n"s, "sc-watch 1 files 00000000000012ab-3 -1\n"s,
          "sc-watch 1 some 00000000000012ab-3\n"s}) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(parse_watch_answer(text));
    }
}

TEST(WatchProtocolTest, AHugeFileCountWithFewLinesDoesNotParseNorAllocateForTheCount) {
    EXPECT_FALSE(parse_watch_answer("sc-watch 1 files 00000000000012ab-3 18446744073709551615\nstore:a.task.md\n"));
    EXPECT_FALSE(parse_watch_answer("sc-watch 1 files 00000000000012ab-3 99999999999999999999999\n"));
}

TEST(WatchProtocolTest, AModelKeySplitsIntoItsTreeAndPath) {
    auto store = split_model_key("store:current/a.task.md");
    ASSERT_TRUE(store);
    EXPECT_EQ(store->first, TreeKind::store);
    EXPECT_EQ(store->second, "current/a.task.md");
    auto local = split_model_key("project_local:current/p/_overview.md");
    ASSERT_TRUE(local);
    EXPECT_EQ(local->first, TreeKind::project_local);
    EXPECT_EQ(local->second, "current/p/_overview.md");
    EXPECT_FALSE(split_model_key("other:current/a.task.md"));
    EXPECT_FALSE(split_model_key("store"));
    EXPECT_FALSE(split_model_key("store:"));
}

// Found by watch_protocol_fuzz in its first minute (a key of no tree: "stouser-auth-11A/..."):
// such a key was taken, and the outside-edit check (tree_state's split_key) reads a key of no
// known tree as the store's; "store:../x" made it read root + "/../x" and record it as a task file.
TEST(WatchProtocolTest, AnAnswerNamingAFileOutsideTheTreesDoesNotParse) {
    for (const std::string& key :
         {"store:../x.task.md"s, "store:current/../../x.task.md"s, "store:/etc/passwd"s, "store:current//a.task.md"s,
          "store:./a.task.md"s, "store:current/."s, "store:.."s, "store:current/a\0b.task.md"s, "other:a.task.md"s,
          "store:"s, "a.task.md"s, "project_local:../../.ssh/id_ed25519"s}) {
        SCOPED_TRACE(key);
        EXPECT_FALSE(split_model_key(key));
        EXPECT_FALSE(
            parse_watch_answer("sc-watch 1 files 00000000000012ab-3 2\nstore:current/a.task.md\n" + key + "\n"));
    }
}

TEST(WatchProtocolTest, AnAnswerWhoseTokenIsNotOneDoesNotParse) {
    EXPECT_FALSE(parse_watch_answer("sc-watch 1 anything x-1\n"));
    EXPECT_FALSE(parse_watch_answer("sc-watch 1 files garbage 0\n"));
    EXPECT_FALSE(parse_watch_answer("sc-watch 1 files 00000000000012ab-1\r 0\n"));
    EXPECT_FALSE(parse_watch_answer("sc-watch 1 anything 00000000000012ab-99999999999999999999999\n"));
}

}  // namespace
}  // namespace sc::tasks
