#include <gtest/gtest.h>

#include "cli/render.hpp"

namespace sc::cli {
namespace {

using Json = nlohmann::ordered_json;

Json task(const std::string& id, const std::string& status, const std::string& title, const std::string& parent = "",
          const std::string& sequence = "") {
    Json metadata = {{"id", id}, {"location", {{"workflowState", "current"}}}, {"isParentTask", parent.empty()}};
    if (!parent.empty()) {
        metadata["parentTask"] = parent;
        metadata["sequenceNumber"] = sequence;
    }
    return {{"metadata", metadata},
            {"document", {{"title", title}, {"frontmatter", {{"type", "feature"}, {"status", status}}}}}};
}

TEST(Render, TaskTableHasOneRowPerTask) {
    Json tasks = Json::array({task("a-11A", "todo", "First"), task("b-11A", "done", "Second")});
    std::string text = render({tasks, View::task_list, ""}, {OutputFormat::table, false, 100});
    EXPECT_EQ(text,
              "ID     STATUS  TYPE     PRIORITY  LOCATION  TITLE\n"
              "a-11A  todo    feature            current   First\n"
              "b-11A  done    feature            current   Second\n");
}

TEST(Render, TreeIndentsSubtasksUnderTheirParent) {
    Json tasks = Json::array({task("p-11A", "todo", "Parent"), task("01_c-11B", "done", "Child", "p-11A", "01")});
    std::string text = render({tasks, View::task_list, ""}, {OutputFormat::tree, false, 100});
    EXPECT_EQ(text, "[ ] p-11A  Parent\n└── 01 [x] 01_c-11B  Child\n");
}

TEST(Render, MinimalPrintsIdAndTitleLikeScopecraft) {
    Json tasks = Json::array({task("a-11A", "todo", "First")});
    EXPECT_EQ(render({tasks, View::task_list, ""}, {OutputFormat::minimal, false, 100}), "a-11A\tFirst\n");
}

TEST(Render, JsonReplacesInvalidUtf8InsteadOfFailing) {
    Json data = {{"title", std::string("bad \xff byte")}};
    std::string text = render({data, View::message, ""}, {OutputFormat::json, false, 100});
    // The output must stay valid JSON (nlohmann's parser rejects invalid UTF-8) and keep the
    // rest of the string, with U+FFFD where the bad byte was.
    ASSERT_TRUE(Json::accept(text)) << text;
    EXPECT_EQ(Json::parse(text)["title"], "bad \xEF\xBF\xBD byte") << text;
}

TEST(Render, WideCharactersCountTwoColumns) {
    EXPECT_EQ(display_width("abc"), 3U);
    EXPECT_EQ(display_width("日本"), 4U);
    EXPECT_EQ(display_width("é"), 1U);
}

}  // namespace
}  // namespace sc::cli
