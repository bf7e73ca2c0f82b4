#include "util/process.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace sc {
namespace {

TEST(Process, RunCapturesOutputAndTheExitCode) {
    process::SpawnOptions options;
    options.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"};
    Result<process::Captured> ran = process::run(options);
    ASSERT_TRUE(ran.ok()) << ran.error().describe();
    EXPECT_EQ(ran->out, "out\n");
    EXPECT_EQ(ran->err, "err\n");
    EXPECT_FALSE(ran->exit.signaled);
    EXPECT_EQ(ran->exit.code, 3);
}

TEST(Process, TheChildGetsTheEnvironmentChangesAndTheFolder) {
    process::SpawnOptions options;
    options.argv = {"sh", "-c", "printf '%s|%s|%s' \"$SC_PROCESS_TEST\" \"${HOME-unset}\" \"$(pwd)\""};
    options.env = {{"SC_PROCESS_TEST", "given"}, {"HOME", std::nullopt}};
    options.cwd = "/";
    Result<process::Captured> ran = process::run(options);
    ASSERT_TRUE(ran.ok());
    EXPECT_EQ(ran->out, "given|unset|/");
}

TEST(Process, AMissingProgramOrFolderIsNotFoundWithItsName) {
    process::SpawnOptions options;
    options.argv = {"sc-no-such-program-here"};
    Result<process::Child> spawned = process::spawn(options);
    ASSERT_FALSE(spawned.ok());
    EXPECT_EQ(spawned.error().code, ErrorCode::not_found);
    EXPECT_EQ(spawned.error().message, "cannot run sc-no-such-program-here: no such program");
    options.argv = {"true"};
    options.cwd = "/no/such/folder";
    spawned = process::spawn(options);
    ASSERT_FALSE(spawned.ok());
    EXPECT_EQ(spawned.error().message, "cannot run true in /no/such/folder: the folder does not exist");
}

TEST(Process, WaitTimesOutAndASignalIsReportedAsSuch) {
    process::SpawnOptions options;
    options.argv = {"sleep", "10"};
    options.new_process_group = true;
    Result<process::Child> child = process::spawn(options);
    ASSERT_TRUE(child.ok());
    Result<std::optional<process::Exit>> waited = process::wait(child->pid, 50);
    ASSERT_TRUE(waited.ok());
    EXPECT_FALSE(waited->has_value());
    ::kill(-child->pid, SIGTERM);
    waited = process::wait(child->pid);
    ASSERT_TRUE(waited.ok() && waited->has_value());
    EXPECT_TRUE((*waited)->signaled);
    EXPECT_EQ((*waited)->signal, SIGTERM);
    EXPECT_EQ((*waited)->shell_code(), 143);
    EXPECT_FALSE(process::alive(child->pid));
}

TEST(Process, AFloodIsCutAtTheLimitAndTheChildStillEnds) {
    process::SpawnOptions options;
    options.argv = {"sh", "-c", "head -c 1000000 /dev/zero"};
    Result<process::Captured> ran = process::run(options, {}, 1000);
    ASSERT_TRUE(ran.ok());
    EXPECT_EQ(ran->out.size(), 1000U);
    EXPECT_EQ(ran->exit.code, 0);
}

TEST(Process, SplitCommandGroupsQuotedWords) {
    Result<std::vector<std::string>> words = process::split_command("claude --model 'a b' \"c \\\"d\\\"\" e\\ f");
    ASSERT_TRUE(words.ok());
    EXPECT_EQ(words.value(), (std::vector<std::string> {"claude", "--model", "a b", "c \"d\"", "e f"}));
    Result<std::vector<std::string>> open = process::split_command("claude 'oops");
    ASSERT_FALSE(open.ok());
    EXPECT_EQ(open.error().message, "the command line has an unterminated ' quote: claude 'oops");
    EXPECT_EQ(process::shell_quote("it's"), "'it'\\''s'");
}

}  // namespace
}  // namespace sc
