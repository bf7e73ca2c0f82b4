// Reading task files: layouts, Scopecraft's section rules, diagnostics, and bad input.

#include "tasks/document.hpp"

#include <random>

#include <gtest/gtest.h>

namespace sc::tasks {
namespace {

using Json = nlohmann::ordered_json;

TaskDocument parsed(const std::string& text) {
    auto document = TaskDocument::parse(text, "t.task.md");
    EXPECT_TRUE(document.ok()) << document.error().describe();
    return std::move(document).value();
}

bool has_diagnostic(const TaskDocument& document, std::string_view words) {
    for (const auto& diagnostic : document.diagnostics()) {
        if (diagnostic.message.find(words) != std::string::npos)
            return true;
    }
    return false;
}

TEST(DocumentParse, ReadsFrontmatterBeforeOrAfterTheTitle) {
    auto after = parsed("# Title\n\n---\ntype: bug\nstatus: todo\narea: a\n---\n\n## Log\n");
    auto before = parsed("---\ntype: bug\nstatus: todo\narea: a\n---\n\n# Title\n\n## Log\n");
    EXPECT_EQ(after.to_json(), before.to_json());
    EXPECT_EQ(after.title(), "Title");
    EXPECT_TRUE(after.diagnostics().empty());
}

TEST(DocumentParse, SectionsMatchScopecraftsRules) {
    auto document = parsed(
        "# T\n---\ntype: bug\nstatus: todo\narea: a\n---\nloose text\n## instruction\nfirst\n```\n## inside a "
        "fence\n```\n"
        "## Log\n- a\n## LOG\n- b\n");
    std::vector<std::string> names;
    for (const auto& section : document.sections())
        names.push_back(section.name);
    EXPECT_EQ(names, (std::vector<std::string> {"instruction", "inside a fence", "Log", "LOG"}));
    EXPECT_EQ(document.section("Instruction"), "first\n```");
    EXPECT_EQ(document.section("log"), "- b");  // a repeated name keeps its last body
    const Json sections = document.to_json()["sections"];
    EXPECT_EQ(sections.dump(),
              R"({"instruction":"first\n```","tasks":"","deliverable":"","log":"- b","inside a fence":"```"})");
    EXPECT_TRUE(has_diagnostic(document, "appears more than once"));
    EXPECT_TRUE(has_diagnostic(document, "belongs to no section"));
}

TEST(DocumentParse, BodyWithoutSectionsIsTheInstructionWithoutTheTitle) {
    auto document = parsed(
        "# Body without sections\n\n---\ntype: bug\nstatus: todo\narea: core\n---\n\nJust a "
        "paragraph of text.\nNo level-2 headings at all.\n");
    EXPECT_EQ(document.section("instruction"), "Just a paragraph of text.\nNo level-2 headings at all.");
    EXPECT_EQ(document.to_json()["sections"]["instruction"], "Just a paragraph of text.\nNo level-2 headings at all.");
}

TEST(DocumentParse, MissingRequiredFieldsAndUnknownValuesAreWarningsNotErrors) {
    auto document = parsed("# Missing area\n\n---\ntype: chore\nstatus: zzz\n---\n\n## Instruction\nx\n");
    EXPECT_TRUE(has_diagnostic(document, "required field \"area\" is missing"));
    EXPECT_TRUE(has_diagnostic(document, "Invalid status \"zzz\""));
    EXPECT_EQ(document.field("status"), "zzz");
    for (const auto& diagnostic : document.diagnostics()) {
        EXPECT_EQ(diagnostic.where.file, "t.task.md");
        EXPECT_GT(diagnostic.where.line, 0);
        EXPECT_FALSE(diagnostic.hint.empty());
    }
    auto labels = parsed("# L\n---\ntype: Feature\nstatus: 🟡 To Do\narea: ui\n---\n");
    EXPECT_TRUE(labels.diagnostics().empty()) << labels.diagnostics().front().message;
    auto untitled = parsed("---\ntype: chore\nstatus: todo\narea: a\n---\n");
    EXPECT_TRUE(has_diagnostic(untitled, "no title line"));
    auto no_frontmatter = parsed("# Only a title\n");
    EXPECT_TRUE(has_diagnostic(no_frontmatter, "no frontmatter"));
    EXPECT_TRUE(untitled.is_task());
    EXPECT_TRUE(no_frontmatter.is_task());
}

// What a write cut short leaves (or a file that is no task at all): one warning that says so,
// and is_task() false so that listings leave it out.
TEST(DocumentParse, AFileWithNeitherTitleNorFrontmatterIsNoTask) {
    const std::string hint =
        "an interrupted write may have left it: delete it, or start it with a line `# Title` and add type, status "
        "and area between --- lines";
    for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>> {
             {"", "the file is empty"},
             {"\n  \n", "the file is empty"},
             {"just words\n", "no title line and no frontmatter"},
             {"## Log\n- 2026-12-01: x\n", "no title line and no frontmatter"}}) {
        auto document = parsed(text);
        EXPECT_FALSE(document.is_task()) << text;
        ASSERT_EQ(document.diagnostics().size(), 1U) << text;
        EXPECT_EQ(document.diagnostics()[0].message, message);
        EXPECT_EQ(document.diagnostics()[0].hint, hint);
        EXPECT_EQ(document.diagnostics()[0].where.file, "t.task.md");
        EXPECT_EQ(document.diagnostics()[0].where.line, 1);
    }
}

TEST(DocumentParse, TypesValuesAsJsYamlDoes) {
    auto document = parsed(
        "# T\n---\ncount: 3\nhex: 0x10\noctal: 017\nratio: 1.50\nexp: 1e3\nyes_word: yes\nflag: TRUE\nnothing: ~\n"
        "empty:\ndate: 2025-03-01\nstamp: 2025-01-15 10:30:00 +02:00\nquoted: '123'\nflow: [a, 'b, c', 3]\n"
        "folded: >-\n  one\n  two\n\n  three\nescaped: \"\\U0001F389 \\x41\"\nnested:\n  key: value\n---\n");
    EXPECT_EQ(document.frontmatter().dump(),
              R"({"count":3,"hex":16,"octal":15,"ratio":1.5,"exp":1000,"yes_word":"yes","flag":true,"nothing":null,)"
              R"("empty":null,"date":"2025-03-01T00:00:00.000Z","stamp":"2025-01-15T08:30:00.000Z","quoted":"123",)"
              R"("flow":["a","b, c",3],"folded":"one two\nthree","escaped":"🎉 A","nested":{"key":"value"}})");
    EXPECT_EQ(document.field("count"), "3");
    EXPECT_EQ(document.field("flag"), "true");
    EXPECT_EQ(document.field("nothing"), std::nullopt);
    EXPECT_EQ(document.field("flow"), std::nullopt);
    EXPECT_EQ(document.field_list("flow"), (std::vector<std::string> {"a", "b, c", "3"}));
    EXPECT_EQ(document.field_list("count"), (std::vector<std::string> {"3"}));
    EXPECT_TRUE(document.field_list("absent").empty());
}

TEST(DocumentParse, ToleratesCarriageReturnsAndAByteOrderMark) {
    auto document =
        parsed("\xEF\xBB\xBF# T\r\n\r\n---\r\ntype: bug\r\nstatus: todo\r\narea: a\r\n---\r\n\r\n## Log\r\n- x\r\n");
    EXPECT_EQ(document.title(), "T");
    EXPECT_EQ(document.field("area"), "a");
    EXPECT_EQ(document.section("log"), "- x");
    ASSERT_TRUE(document.set_field("area", "b").ok());
    EXPECT_EQ(document.field("area"), "b");
}

TEST(DocumentParse, RefusesTextThatIsNotUtf8NamingTheLine) {
    auto result = TaskDocument::parse("# T\n\n## Log\nbad \xC3\x28 byte\n", "bad.task.md");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::parse);
    EXPECT_EQ(result.error().where.file, "bad.task.md");
    EXPECT_EQ(result.error().where.line, 4);
    EXPECT_NE(result.error().message.find("UTF-8"), std::string::npos);
}

TEST(DocumentParse, RefusesAnUnterminatedFrontmatterNamingItsLine) {
    auto result = TaskDocument::parse("# T\n\n---\ntype: bug\nstatus: todo\n", "open.task.md");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().where.line, 3);
    EXPECT_NE(result.error().message.find("never closed"), std::string::npos);
    EXPECT_FALSE(result.error().hint.empty());
}

TEST(DocumentParse, RefusesAYamlSyntaxErrorWithTheFileLine) {
    auto result = TaskDocument::parse("# T\n\n---\ntype: bug\nstatus: [todo\narea: a\n---\n", "syntax.task.md");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::parse);
    EXPECT_GE(result.error().where.line, 5);
    EXPECT_LE(result.error().where.line, 7);
    auto duplicate = TaskDocument::parse("# T\n---\ntype: bug\ntype: chore\n---\n", "dup.task.md");
    ASSERT_FALSE(duplicate.ok());
    EXPECT_EQ(duplicate.error().where.line, 4);
    EXPECT_FALSE(TaskDocument::parse("# T\n---\n- a\n- b\n---\n", "list.task.md").ok());
    EXPECT_FALSE(TaskDocument::parse("+++\ntype = \n+++\n", "toml.task.md").ok());
}

TEST(DocumentParse, EmptyAndJunkInputNeverCrash) {
    auto empty = parsed("");
    EXPECT_EQ(empty.text(), "");
    EXPECT_EQ(empty.title(), "");
    EXPECT_EQ(empty.to_json()["sections"]["instruction"], "");
    std::mt19937 random(7);
    for (int round = 0; round < 2000; ++round) {
        std::string junk;
        const size_t length = random() % 200;
        for (size_t i = 0; i < length; ++i) {
            static constexpr char k_alphabet[] = "-+#:\n '\"[]{}|>ab12 \t\x80\xC3\xA9";
            junk += round % 2 == 0 ? static_cast<char>(random() % 256) : k_alphabet[random() % (sizeof k_alphabet - 1)];
        }
        auto result = TaskDocument::parse(junk, "junk");
        if (result.ok()) {
            EXPECT_EQ(result->text(), junk);
            (void)result->to_json();
        } else {
            EXPECT_FALSE(result.error().message.empty());
        }
    }
}

TEST(DocumentNew, WritesScopecraftsLayout) {
    auto document = TaskDocument::make_new(
        "Odd tags", Json {{"type", "test"}, {"status", "todo"}, {"area", "UI/UX"}, {"tags", {"yes", "émoji🎉", "it's"}}},
        {{"Acceptance Criteria", "works"}, {"Instruction", "do it"}});
    EXPECT_EQ(document.text(),
              "# Odd tags\n\n---\ntype: test\nstatus: todo\narea: UI/UX\ntags:\n  - 'yes'\n  - \"émoji\\U0001F389\"\n"
              "  - it's\n---\n\n\n## Instruction\ndo it\n\n## Tasks\n\n## Deliverable\n\n## Log\n\n"
              "## Acceptance criteria\nworks\n");
    EXPECT_EQ(TaskDocument::make_new("Empty", Json::object()).text(),
              "# Empty\n\n\n\n## Instruction\n\n## Tasks\n\n## Deliverable\n\n## Log\n");
}

}  // namespace
}  // namespace sc::tasks
