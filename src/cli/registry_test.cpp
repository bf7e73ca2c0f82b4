#include "cli/registry.hpp"

#include <gtest/gtest.h>

namespace sc::cli {
namespace {

TEST(Registry, ACommandLineGetsItsGroupsCommandsAndEveryGroupsName) {
    Registry named = registry_named("task");
    ASSERT_NE(named.find("task", "create"), nullptr);
    EXPECT_EQ(named.find("parent", "create"), nullptr);
    EXPECT_EQ(named.find("", "init"), nullptr);
    EXPECT_EQ(named.groups().size(), registry().groups().size());
    size_t task_commands = 0;
    for (const CommandSpec& command : registry().commands())
        task_commands += command.group == "task" ? 1 : 0;
    EXPECT_EQ(named.commands().size(), task_commands);
}

TEST(Registry, ATopLevelCommandGetsItselfOnly) {
    Registry named = registry_named("logs");
    ASSERT_EQ(named.commands().size(), 1u);
    EXPECT_EQ(named.commands().front().name, "logs");
}

TEST(Registry, AWordThatNamesNothingGetsNoCommandAndTheEmptyWordGetsThemAll) {
    EXPECT_TRUE(registry_named("tsak").commands().empty());
    EXPECT_EQ(registry_named("").commands().size(), registry().commands().size());
}

}  // namespace
}  // namespace sc::cli
