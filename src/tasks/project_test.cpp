#include "tasks/project.hpp"

#include <gtest/gtest.h>

#include "tasks/tree_test_support.hpp"

namespace sc::tasks {
namespace {

using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;

TEST(EncodeProjectPath, FollowsScopecraftsRule) {
    EXPECT_EQ(encode_project_path("/home/alice/My App"), "home-alice-my_app");
    EXPECT_EQ(encode_project_path("/home/user/project"), "home-user-project");
    EXPECT_EQ(encode_project_path("//srv//x.y/"), "srv-x_y");
    // One `_` per UTF-16 code unit, as JavaScript's replace counts: two for an emoji.
    EXPECT_EQ(encode_project_path("/a/Ünï"), "a-_n_");
    EXPECT_EQ(encode_project_path("/a/x🎉"), "a-x__");
}

TEST(EncodeProjectPath, DifferentPathsCanCollideAsInScopecraft) {
    EXPECT_EQ(encode_project_path("/a/b-c"), encode_project_path("/a-b/c"));
}

TEST(NormalisePath, ResolvesDotsWithoutTouchingTheDisk) {
    EXPECT_EQ(normalise_path("/a/./b/../c//"), "/a/c");
    EXPECT_EQ(normalise_path("/../x"), "/x");
    EXPECT_EQ(normalise_path("/"), "/");
}

class ProjectTest : public ::testing::Test {
protected:
    TempDir m_temp;
    MapEnvironment m_environment {{{"HOME", "/home/tester"}}};
};

TEST_F(ProjectTest, CurrentDirectoryOutsideGitIsTheProject) {
    fs::create_directories(m_temp.path() + "/plain/sub");
    ProjectOptions options;
    options.current_directory = m_temp.path() + "/plain/sub";
    Result<ProjectPaths> paths = resolve_project(m_environment, options);
    ASSERT_TRUE(paths.ok()) << paths.error().describe();
    EXPECT_EQ(paths->project_root, m_temp.path() + "/plain/sub");
    EXPECT_EQ(paths->root_source, RootSource::current_directory);
    EXPECT_EQ(paths->main_root, paths->project_root);
    EXPECT_EQ(paths->tasks_dir,
              "/home/tester/.scopecraft/projects/" + encode_project_path(paths->project_root) + "/tasks");
    EXPECT_EQ(paths->config_dir, "/home/tester/.scopecraft/projects/" + paths->encoded + "/config");
    EXPECT_EQ(paths->local_tasks_dir, paths->project_root + "/.tasks");
}

TEST_F(ProjectTest, EnclosingGitRepositoryIsTheProject) {
    fs::create_directories(m_temp.path() + "/repo/.git");
    fs::create_directories(m_temp.path() + "/repo/src/deep");
    ProjectOptions options;
    options.current_directory = m_temp.path() + "/repo/src/deep";
    Result<ProjectPaths> paths = resolve_project(m_environment, options);
    ASSERT_TRUE(paths.ok());
    EXPECT_EQ(paths->project_root, m_temp.path() + "/repo");
    EXPECT_EQ(paths->root_source, RootSource::git_repository);
    EXPECT_EQ(paths->main_root, m_temp.path() + "/repo");
}

TEST_F(ProjectTest, WorktreeSharesTheMainRepositorysStore) {
    // A linked worktree: `.git` is a file naming its gitdir, whose `commondir` leads back.
    fs::create_directories(m_temp.path() + "/main/.git/worktrees/feature");
    write_file(m_temp.path() + "/main/.git/worktrees/feature/commondir", "../..\n");
    fs::create_directories(m_temp.path() + "/feature-tree/src");
    write_file(m_temp.path() + "/feature-tree/.git", "gitdir: " + m_temp.path() + "/main/.git/worktrees/feature\n");
    ProjectOptions in_worktree;
    in_worktree.current_directory = m_temp.path() + "/feature-tree/src";
    ProjectOptions in_main;
    in_main.current_directory = m_temp.path() + "/main";
    Result<ProjectPaths> worktree = resolve_project(m_environment, in_worktree);
    Result<ProjectPaths> main = resolve_project(m_environment, in_main);
    ASSERT_TRUE(worktree.ok() && main.ok());
    EXPECT_EQ(worktree->project_root, m_temp.path() + "/feature-tree");
    EXPECT_EQ(worktree->main_root, m_temp.path() + "/main");
    EXPECT_EQ(worktree->tasks_dir, main->tasks_dir);
}

TEST_F(ProjectTest, RelativeGitdirIsResolvedAgainstTheWorktreeNotTheProcess) {
    fs::create_directories(m_temp.path() + "/main/.git/worktrees/w");
    write_file(m_temp.path() + "/main/.git/worktrees/w/commondir", "../..");
    fs::create_directories(m_temp.path() + "/w");
    write_file(m_temp.path() + "/w/.git", "gitdir: ../main/.git/worktrees/w");
    ProjectOptions options;
    options.root_dir = m_temp.path() + "/w";
    options.current_directory = "/";  // somewhere else entirely: 2.1.6's bug would bite here
    Result<ProjectPaths> paths = resolve_project(m_environment, options);
    ASSERT_TRUE(paths.ok());
    EXPECT_EQ(paths->main_root, m_temp.path() + "/main");
}

TEST_F(ProjectTest, SubmoduleIsItsOwnProject) {
    fs::create_directories(m_temp.path() + "/super/.git/modules/lib");
    fs::create_directories(m_temp.path() + "/super/lib");
    write_file(m_temp.path() + "/super/lib/.git", "gitdir: ../.git/modules/lib\n");
    ProjectOptions options;
    options.current_directory = m_temp.path() + "/super/lib";
    Result<ProjectPaths> paths = resolve_project(m_environment, options);
    ASSERT_TRUE(paths.ok());
    EXPECT_EQ(paths->main_root, m_temp.path() + "/super/lib");
}

TEST_F(ProjectTest, RootDirOptionWinsOverEnvironmentAndGit) {
    fs::create_directories(m_temp.path() + "/repo/.git");
    fs::create_directories(m_temp.path() + "/other");
    m_environment.set("SCOPECRAFT_ROOT", m_temp.path() + "/other");
    ProjectOptions options;
    options.current_directory = m_temp.path() + "/repo";
    options.root_dir = "../other";
    Result<ProjectPaths> paths = resolve_project(m_environment, options);
    ASSERT_TRUE(paths.ok());
    EXPECT_EQ(paths->project_root, m_temp.path() + "/other");
    EXPECT_EQ(paths->root_source, RootSource::option);
}

TEST_F(ProjectTest, ScopecraftRootEnvironmentWinsOverGit) {
    fs::create_directories(m_temp.path() + "/repo/.git");
    fs::create_directories(m_temp.path() + "/repo/elsewhere");
    fs::create_directories(m_temp.path() + "/env-root");
    m_environment.set("SCOPECRAFT_ROOT", m_temp.path() + "/env-root");
    ProjectOptions options;
    options.current_directory = m_temp.path() + "/repo/elsewhere";
    Result<ProjectPaths> paths = resolve_project(m_environment, options);
    ASSERT_TRUE(paths.ok());
    EXPECT_EQ(paths->project_root, m_temp.path() + "/env-root");
    EXPECT_EQ(paths->root_source, RootSource::environment);
}

TEST_F(ProjectTest, MissingRootDirIsAClearError) {
    ProjectOptions options;
    options.current_directory = m_temp.path();
    options.root_dir = m_temp.path() + "/does-not-exist";
    Result<ProjectPaths> paths = resolve_project(m_environment, options);
    ASSERT_FALSE(paths.ok());
    EXPECT_EQ(paths.error().code, ErrorCode::not_found);
    EXPECT_NE(paths.error().hint.find("--root-dir"), std::string::npos);
}

TEST_F(ProjectTest, AProjectAtTheFileSystemRootIsRefusedForItsEmptyStoreName) {
    if (find_git_roots("/"))
        GTEST_SKIP() << "/ is inside a git repository here";
    ProjectOptions options;
    options.current_directory = "/";
    Result<ProjectPaths> paths = resolve_project(m_environment, options);
    ASSERT_FALSE(paths.ok());
    EXPECT_EQ(paths.error().code, ErrorCode::invalid_argument);
    std::string home = m_environment.get("HOME").value();
    EXPECT_EQ(paths.error().message, "the project root is /, the file system root: its task store would be " + home +
                                         "/.scopecraft/projects itself, among the other projects' stores");
    EXPECT_EQ(paths.error().hint, "run sc inside a project folder, or name one with --root-dir or SCOPECRAFT_ROOT");
    options.root_dir = "/";
    options.current_directory = m_temp.path();
    EXPECT_FALSE(resolve_project(m_environment, options).ok());
}

TEST_F(ProjectTest, MissingHomeIsAClearError) {
    MapEnvironment empty;
    ProjectOptions options;
    options.current_directory = m_temp.path();
    Result<ProjectPaths> paths = resolve_project(empty, options);
    ASSERT_FALSE(paths.ok());
    EXPECT_NE(paths.error().message.find("HOME"), std::string::npos);
}

}  // namespace
}  // namespace sc::tasks
