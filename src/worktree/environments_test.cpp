#include "worktree/environments.hpp"

#include <gtest/gtest.h>

namespace sc::worktree {
namespace {

TEST(Environments, PorcelainListingGivesEachWorktreeItsTaskBranchAndState) {
    std::string listed =
        "worktree /src/app\nHEAD 1111111111111111111111111111111111111111\nbranch refs/heads/main\n\n"
        "worktree /src/app-task-x-12A\nHEAD 2222222222222222222222222222222222222222\nbranch refs/heads/task/x-12A\n"
        "prunable gitdir file points to non-existent location\n\n"
        "worktree /src/other\nHEAD 3333333333333333333333333333333333333333\ndetached\n";
    std::vector<EnvironmentInfo> entries = parse_worktree_list(listed);
    ASSERT_EQ(entries.size(), 3U);
    EXPECT_TRUE(entries[0].main);
    EXPECT_EQ(entries[0].branch, "main");
    EXPECT_EQ(entries[0].env_id, "");
    EXPECT_FALSE(entries[1].main);
    EXPECT_EQ(entries[1].branch, "task/x-12A");
    EXPECT_EQ(entries[1].env_id, "x-12A");
    EXPECT_EQ(entries[1].head, "2222222222222222222222222222222222222222");
    EXPECT_TRUE(entries[1].missing);
    EXPECT_EQ(entries[2].branch, "");
    EXPECT_TRUE(entries[2].missing);  // /src/other does not exist here either
}

TEST(Environments, OpeningAFolderOutsideGitSaysSo) {
    Result<Environments> opened = Environments::open("/proc");
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::not_found);
    EXPECT_EQ(opened.error().message, "/proc is not in a git repository");
}

}  // namespace
}  // namespace sc::worktree
