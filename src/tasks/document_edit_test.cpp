// Edits change only the bytes they own; replaying Scopecraft's own command sequences through
// our editors gives the files Scopecraft wrote.

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "tasks/document.hpp"

namespace sc::tasks {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

std::string read_bytes(const fs::path& path) {
    std::ifstream stream(path, std::ios::binary);
    std::stringstream buffer;
    buffer << stream.rdbuf();
    return buffer.str();
}

fs::path corpus(const std::string& relative) {
    return fs::path(SC_SOURCE_DIR) / "tests" / "corpus" / relative;
}

TaskDocument parsed(const std::string& text) {
    auto document = TaskDocument::parse(text, "test.task.md");
    EXPECT_TRUE(document.ok()) << document.error().describe();
    return std::move(document).value();
}

const Json k_new_fields = {{"type", "chore"}, {"status", "todo"}, {"area", "general"}};

// Scenario 04's commands for refactor-config-loader-11A, as the operations layer will issue them.
TEST(DocumentEdit, ReplayingScopecraftsUpdatesGivesItsFileByteForByte) {
    auto document =
        TaskDocument::make_new("Refactor config loader", k_new_fields, {{"Instruction", "Initial instruction."}});
    ASSERT_TRUE(document.set_field("priority", "high").ok());
    document.set_title("Refactor the configuration loader");
    ASSERT_TRUE(document.set_field("assignee", "carol").ok());
    ASSERT_TRUE(document.set_field("tags", Json::array({"config", "refactor"})).ok());
    ASSERT_TRUE(document.set_field("type", "feature").ok());
    ASSERT_TRUE(document.set_field("status", "in_progress").ok());
    ASSERT_TRUE(document.set_field("area", "backend").ok());
    ASSERT_TRUE(document.set_field("parent", "none-11A").ok());
    ASSERT_TRUE(document.set_field("depends", Json::array({"old-experiment-11A", "scratch-note-11A"})).ok());
    ASSERT_TRUE(document.set_field("previous", "old-experiment-11A").ok());
    ASSERT_TRUE(document.set_field("next", "scratch-note-11A").ok());
    document.set_section("Instruction", "Load config from TOML and env vars.");
    document.set_section("tasks", "- [ ] Parse TOML\n- [x] Read env vars\n- [ ] Merge with defaults");
    document.set_section("deliverable", "A loader module with tests.\n### Notes\nkeep it small");
    document.append_log("2026-11-27: Started work");
    document.append_log("2026-11-27: Parser done; env next");
    ASSERT_TRUE(document.set_field("status", "in_progress").ok());
    ASSERT_TRUE(document.set_field("priority", "highest").ok());
    EXPECT_EQ(document.text(),
              read_bytes(corpus("04-updates-sections-log/tree/current/refactor-config-loader-11A.task.md")));
}

TEST(DocumentEdit, ReplayingSectionUpdatesOfANewTaskGivesScopecraftsFile) {
    auto document = TaskDocument::make_new("Scratch note", {{"type", "idea"}, {"status", "todo"}, {"area", "general"}});
    document.set_section("log", "- 2025-06-11 14:05: hand-written entry");
    document.set_section("instruction", "Line one.\n\nLine three after a blank line.");
    EXPECT_EQ(document.text(), read_bytes(corpus("04-updates-sections-log/tree/current/scratch-note-11A.task.md")));
}

TEST(DocumentEdit, SetFieldOnAHandWrittenFileChangesOnlyThatLine) {
    const std::string original = read_bytes(corpus("05-odd-values/input/legacy-style-01A.task.md"));
    auto document = parsed(original);
    ASSERT_TRUE(document.set_field("priority", "low").ok());
    std::string expected = original;
    expected.replace(expected.find("priority: High"), 14, "priority: low");
    EXPECT_EQ(document.text(), expected);
    EXPECT_EQ(document.field("priority"), "low");
    // The nested map, flow list and dates, read by the full parser, are untouched and still typed.
    EXPECT_EQ(document.frontmatter()["due"], "2025-03-01T00:00:00.000Z");
    EXPECT_EQ(document.frontmatter()["reviewers"], Json::array({"dana", "eli"}));
}

TEST(DocumentEdit, SetFieldAppendsNewKeysAtTheEndAndRemovesKeysGivenNull) {
    auto document = parsed("# T\n\n---\ntype: bug\nstatus: todo\narea: core\n---\n\n\n## Instruction\n");
    ASSERT_TRUE(document.set_field("assignee", "@alice: x").ok());
    ASSERT_TRUE(document.set_field("estimate", 3).ok());
    ASSERT_TRUE(document.set_field("flag", true).ok());
    EXPECT_EQ(
        document.text(),
        "# T\n\n---\ntype: bug\nstatus: todo\narea: core\nassignee: '@alice: x'\nestimate: 3\nflag: true\n---\n\n\n"
        "## Instruction\n");
    ASSERT_TRUE(document.set_field("status", nullptr).ok());
    ASSERT_TRUE(document.set_field("missing", nullptr).ok());
    EXPECT_EQ(document.text(),
              "# T\n\n---\ntype: bug\narea: core\nassignee: '@alice: x'\nestimate: 3\nflag: true\n---\n\n\n"
              "## Instruction\n");
    EXPECT_EQ(document.frontmatter()["estimate"], 3);
    EXPECT_FALSE(document.set_field("", "x").ok());
}

TEST(DocumentEdit, SetFieldReplacesAMultiLineValueWhole) {
    auto document = parsed("# T\n---\ntags:\n  - a\n  - b\nnote: |-\n  one\n  two\narea: x\n---\n## Log\n");
    ASSERT_TRUE(document.set_field("tags", Json::array({"c"})).ok());
    ASSERT_TRUE(document.set_field("note", "short").ok());
    EXPECT_EQ(document.text(), "# T\n---\ntags:\n  - c\nnote: short\narea: x\n---\n## Log\n");
}

TEST(DocumentEdit, SetFieldStartsAFrontmatterWhenThereIsNone) {
    auto document = parsed("# Plain\n\nSome text.\n");
    ASSERT_TRUE(document.set_field("type", "bug").ok());
    EXPECT_EQ(document.text(), "# Plain\n\n---\ntype: bug\n---\n\nSome text.\n");
    EXPECT_EQ(document.section("instruction"), "Some text.");
}

TEST(DocumentEdit, SetTitleRewritesOnlyTheTitleLine) {
    auto document = parsed("---\ntype: bug\n---\n\n# Old title\n\n## Log\n- x\n");
    document.set_title("New: \"title\"\nwith a break");
    EXPECT_EQ(document.text(), "---\ntype: bug\n---\n\n# New: \"title\" with a break\n\n## Log\n- x\n");
    EXPECT_EQ(document.title(), "New: \"title\" with a break");
}

TEST(DocumentEdit, SetSectionReplacesOneBodyAndKeepsTheGapToTheNextHeading) {
    auto document = TaskDocument::make_new("T", k_new_fields);
    document.set_section("Tasks", "- [ ] one");
    document.set_section("LOG", "- 2025-01-01: x");
    EXPECT_EQ(document.text(),
              "# T\n\n---\ntype: chore\nstatus: todo\narea: general\n---\n\n\n## Instruction\n\n## Tasks\n- [ ] one\n\n"
              "## Deliverable\n\n## Log\n- 2025-01-01: x\n");
    document.set_section("tasks", "");
    EXPECT_EQ(document.section("tasks"), "");
    EXPECT_NE(document.text().find("## Tasks\n\n## Deliverable"), std::string::npos);
    // A section without a blank line before the next heading keeps that style.
    auto tight = parsed("# T\n## A\nold\n## B\nb\n");
    tight.set_section("a", "new\ntext");
    EXPECT_EQ(tight.text(), "# T\n## A\nnew\ntext\n## B\nb\n");
}

TEST(DocumentEdit, SetSectionCreatesMissingSectionsWhereScopecraftWouldPutThem) {
    auto document = parsed("# T\n---\narea: a\n---\n\n## Instruction\ndo it\n\n## Log\n- x\n");
    document.set_section("Acceptance Criteria", "all green");
    document.set_section("tasks", "- [ ] a");
    EXPECT_EQ(document.text(),
              "# T\n---\narea: a\n---\n\n## Instruction\ndo it\n\n## Tasks\n- [ ] a\n\n## Log\n- x\n\n"
              "## Acceptance criteria\nall green\n");
    EXPECT_EQ(document.to_json()["sections"]["acceptance criteria"], "all green");
}

TEST(DocumentEdit, SetSectionOnABodyWithoutSectionsKeepsThatBodyAsTheInstruction) {
    auto document = parsed("# T\n\n---\ntype: bug\n---\n\nJust text.\n");
    document.set_section("Log", "- 2025-01-01: started");
    EXPECT_EQ(document.text(),
              "# T\n\n---\ntype: bug\n---\n\n## Instruction\nJust text.\n\n## Log\n- 2025-01-01: started\n");
    EXPECT_EQ(document.section("instruction"), "Just text.");
}

TEST(DocumentEdit, AppendLogAddsOneLineAfterTheLastEntry) {
    auto document = parsed("# T\n\n## Log\n- a\n\n## Notes\nn\n");
    document.append_log("2025-01-02: b");
    EXPECT_EQ(document.text(), "# T\n\n## Log\n- a\n- 2025-01-02: b\n\n## Notes\nn\n");
    auto empty_log = parsed("# T\n\n## Log\n");
    empty_log.append_log("first");
    EXPECT_EQ(empty_log.text(), "# T\n\n## Log\n- first\n");
    auto no_newline = parsed("# T\n\n## Log\n- a");
    no_newline.append_log("b\nc");
    EXPECT_EQ(no_newline.text(), "# T\n\n## Log\n- a\n- b c\n");
    auto heading_only = parsed("# T\n\n## Log");
    heading_only.append_log("x");
    EXPECT_EQ(heading_only.text(), "# T\n\n## Log\n- x\n");
    auto no_log = parsed("# T\n\n## Instruction\ndo\n");
    no_log.append_log("x");
    EXPECT_EQ(no_log.text(), "# T\n\n## Instruction\ndo\n\n## Log\n- x\n");
}

TEST(DocumentEdit, TomlFrontmatterIsReadAndEditedAsToml) {
    auto document = parsed(
        "+++\ntype = \"feature\"\nstatus = \"todo\"\narea = \"core\"\nestimate = 2\ntags = [\"a\", \"b\"]\n\n[extra]\n"
        "key = \"v\"\n+++\n\n# Toml task\n\n## Instruction\nHello\n");
    EXPECT_EQ(document.syntax(), FrontmatterSyntax::toml);
    EXPECT_EQ(document.title(), "Toml task");
    EXPECT_EQ(document.frontmatter().dump(),
              R"({"type":"feature","status":"todo","area":"core","estimate":2,"tags":["a","b"],"extra":{"key":"v"}})");
    ASSERT_TRUE(document.set_field("status", "in_progress").ok());
    ASSERT_TRUE(document.set_field("assignee", "say \"hi\"").ok());
    EXPECT_EQ(
        document.text(),
        "+++\ntype = \"feature\"\nstatus = \"in_progress\"\narea = \"core\"\nestimate = 2\ntags = [\"a\", \"b\"]\n\n"
        "assignee = \"say \\\"hi\\\"\"\n[extra]\nkey = \"v\"\n+++\n\n# Toml task\n\n## Instruction\nHello\n");
    EXPECT_EQ(document.field("assignee"), "say \"hi\"");
    EXPECT_FALSE(document.set_field("extra", "flat").ok());
}

// toml++ 3.3 has undefined behaviour on characters such as U+3001; we shield it from them.
TEST(DocumentEdit, TomlFrontmatterKeepsNonAsciiText) {
    auto document =
        parsed("+++\n# 注釈、コメント\ntitle_note = \"日本語、テスト。 ＋ é 🎉\"\n\"clé\" = \"\uFEDF\"\n+++\n# T\n");
    EXPECT_EQ(document.frontmatter()["title_note"], "日本語、テスト。 ＋ é 🎉");
    EXPECT_EQ(document.frontmatter()["clé"], "\uFEDF");
    ASSERT_TRUE(document.set_field("area", "ウェブ、UI").ok());
    EXPECT_EQ(document.field("area"), "ウェブ、UI");
}

// Random values through set_field and back through parse: quotes, colons, emoji, line breaks,
// leading blanks, numbers as text, YAML keywords.
TEST(DocumentEdit, AnyValueWrittenBySetFieldReadsBackTheSame) {
    const std::vector<std::string> pieces = {
        "a",          "Z",  " ", "  ",  ":",    ": ",   "#",   " #",   "'",    "\"",   "\\",     "\n",     "\n\n",
        "-",          "- ", "?", "!",   "&",    "*",    "%",   "@",    "`",    "|",    ">",      "[",      "]",
        "{",          "}",  ",", "yes", "No",   "null", "~",   "true", "0x1F", "1e3",  "0",      "12",     "3.5",
        "2024-01-01", "é",  "✅", "🎉",   "日本", "\t",   "---", "+++",  "# h",  "## s", "\u00a0", "\u2028", "\r"};
    std::mt19937 random(20251127);
    auto document = TaskDocument::make_new("Property", k_new_fields);
    auto toml_document = parsed("+++\ntype = \"bug\"\n+++\n# T\n");
    for (int round = 0; round < 400; ++round) {
        std::string value;
        const int count = static_cast<int>(random() % 8);
        for (int i = 0; i < count; ++i)
            value += pieces[random() % pieces.size()];
        if (round % 3 == 0)
            value += std::string(static_cast<size_t>(random() % 120), 'w') + " tail words to fold";
        const std::string key = round % 2 == 0 ? "field" : "note";
        ASSERT_TRUE(document.set_field(key, value).ok()) << value;
        EXPECT_EQ(document.frontmatter()[key], value) << "YAML, value: " << Json(value).dump() << "\n"
                                                      << document.text();
        ASSERT_TRUE(document.set_field("list", Json::array({value, "x"})).ok());
        EXPECT_EQ(document.frontmatter()["list"], Json::array({value, "x"})) << Json(value).dump();
        ASSERT_TRUE(toml_document.set_field(key, value).ok()) << value;
        EXPECT_EQ(toml_document.frontmatter()[key], value) << "TOML, value: " << Json(value).dump();
    }
    EXPECT_EQ(document.title(), "Property");
    EXPECT_EQ(document.section("log"), "");
}

}  // namespace
}  // namespace sc::tasks
