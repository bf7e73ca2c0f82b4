// Normalisation of enum values with Scopecraft's table and rule.

#include "tasks/schema.hpp"

#include <gtest/gtest.h>

namespace sc::tasks {
namespace {

std::string normalised(EnumKind kind, std::string_view input) {
    auto result = normalise_enum(kind, input);
    return result.ok() ? result.value() : "error: " + result.error().message;
}

TEST(Schema, LoadsEveryKindFromTheEmbeddedTable) {
    const Schema& schema = Schema::builtin();
    EXPECT_EQ(schema.names(EnumKind::status),
              (std::vector<std::string> {"todo", "in_progress", "done", "blocked", "reviewing", "archived"}));
    EXPECT_EQ(schema.names(EnumKind::type).size(), 7u);
    EXPECT_EQ(schema.names(EnumKind::priority), (std::vector<std::string> {"highest", "high", "medium", "low"}));
    EXPECT_EQ(schema.names(EnumKind::phase), (std::vector<std::string> {"backlog", "active", "released"}));
    EXPECT_EQ(schema.names(EnumKind::workflow_state), (std::vector<std::string> {"current", "archive"}));
}

TEST(Schema, NormalisesExactNamesLabelsEmojisAndAliasesIgnoringCase) {
    EXPECT_EQ(normalised(EnumKind::status, "In Progress"), "in_progress");
    EXPECT_EQ(normalised(EnumKind::status, "TODO"), "todo");
    EXPECT_EQ(normalised(EnumKind::status, "wip"), "in_progress");
    EXPECT_EQ(normalised(EnumKind::status, "on-hold"), "blocked");
    EXPECT_EQ(normalised(EnumKind::status, "🔵"), "in_progress");
    EXPECT_EQ(normalised(EnumKind::type, "🐛"), "bug");
    EXPECT_EQ(normalised(EnumKind::type, "Documentation"), "documentation");
    EXPECT_EQ(normalised(EnumKind::type, "research"), "spike");
    EXPECT_EQ(normalised(EnumKind::type, "proposal"), "idea");
    EXPECT_EQ(normalised(EnumKind::priority, "🔥"), "highest");
    EXPECT_EQ(normalised(EnumKind::priority, "p2"), "high");
    EXPECT_EQ(normalised(EnumKind::priority, "nice-to-have"), "low");
    EXPECT_EQ(normalised(EnumKind::priority, "▶️"), "medium");
    EXPECT_EQ(normalised(EnumKind::phase, "🚀"), "active");
    EXPECT_EQ(normalised(EnumKind::phase, "Released"), "released");
    EXPECT_EQ(normalised(EnumKind::phase, "planning"), "backlog");
    EXPECT_EQ(normalised(EnumKind::phase, "wip"), "active");
    EXPECT_EQ(normalised(EnumKind::status, "  done  "), "done");
}

TEST(Schema, FallsBackToTheFirstSpellingContainingOrContainedInTheInput) {
    EXPECT_EQ(normalised(EnumKind::type, "fea"), "feature");
    EXPECT_EQ(normalised(EnumKind::type, "feat"), "feature");
    EXPECT_EQ(normalised(EnumKind::priority, "med"), "medium");
    EXPECT_EQ(normalised(EnumKind::status, "Done!"), "done");
    EXPECT_EQ(normalised(EnumKind::phase, "rel"), "released");
    EXPECT_EQ(normalised(EnumKind::status, "🟡 To Do"), "todo");
    EXPECT_EQ(normalised(EnumKind::priority, "🔼 High"), "high");
}

TEST(Schema, ClosedMeansArchivedBecauseTheLaterValueWins) {
    EXPECT_EQ(normalised(EnumKind::status, "closed"), "archived");
    EXPECT_EQ(normalised(EnumKind::status, "Closed"), "archived");
}

TEST(Schema, RejectsUnknownValuesNamingTheValidOnes) {
    EXPECT_EQ(
        normalised(EnumKind::status, "zzz"),
        "error: Invalid status \"zzz\". Valid options are: todo, in_progress, done, blocked, reviewing, archived");
    EXPECT_EQ(normalised(EnumKind::type, "bogus"),
              "error: Invalid task type \"bogus\". Valid options are: feature, bug, chore, documentation, test, spike, "
              "idea");
    EXPECT_EQ(normalised(EnumKind::priority, "bogus"),
              "error: Invalid priority \"bogus\". Valid options are: highest, high, medium, low");
    EXPECT_EQ(normalised(EnumKind::phase, "zzz"),
              "error: Invalid phase \"zzz\". Valid options are: backlog, active, released");
    auto result = normalise_enum(EnumKind::status, "");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
    EXPECT_FALSE(result.error().hint.empty());
    EXPECT_FALSE(normalise_enum(EnumKind::status, "   ").ok());
}

TEST(Schema, GivesLabelsAndEmojisForDisplay) {
    const Schema& schema = Schema::builtin();
    EXPECT_EQ(schema.label(EnumKind::status, "in_progress"), "In Progress");
    EXPECT_EQ(schema.emoji(EnumKind::status, "in_progress"), "🔵");
    EXPECT_EQ(schema.label(EnumKind::status, "made-up"), "made-up");
    EXPECT_EQ(schema.emoji(EnumKind::status, "made-up"), "");
    ASSERT_NE(schema.find(EnumKind::type, "bug"), nullptr);
    EXPECT_EQ(schema.find(EnumKind::type, "Bug"), nullptr);
}

TEST(Schema, NormalisesTheEnumFieldsOfAWholeFrontmatter) {
    nlohmann::ordered_json frontmatter = {{"type", "Feature"}, {"status", "🟡 To Do"}, {"priority", "High"},
                                          {"area", "ui"},      {"phase", "wip"},         {"estimate", 3},
                                          {"assignee", "Todo"}};
    ASSERT_TRUE(normalise_frontmatter(frontmatter).ok());
    EXPECT_EQ(frontmatter.dump(),
              R"({"type":"feature","status":"todo","priority":"high","area":"ui","phase":"active","estimate":3,)"
              R"("assignee":"Todo"})");
    nlohmann::ordered_json bad = {{"type", "bug"}, {"status", "zzz"}};
    auto status = normalise_frontmatter(bad);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().where.field, "status");
}

TEST(Schema, RejectsATableWithoutTheExpectedShape) {
    EXPECT_FALSE(Schema::from_json("not json").ok());
    EXPECT_FALSE(Schema::from_json(R"({"metadata":{"enums":{}}})").ok());
}

}  // namespace
}  // namespace sc::tasks
