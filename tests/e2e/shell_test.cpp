// End-to-end: commands that need no project.
#include <gtest/gtest.h>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

TEST(Shell, VersionPrintsTheVersion) {
    Sandbox sandbox;
    RunResult result = sandbox.sc({"--version"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out.rfind("sc ", 0), 0U) << result.out;
}

TEST(Shell, UnknownCommandExitsWithUsageCodeAndAHint) {
    Sandbox sandbox;
    RunResult result = sandbox.sc({"frobnicate"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(result.out.empty());
    EXPECT_NE(result.err.find("sc: error: "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("sc: hint: run `sc --help`"), std::string::npos) << result.err;
}

TEST(Shell, CommandsAsJsonListsEveryCommandWithItsOptions) {
    Sandbox sandbox;
    RunResult result = sandbox.sc({"commands", "--format", "json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto commands = result.json();
    ASSERT_TRUE(commands.is_array());
    bool found_completion = false;
    for (const auto& command : commands)
        if (command["command"] == "completion")
            found_completion = true;
    EXPECT_TRUE(found_completion);
}

TEST(Shell, CommandsDocumentListsEveryCommand) {
    Sandbox sandbox;
    auto commands = sandbox.sc({"commands", "--format", "json"}).json();
    std::string documented = sandbox.read(std::string(SC_SOURCE_DIR) + "/docs/commands.md");
    for (const auto& command : commands) {
        std::string heading = "### `sc " + command["command"].get<std::string>();
        EXPECT_NE(documented.find(heading), std::string::npos) << "docs/commands.md lacks " << heading;
    }
}

TEST(Shell, BashCompletionScriptLoadsInBash) {
    Sandbox sandbox;
    RunResult script = sandbox.sc({"completion", "bash"});
    ASSERT_EQ(script.exit_code, 0);
    RunResult loaded = sandbox.run({"bash", "-c", "source /dev/stdin && complete -p sc"}, script.out);
    EXPECT_EQ(loaded.exit_code, 0) << loaded.err;
    EXPECT_NE(loaded.out.find("_sc"), std::string::npos);
}

}  // namespace
}  // namespace sc::e2e
