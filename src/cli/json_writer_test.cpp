#include <gtest/gtest.h>

#include <filesystem>

#include "cli/json_writer.hpp"
#include "cli/render.hpp"
#include "tasks/task_tree.hpp"

namespace sc::cli {
namespace {

namespace fs = std::filesystem;

// Every task of every corpus tree, as `sc task list` would load them.
std::vector<tasks::TaskRecord> corpus_records() {
    std::vector<tasks::TaskRecord> records;
    for (const auto& scenario : fs::directory_iterator(std::string(SC_SOURCE_DIR) + "/tests/corpus")) {
        if (!fs::is_directory(scenario.path() / "tree"))
            continue;
        tasks::TreeScan scan = tasks::scan_tree(
            tasks::TreeRoot {tasks::TreeKind::store, (scenario.path() / "tree").string()}, tasks::LocationScope::all);
        for (const tasks::TaskLocation& location : scan.tasks)
            if (auto record = tasks::load_record(location); record.ok())
                records.push_back(std::move(record.value()));
    }
    return records;
}

TEST(JsonWriter, TaskListIsByteIdenticalToTheGenericRenderer) {
    std::vector<tasks::TaskRecord> records = corpus_records();
    ASSERT_GT(records.size(), 40U);
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (const tasks::TaskRecord& record : records)
        data.push_back(record.to_json());
    EXPECT_EQ(task_list_json(records), to_json_text(data) + "\n");
}

// The writer escapes a tree's root once and each task's path in the tree after it: the two
// pieces must read as the whole path escaped, whatever the root holds, when the root changes
// from one task to the next, and when a path does not end with its path in the tree.
TEST(JsonWriter, PathsAreEscapedWholeWhateverTheirRoot) {
    std::vector<tasks::TaskRecord> corpus = corpus_records();
    ASSERT_GT(corpus.size(), 4U);
    const std::vector<std::string> roots = {
        "/tmp/plain", "/tmp/q\"uote\\back\tslash", "/tmp/caf\xc3\xa9", "/tmp/bad\xff", "/tmp/cut\xc3",
        "/tmp/plain", "/tmp/new\nline/x"};
    std::vector<tasks::TaskRecord> records;
    for (size_t i = 0; i < roots.size() * 2; ++i) {
        tasks::TaskRecord record = corpus[i % corpus.size()];
        if (i % 5 == 4)
            record.relative_path += "\xe2\x82";  // a path in the tree cut inside a character
        record.path = roots[i / 2] + "/" + record.relative_path;
        records.push_back(std::move(record));
    }
    // Not under its root, though as long as a root and its path in the tree would be.
    records.back().path = "/e/" + std::string(records.back().relative_path.size(), 'x');
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (const tasks::TaskRecord& record : records)
        data.push_back(record.to_json());
    EXPECT_EQ(task_list_json(records), to_json_text(data) + "\n");
}

// Metadata whose names need no escape is written in one piece, the rest member by member: a
// byte needing care in any one name (id, file name, path, archive month, parent, sequence)
// between plain tasks under one root must come out as the generic renderer writes it.
TEST(JsonWriter, MetadataNeedingAnEscapeInAnyNameIsWrittenLikeTheRenderer) {
    std::vector<tasks::TaskRecord> corpus = corpus_records();
    ASSERT_GT(corpus.size(), 4U);
    std::vector<tasks::TaskRecord> records;
    for (size_t i = 0; i < 14; ++i) {
        tasks::TaskRecord record = corpus[i % corpus.size()];
        record.path = "/tmp/root/" + record.relative_path;
        record.parent_id = "parent";  // a subtask, so parentTask and sequenceNumber are written
        record.is_parent = false;
        record.sequence = "07";
        record.archive_month = "2026-11";
        std::string special = i % 2 == 0 ? "q\"" : "\xc3\xa9";
        switch (i / 2) {
            case 1:
                record.id += special;
                break;
            case 2:
                record.filename += special;
                break;
            case 3:
                record.relative_path += special, record.path += special;
                break;
            case 4:
                record.archive_month += special;
                break;
            case 5:
                record.parent_id += special;
                break;
            case 6:
                record.sequence += special;
                break;
            default:
                break;
        }
        records.push_back(std::move(record));
        records.push_back(corpus[i % corpus.size()]);  // plain, under the corpus's own root
        records.back().path = "/tmp/root/" + records.back().relative_path;
    }
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (const tasks::TaskRecord& record : records)
        data.push_back(record.to_json());
    EXPECT_EQ(task_list_json(records), to_json_text(data) + "\n");
}

// The writer checks a folder's bytes once for the tasks in it and takes names that sit in the
// path (an id at the start of its file name, a parent's id as its folder) as checked with it:
// a folder needing an escape, between plain ones, with a parent and subtasks named after it.
TEST(JsonWriter, AFolderNeedingAnEscapeIsWrittenLikeTheRendererForEveryTaskInIt) {
    std::vector<tasks::TaskRecord> records;
    auto add = [&](std::string folder, std::string filename, std::string id, std::string parent) {
        tasks::TaskRecord record;
        record.filename = std::move(filename);
        record.relative_path = folder + "/" + record.filename;
        record.path = "/tmp/root/" + record.relative_path;
        record.id = std::move(id);
        record.is_parent = record.filename == "_overview.md";
        record.parent_id = std::move(parent);
        record.sequence = record.parent_id.empty() || record.is_parent ? "" : record.id.substr(0, 2);
        if (record.is_parent)
            record.parent_id.clear();
        records.push_back(std::move(record));
    };
    for (std::string special : {"q\"", "\xc3\xa9", "\\", "\t"}) {
        std::string parent = "p" + special + "-11A";
        add("current", "plain-11B.task.md", "plain-11B", "");
        add("current/" + parent, "_overview.md", parent, parent);
        add("current/" + parent, "01_one-11C.task.md", "01_one-11C", parent);
        add("current/" + parent, "02_two-11D.task.md", "02_two-11D", parent);
        add("current/plain-parent-11E", "01_x-11F.task.md", "01_x-11F", "plain-parent-11E");
        add("current/" + parent, "03_three-11G.task.md", "03_three-11G", parent);
        add("archive/2026-11/" + parent, "01_old-11H.task.md", "01_old-11H", parent);
    }
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (const tasks::TaskRecord& record : records)
        data.push_back(record.to_json());
    EXPECT_EQ(task_list_json(records), to_json_text(data) + "\n");
}

TEST(JsonWriter, EscapesLikeNlohmannIncludingControlsAndBadUtf8) {
    nlohmann::ordered_json value = {{"text", std::string("q\"b\\s\x01\t\n\r\b\f é 🎉")},
                                    {"bad", std::string("x\xff y")},
                                    {"n", 3},
                                    {"f", 1.5},
                                    {"list", {1, "two", nullptr, true}},
                                    {"empty", nlohmann::ordered_json::object()},
                                    {"none", nlohmann::ordered_json::array()}};
    std::string written;
    append_pretty_json(written, value);
    EXPECT_EQ(written, to_json_text(value));
}

// Plain ASCII is copied in one pass, anything else escaped or replaced: every byte that needs
// care, at every place in strings shorter and longer than the eight bytes looked at at once.
TEST(JsonWriter, EveryByteNeedingCareIsEscapedWhereverItSits) {
    std::vector<std::string> specials = {
        std::string(1, '\0'), "\x01",         "\x1f", "\"", "\\", "\x7f", "\x80", "\xff", "\xc3",
        "\xc3\xa9",           "\xe2\x82\xac", "/"};
    for (size_t length = 0; length <= 18; ++length)
        for (size_t at = 0; at <= length; ++at)
            for (const std::string& special : specials) {
                std::string text(length, 'a');
                text.insert(at, special);
                std::string written;
                append_json_string(written, text);
                EXPECT_EQ(written, nlohmann::ordered_json(text).dump(-1, ' ', false,
                                                                     nlohmann::ordered_json::error_handler_t::replace))
                    << "length " << length << ", at " << at;
            }
}

TEST(JsonWriter, EmptyListIsAnEmptyArray) {
    EXPECT_EQ(task_list_json({}), "[]\n");
}

}  // namespace
}  // namespace sc::cli
