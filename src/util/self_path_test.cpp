#include "util/self_path.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace sc {
namespace {

std::string make_temp_folder() {
    char pattern[] = "/tmp/sc-self-path-XXXXXX";
    return ::mkdtemp(pattern);
}

void make_executable(const std::string& path) {
    std::ofstream(path) << "#!/bin/sh\n";
    ::chmod(path.c_str(), 0755);
}

TEST(SelfPath, ProcSelfExeNamesThisTestProgram) {
    auto found = self_path::from_proc_self_exe();
#ifdef __linux__
    ASSERT_TRUE(found.has_value());
    EXPECT_NE(found->find("util_tests"), std::string::npos) << *found;
#endif
}

TEST(SelfPath, Argv0WithASlashIsTakenFromTheWorkingFolder) {
    std::string folder = make_temp_folder();
    ::mkdir((folder + "/bin").c_str(), 0755);
    make_executable(folder + "/bin/sc");
    EXPECT_EQ(self_path::from_argv0("bin/sc", "/nowhere", folder), folder + "/bin/sc");
    EXPECT_EQ(self_path::from_argv0(folder + "/bin/sc", "", "/"), folder + "/bin/sc");
    EXPECT_EQ(self_path::from_argv0("bin/missing", "", folder), std::nullopt);
}

TEST(SelfPath, BareArgv0IsSearchedInPathInOrder) {
    std::string folder = make_temp_folder();
    ::mkdir((folder + "/a").c_str(), 0755);
    ::mkdir((folder + "/b").c_str(), 0755);
    make_executable(folder + "/b/sc");
    EXPECT_EQ(self_path::from_argv0("sc", folder + "/a:" + folder + "/b", "/"), folder + "/b/sc");
    make_executable(folder + "/a/sc");
    EXPECT_EQ(self_path::from_argv0("sc", folder + "/a:" + folder + "/b", "/"), folder + "/a/sc");
    EXPECT_EQ(self_path::from_argv0("sc", "/nowhere", "/"), std::nullopt);
}

TEST(SelfPath, SiblingIsInTheSameFolder) {
    EXPECT_EQ(self_path::sibling("/usr/local/bin/sc", "sc-server"), "/usr/local/bin/sc-server");
    EXPECT_EQ(self_path::sibling("sc", "sc-server"), "sc-server");
}

}  // namespace
}  // namespace sc
