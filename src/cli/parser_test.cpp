#include <gtest/gtest.h>

#include "cli/parser.hpp"

namespace sc::cli {
namespace {

Registry sample_registry() {
    Registry registry;
    registry.add_group({"task", "Manage tasks"});
    registry.add({.group = "task",
                  .name = "create",
                  .summary = "Create a task",
                  .description = "",
                  .arguments = {},
                  .options = {{"title", OptionKind::value, "Title", "TEXT", {}, {}},
                              {"tags", OptionKind::values, "Tags", "TAG", {}, {}},
                              {"area", OptionKind::value, "Area", "AREA", {}, {"subdirectory"}},
                              {"force", OptionKind::flag, "Force", "", {}, {}}},
                  .examples = {},
                  .mutates = true,
                  .handler = {}});
    registry.add({.group = "task",
                  .name = "get",
                  .summary = "Show a task",
                  .description = "",
                  .arguments = {{"id", "Task id", true}},
                  .options = {},
                  .examples = {},
                  .mutates = false,
                  .handler = {}});
    return registry;
}

Result<ParsedCommandLine> parse(const std::vector<std::string>& words) {
    static const Registry registry = sample_registry();
    std::vector<std::string> argv {"sc"};
    argv.insert(argv.end(), words.begin(), words.end());
    return parse_command_line(registry, argv);
}

TEST(Parser, ReadsOptionsFlagsAndAliases) {
    auto parsed = parse({"task", "create", "--title", "Fix it", "--subdirectory", "ui", "--force"});
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    ASSERT_NE(parsed->command, nullptr);
    EXPECT_EQ(parsed->command->full_name(), "task create");
    EXPECT_EQ(parsed->invocation.get("title"), "Fix it");
    EXPECT_EQ(parsed->invocation.get("area"), "ui");
    EXPECT_TRUE(parsed->invocation.has("force"));
}

TEST(Parser, TakesSeveralValuesAfterOneOptionAsScopecraftDoes) {
    auto parsed = parse({"task", "create", "--tags", "a", "b", "c d", "--title", "T"});
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->invocation.get_all("tags"), (std::vector<std::string> {"a", "b", "c d"}));
}

TEST(Parser, TakesAFlowListValueItemByItemTrimmed) {
    auto parsed = parse({"task", "create", "--tags", "[flow, two ,, three ]", "plain", "--title", "[a, b]"});
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->invocation.get_all("tags"), (std::vector<std::string> {"flow", "two", "three", "plain"}));
    EXPECT_EQ(parsed->invocation.get("title"), "[a, b]");  // one value: taken as written
    auto joined = parse({"task", "create", "--tags=[x , y]"});
    ASSERT_TRUE(joined.ok()) << joined.error().describe();
    EXPECT_EQ(joined->invocation.get_all("tags"), (std::vector<std::string> {"x", "y"}));
}

TEST(Parser, KeepsTheBlanksOfATagGivenAlone) {
    auto parsed = parse({"task", "create", "--tags", " lead", "trail "});
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->invocation.get_all("tags"), (std::vector<std::string> {" lead", "trail "}));
}

TEST(Parser, GlobalOptionsWorkAfterTheCommand) {
    auto parsed = parse({"task", "get", "x-11A", "--format", "json", "--root-dir", "/p"});
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->invocation.argument(0), "x-11A");
    EXPECT_EQ(parsed->globals.format, OutputFormat::json);
    EXPECT_EQ(parsed->globals.root_dir, "/p");
}

TEST(Parser, UnknownOptionIsAUsageErrorNamingIt) {
    auto parsed = parse({"task", "create", "--bogus", "1"});
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(parsed.error().message.find("--bogus"), std::string::npos) << parsed.error().message;
}

TEST(Parser, MissingRequiredArgumentIsAUsageError) {
    auto parsed = parse({"task", "get"});
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.error().message.find("id"), std::string::npos) << parsed.error().message;
}

TEST(Parser, HelpOfACommandListsItsOptions) {
    auto parsed = parse({"task", "create", "--help"});
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->command, nullptr);
    EXPECT_NE(parsed->help_text.find("--title"), std::string::npos) << parsed->help_text;
}

TEST(Parser, AGroupAloneShowsItsCommands) {
    auto parsed = parse({"task"});
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->command, nullptr);
    EXPECT_NE(parsed->help_text.find("create"), std::string::npos) << parsed->help_text;
}

// Only the command named is built when it is known; listings and unknown names still see all.
TEST(Parser, HelpOfAGroupOrOfScListsEveryCommand) {
    auto group = parse({"task", "--help"});
    ASSERT_TRUE(group.ok());
    EXPECT_NE(group->help_text.find("create"), std::string::npos) << group->help_text;
    EXPECT_NE(group->help_text.find("get"), std::string::npos) << group->help_text;
    auto top = parse({"--help"});
    ASSERT_TRUE(top.ok());
    EXPECT_NE(top->help_text.find("task"), std::string::npos) << top->help_text;
}

TEST(Parser, AnUnknownCommandIsAUsageErrorNamingIt) {
    auto in_group = parse({"task", "craete", "--title", "x"});
    ASSERT_FALSE(in_group.ok());
    EXPECT_NE(in_group.error().message.find("craete"), std::string::npos) << in_group.error().message;
    EXPECT_NE(in_group.error().hint.find("sc task --help"), std::string::npos) << in_group.error().hint;
    auto at_top = parse({"tsak", "list"});
    ASSERT_FALSE(at_top.ok());
    EXPECT_NE(at_top.error().message.find("tsak"), std::string::npos) << at_top.error().message;
}

TEST(Parser, UnexpectedWordsAreNamedInTheOrderTheyWereTyped) {
    auto at_top = parse({"tsak", "list"});
    ASSERT_FALSE(at_top.ok());
    EXPECT_EQ(at_top.error().message, "The following arguments were not expected: tsak list");
    auto after_command = parse({"task", "get", "some-11A", "one", "two"});
    ASSERT_FALSE(after_command.ok());
    EXPECT_EQ(after_command.error().message, "The following arguments were not expected: one two");
    auto single = parse({"task", "get", "some-11A", "one"});
    ASSERT_FALSE(single.ok());
    EXPECT_EQ(single.error().message, "The following argument was not expected: one");
}

TEST(Parser, AKnownCommandParsesWithItsSiblingsLeftOut) {
    auto parsed = parse({"task", "get", "some-11A"});
    ASSERT_TRUE(parsed.ok());
    ASSERT_NE(parsed->command, nullptr);
    EXPECT_EQ(parsed->command->name, "get");
    // An option of a sibling command is not one of this command's.
    EXPECT_FALSE(parse({"task", "get", "some-11A", "--title", "x"}).ok());
}

TEST(Parser, BadFormatIsRejectedWithTheChoices) {
    auto parsed = parse({"task", "get", "x", "--format", "yaml"});
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.error().hint.find("json"), std::string::npos);
}

}  // namespace
}  // namespace sc::cli
