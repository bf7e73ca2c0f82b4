// The YAML pieces on their own: js-yaml's scalar styles, its implicit types, and the fast reader
// agreeing with yaml-cpp.

#include <random>

#include <gtest/gtest.h>

#include "tasks/yaml_read.hpp"
#include "tasks/yaml_scalar.hpp"
#include "tasks/yaml_write.hpp"

namespace sc::tasks::yaml {
namespace {

using Json = nlohmann::ordered_json;

TEST(YamlWrite, QuotesStringsAsJsYamlDoes) {
    EXPECT_EQ(dump_string("plain text", 1), "plain text");
    EXPECT_EQ(dump_string("", 1), "''");
    for (const char* quoted : {"yes", "on", "No", "null", "~", "123", "1.0", "0x10", "1e3", "2024-01-01", "true"})
        EXPECT_EQ(dump_string(quoted, 1), "'" + std::string(quoted) + "'");
    EXPECT_EQ(dump_string("@alice: x", 1), "'@alice: x'");
    EXPECT_EQ(dump_string("#hash", 1), "'#hash'");
    EXPECT_EQ(dump_string(" lead", 1), "' lead'");
    EXPECT_EQ(dump_string("trail ", 1), "'trail '");
    EXPECT_EQ(dump_string("'sq'", 1), "'''sq'''");
    EXPECT_EQ(dump_string("a #b", 1), "'a #b'");
    EXPECT_EQ(dump_string("a#b", 1), "a#b");
    EXPECT_EQ(dump_string("it's", 1), "it's");
    EXPECT_EQ(dump_string("✅ done", 1), "✅ done");
    EXPECT_EQ(dump_string("🎉", 1), "\"\\U0001F389\"");
    EXPECT_EQ(dump_string("tab\there", 1), "\"tab\\there\"");
    EXPECT_EQ(dump_string("multi\nline", 2), "|-\n    multi\n    line");
    EXPECT_EQ(dump_string("ends\n", 1), "|\n  ends");
    EXPECT_EQ(dump_string(" indented\nnext", 1), "|2-\n   indented\n  next");
}

TEST(YamlWrite, FoldsLongTextAtTheLineWidth) {
    EXPECT_EQ(
        dump_string("This is a very long assignee value that goes on and on past eighty characters for sure yes", 1),
        ">-\n  This is a very long assignee value that goes on and on past eighty characters\n  for sure yes");
    const std::string unbreakable(100, 'x');
    EXPECT_EQ(dump_string(unbreakable, 1), ">-\n  " + unbreakable);
}

TEST(YamlWrite, WritesNumbersListsAndMapsInBlockStyle) {
    EXPECT_EQ(dump_entry("num", 3), "num: 3\n");
    EXPECT_EQ(dump_entry("n", 3), "'n': 3\n");  // y, n, on, off... are quoted even as keys
    EXPECT_EQ(dump_entry("f", 1.5), "f: 1.5\n");
    EXPECT_EQ(dump_entry("big", 1e21), "big: 1.e+21\n");
    EXPECT_EQ(dump_entry("b", false), "b: false\n");
    EXPECT_EQ(dump_entry("z", nullptr), "z: null\n");
    EXPECT_EQ(dump_entry("e", Json::array()), "e: []\n");
    EXPECT_EQ(dump_entry("o", Json::object()), "o: {}\n");
    EXPECT_EQ(dump_entry("l", Json::array({"a", Json::array({"b", "c"}), Json {{"k", 1}, {"j", 2}}})),
              "l:\n  - a\n  - - b\n    - c\n  - k: 1\n    j: 2\n");
    EXPECT_EQ(dump_entry("m", Json {{"key", "value"}, {"inner", {{"x", true}}}}),
              "m:\n  key: value\n  inner:\n    x: true\n");
    EXPECT_EQ(dump_entry("needs: quote", "v"), "'needs: quote': v\n");
    EXPECT_EQ(dump_mapping(Json::object()), "{}");
    EXPECT_EQ(js_number_text(0.000001), "0.000001");
    EXPECT_EQ(js_number_text(1e-7), "1e-7");
    EXPECT_EQ(js_number_text(123456789012345680000.0), "123456789012345680000");
}

TEST(YamlScalar, ResolvesPlainScalarsWithJsYamlsImplicitTypes) {
    EXPECT_EQ(resolve_plain("1_000"), 1000);
    EXPECT_EQ(resolve_plain("0b101"), 5);
    EXPECT_EQ(resolve_plain("-0x1F"), -31);
    EXPECT_EQ(resolve_plain("1:30"), 90);
    EXPECT_EQ(resolve_plain(".inf"), nullptr);
    EXPECT_EQ(resolve_plain("09"), "09");
    EXPECT_EQ(resolve_plain("1_"), "1_");
    EXPECT_EQ(resolve_plain("yes"), "yes");
    EXPECT_EQ(resolve_plain("Null"), nullptr);
    EXPECT_EQ(resolve_plain("2025-1-5T1:02:03.45Z"), "2025-01-05T01:02:03.450Z");
    EXPECT_EQ(resolve_plain("2025-1-5"), "2025-1-5");                    // a date alone needs two-digit month and day
    EXPECT_EQ(resolve_plain("0025-01-01"), "1925-01-01T00:00:00.000Z");  // Date.UTC maps years 0-99 to 19xx
    EXPECT_EQ(resolve_plain("2025-02-30"), "2025-03-02T00:00:00.000Z");  // and rolls days over
}

// Whatever the fast reader accepts, yaml-cpp reads the same way.
TEST(YamlRead, FastReaderAgreesWithTheFullParser) {
    std::vector<std::string> blocks = {
        "type: feature\nstatus: todo\narea: general\n",
        "tags:\n  - 'yes'\n  - \"\\U0001F389\"\n  - |-\n    multi\n    line\n  - plain # comment\nn: 3\n",
        "a: [x, 'y, z', \"w\", 1.5]\nb: 'it''s'\nc: >-\n  folded\n  text\n\n  more\nd:\ne: ~\n",
        "list:\n- at column zero\n- second\nk: v\n",
        "q: \"esc \\\" \\\\ \\t \\u00e9\"\nr: 2025-03-01\ns: a#b\n",
    };
    std::mt19937 random(3);
    const std::vector<std::string> pieces = {"a", " ", ":", "'", "\"", "#", " #", "-",
                                             "[", "]", ",", "é", "🎉",  "1", "."};
    for (int round = 0; round < 300; ++round) {
        std::string value;
        for (int i = static_cast<int>(random() % 6); i >= 0; --i)
            value += pieces[random() % pieces.size()];
        blocks.push_back(dump_entry("k", value) + dump_entry("l", Json::array({value})));
    }
    for (const auto& block : blocks) {
        auto fast = read_frontmatter(block, "f", 1, Parser::fast_with_fallback);
        auto full = read_frontmatter(block, "f", 1, Parser::full);
        ASSERT_TRUE(fast.ok()) << block << fast.error().describe();
        ASSERT_TRUE(full.ok()) << block << full.error().describe();
        EXPECT_EQ(fast->values, full->values) << block;
        ASSERT_EQ(fast->entries.size(), full->entries.size()) << block;
        for (size_t i = 0; i < fast->entries.size(); ++i) {
            EXPECT_EQ(fast->entries[i].begin, full->entries[i].begin);
            EXPECT_EQ(fast->entries[i].end, full->entries[i].end);
        }
    }
}

// js-yaml keeps a literal line of spaces beyond the indentation; yaml-cpp drops it.
TEST(YamlRead, LiteralTextKeepsLinesOfSpacesAsJsYamlDoes) {
    const std::string value = "first\n  \nlast line\n  ";
    auto result = read_frontmatter(dump_entry("k", value) + "next: 1\n", "f", 1);
    ASSERT_TRUE(result.ok()) << result.error().describe();
    EXPECT_EQ(result->values["k"], value);
    EXPECT_EQ(result->values["next"], 1);
}

TEST(YamlRead, EntriesOwnTheirLinesButNotTheCommentsAfterThem) {
    const std::string block = "# leading\na: 1\n\n# about b\nb:\n  - x\n\nc: |+\n  kept\n\n";
    auto result = read_frontmatter(block, "f", 1);
    ASSERT_TRUE(result.ok()) << result.error().describe();
    ASSERT_EQ(result->entries.size(), 3u);
    EXPECT_EQ(block.substr(result->entries[0].begin, result->entries[0].end - result->entries[0].begin), "a: 1\n");
    EXPECT_EQ(block.substr(result->entries[1].begin, result->entries[1].end - result->entries[1].begin), "b:\n  - x\n");
    EXPECT_EQ(block.substr(result->entries[2].begin), "c: |+\n  kept\n\n");
    EXPECT_EQ(result->values["c"], "kept\n\n");
}

}  // namespace
}  // namespace sc::tasks::yaml
