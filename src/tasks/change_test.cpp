#include "tasks/change.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sc::tasks {
namespace {

using Json = nlohmann::ordered_json;

// The same object built with nlohmann::ordered_json, as ChangeRecord::to_json once did.
Json reference(const ChangeRecord& record) {
    Json json = Json::object();
    json["operation"] = record.operation;
    json["taskId"] = record.task_id;
    if (!record.created.empty())
        json["created"] = record.created;
    if (!record.removed.empty())
        json["removed"] = record.removed;
    if (!record.renamed_ids.empty()) {
        Json ids = Json::array();
        for (const IdChange& change : record.renamed_ids)
            ids.push_back({{"old", change.old_id}, {"new", change.new_id}});
        json["renamedIds"] = std::move(ids);
    }
    Json fields = Json::array();
    for (const FieldChange& field : record.fields)
        fields.push_back({{"field", field.field}, {"old", field.old_value}, {"new", field.new_value}});
    json["fields"] = std::move(fields);
    Json sections = Json::array();
    for (const SectionChange& section : record.sections)
        sections.push_back({{"section", section.section}, {"old", section.old_body}, {"new", section.new_body}});
    json["sections"] = std::move(sections);
    Json files = Json::array();
    for (const FileChange& change : record.files) {
        Json item = Json::object();
        item["kind"] = std::string(to_string(change.kind));
        item["tree"] = std::string(to_string(change.tree));
        item["path"] = change.path;
        if (change.kind == FileChangeKind::renamed)
            item["oldPath"] = change.old_path;
        if (change.kind == FileChangeKind::file_created || change.kind == FileChangeKind::file_modified)
            item["content"] = change.content;
        files.push_back(std::move(item));
    }
    json["files"] = std::move(files);
    return json;
}

TEST(ChangeRecordTest, JsonIsTheCompactDumpOfTheSameObject) {
    ChangeRecord empty;
    empty.operation = "tree.init";
    EXPECT_EQ(empty.to_json(), reference(empty).dump());

    ChangeRecord record;
    record.operation = "task.promote";
    record.task_id = "caf\xC3\xA9-\"quoted\"-11A";
    record.created = {"a-11A", "b\\slash-11A"};
    record.removed = {"gone-11A"};
    record.renamed_ids = {{"old-11A", "old-11B"}, {"01_x-11A", "02_x-11A"}};
    record.fields = {{"status", "todo", "in_progress"},
                     {"tags", Json::array({"ui", "\xE2\x9C\x93"}), Json(nullptr)},
                     {"priority", 3, 2.5},
                     {"flag", true, Json::object({{"nested", "\t"}})}};
    record.sections = {{"log", "", "- line\n- \x01 control\r\n"}, {"tasks", "\xF0\x9F\x94\xA5", "</script>"}};
    record.files = {
        {FileChangeKind::folder_created, "current/p-11A", {}, {}, TreeKind::store},
        {FileChangeKind::file_created,
         "current/p-11A/_overview.md",
         {},
         "# Title\n\n---\ntype: feature\n---\n",
         TreeKind::store},
        {FileChangeKind::file_modified, "a.task.md", {}, "x\x7f\x1f\"\\/", TreeKind::project_local},
        {FileChangeKind::renamed, "archive/2026-11/x.task.md", "current/x.task.md", "not written", TreeKind::store},
        {FileChangeKind::file_removed, "old.task.md", {}, "not written either", TreeKind::store},
        {FileChangeKind::folder_removed, "current/q-11A", {}, {}, TreeKind::store},
    };
    EXPECT_EQ(record.to_json(), reference(record).dump());
}

TEST(ChangeRecordTest, FileContentThatIsNotUtf8IsKeptExactlyInBase64AndStaysParseable) {
    ChangeRecord record;
    record.operation = "external";
    record.files = {{FileChangeKind::file_modified, "latin1.task.md", {}, "caf\xE9 \xFF", TreeKind::store}};
    record.sections = {{"Notes", "", "caf\xE9"}};
    Json parsed = Json::parse(record.to_json());
    EXPECT_FALSE(parsed["files"][0].contains("content"));
    EXPECT_EQ(parsed["files"][0]["contentBase64"], "Y2Fm6SD/") << "replay needs the exact bytes";
    EXPECT_EQ(parsed["sections"][0]["new"], "caf\xEF\xBF\xBD") << "what people read is replaced, as before";
}

}  // namespace
}  // namespace sc::tasks
