// Hostile frontmatter: aliases that expand without end, nesting without end, an alias inside
// its own anchor. Each is refused with a message saying which limit, quickly and in little memory.

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "tasks/document.hpp"
#include "tasks/yaml_full.hpp"
#include "tasks/yaml_read.hpp"

namespace sc::tasks::yaml {
namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

// "Billion laughs": each level lists the previous one ten times, so `levels` levels expand to
// 10^levels strings from a few hundred bytes.
std::string billion_laughs(int levels) {
    std::string block = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int level = 1; level < levels; ++level) {
        const std::string name(1, static_cast<char>('a' + level));
        const std::string previous(1, static_cast<char>('a' + level - 1));
        block += name + ": &" + name + " [";
        for (int i = 0; i < 10; ++i)
            block += (i == 0 ? "*" : ", *") + previous;
        block += "]\n";
    }
    return block;
}

// Loose on purpose: a sanitizer build on a busy machine is many times slower than a release
// build (these take milliseconds there), while the unbounded reading took minutes.
constexpr double k_loose_bound_seconds = 10.0;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(YamlLimits, ABillionLaughsBlockIsRefusedNamingTheLimitAndTheAliases) {
    const Clock::time_point start = Clock::now();
    auto read = read_frontmatter(billion_laughs(9), "bomb.task.md", 4);
    ASSERT_FALSE(read.ok());
    EXPECT_LT(seconds_since(start), k_loose_bound_seconds);
    EXPECT_EQ(read.error().code, ErrorCode::parse);
    EXPECT_EQ(read.error().message,
              "frontmatter expands to more than 100000 values through its 80 aliases (sc reads at most 100000 "
              "values after expanding aliases)");
    EXPECT_EQ(read.error().where.file, "bomb.task.md");
    EXPECT_EQ(read.error().where.line, 4 + 4);  // the line of `e:`, where the count passes the limit
    EXPECT_EQ(read.error().hint, "write the values out instead of repeating them with &anchors and *aliases");
}

TEST(YamlLimits, AliasesWithinTheLimitAreCopiedAsJsYamlCopiesThem) {
    auto read = read_frontmatter(billion_laughs(3), "ok.task.md", 1);
    ASSERT_TRUE(read.ok()) << read.error().describe();
    ASSERT_EQ(read->values["c"].size(), 10U);
    ASSERT_EQ(read->values["c"][9].size(), 10U);
    EXPECT_EQ(read->values["c"][9][9],
              Json::array({"lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"}));
    auto scalar = read_frontmatter("type: &t bug\nkind: *t\n", "ok.task.md", 1);
    ASSERT_TRUE(scalar.ok()) << scalar.error().describe();
    EXPECT_EQ(scalar->values["kind"], "bug");
}

TEST(YamlLimits, TheLimitCountsExpandedValuesNotLines) {
    ReadLimits limits;
    // The mapping, its two keys, a's list and its 10 numbers, b's list and 4 copies of a's 11:
    // 59 values.
    const std::string block = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a]\n";
    limits.max_values = 58;
    auto refused = read_full(block, "f", 1, limits);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message,
              "frontmatter expands to more than 58 values through its 4 aliases (sc reads at most 58 values after "
              "expanding aliases)");
    limits.max_values = 59;
    EXPECT_TRUE(read_full(block, "f", 1, limits).ok());
}

std::string deep_maps(int levels) {
    std::string block = "deep: ";
    for (int level = 0; level < levels; ++level)
        block += "{a: ";
    return block + "1" + std::string(static_cast<size_t>(levels), '}') + "\n";
}

TEST(YamlLimits, AListTooLongIsRefusedByCountEvenWithoutAliases) {
    // 8 MiB of "- a" lines would be two million strings; the fast reader leaves a block this
    // long to the full one, which stops counting at the limit.
    std::string block = "tags:\n";
    for (int i = 0; i < 150'000; ++i)
        block += "  - a\n";
    const Clock::time_point start = Clock::now();
    auto read = read_frontmatter(block, "long.task.md", 4);
    ASSERT_FALSE(read.ok());
    EXPECT_LT(seconds_since(start), k_loose_bound_seconds);
    EXPECT_EQ(read.error().message, "frontmatter holds more than 100000 values (sc reads at most 100000)");
    // With the mapping, its key and the list, item 99,998 is the 100,001st value.
    EXPECT_EQ(read.error().where.line, 4 + 99'998);
    EXPECT_EQ(read.error().hint, "keep long lists out of the frontmatter, e.g. in a section");
    std::string flow = "tags: [a";
    for (int i = 0; i < 150'000; ++i)
        flow += ",a";
    EXPECT_EQ(read_frontmatter(flow + "]\n", "long.task.md", 4).error().message,
              "frontmatter holds more than 100000 values (sc reads at most 100000)");
}

TEST(YamlLimits, TenThousandLevelsAreRefusedAsNestedTooDeep) {
    const int levels = 10'000;
    for (const std::string& block :
         {"deep: " + std::string(levels, '[') + std::string(levels, ']') + "\n", deep_maps(levels)}) {
        const Clock::time_point start = Clock::now();
        auto read = read_frontmatter(block, "deep.task.md", 3);
        ASSERT_FALSE(read.ok());
        EXPECT_LT(seconds_since(start), k_loose_bound_seconds);
        EXPECT_EQ(read.error().message, "frontmatter is nested deeper than 100 levels");
        EXPECT_EQ(read.error().where.to_string(), "deep.task.md:3");
        EXPECT_EQ(read.error().hint, "task fields are one or two levels deep: flatten the frontmatter");
    }
}

TEST(YamlLimits, BlockNestingIsRefusedAtTheFirstLevelPastTheLimit) {
    std::string block;
    for (int level = 0; level < 150; ++level)
        block += std::string(static_cast<size_t>(level), ' ') + "k:\n";
    auto read = read_frontmatter(block, "deep.task.md", 1);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().message, "frontmatter is nested deeper than 100 levels");
    EXPECT_EQ(read.error().where.line, 101);  // the 100th key opens the 101st mapping on the next line
}

TEST(YamlLimits, NestingUpToTheLimitIsRead) {
    // The top-level mapping is level 1, so 99 lists inside it make 100 levels.
    const std::string block = "deep: " + std::string(99, '[') + "x" + std::string(99, ']') + "\n";
    auto read = read_frontmatter(block, "f", 1);
    ASSERT_TRUE(read.ok()) << read.error().describe();
    const Json* inner = &read->values["deep"];
    for (int level = 1; level < 99; ++level)
        inner = &(*inner)[0];
    EXPECT_EQ(*inner, Json::array({"x"}));
}

TEST(YamlLimits, AnAliasInsideItsOwnAnchorIsRefused) {
    for (const char* block : {"a: &x [*x]\n", "a: &x\n  b: *x\n"}) {
        auto read = read_frontmatter(block, "loop.task.md", 2);
        ASSERT_FALSE(read.ok()) << block;
        EXPECT_EQ(read.error().message,
                  "frontmatter alias *x is used inside the value it names, which would then contain itself")
            << block;
        EXPECT_EQ(read.error().hint, "replace the alias with the value it should repeat");
    }
}

TEST(YamlLimits, KeysThatAreNotTextAreNamedAsJsYamlNamesThem) {
    auto read = read_frontmatter("? [a, 1]\n: list\n? {k: v}\n: map\n~: none\n", "f", 1);
    ASSERT_TRUE(read.ok()) << read.error().describe();
    EXPECT_EQ(read->values["a,1"], "list");
    EXPECT_EQ(read->values["[object Object]"], "map");
    EXPECT_EQ(read->values["null"], "none");
}

TEST(YamlLimits, ADocumentWithABombIsRefusedWithTheFileNamed) {
    auto parsed = TaskDocument::parse("# Bomb\n\n---\n" + billion_laughs(9) + "---\n", "current/bomb-11A.task.md");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().where.file, "current/bomb-11A.task.md");
    EXPECT_EQ(parsed.error().where.line, 8);
}

}  // namespace
}  // namespace sc::tasks::yaml
