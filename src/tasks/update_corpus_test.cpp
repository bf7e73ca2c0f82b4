// A one-field update of every task file of the Scopecraft corpus (its trees and the hand-written
// inputs) changes exactly one line: the field's own. Every other byte stays, a non-canonical
// `priority: High` next to it included, and the change record replays to the same bytes.

#include <gtest/gtest.h>

#include <vector>

#include "tasks/task_service.hpp"
#include "tasks/tree_test_support.hpp"

namespace sc::tasks {
namespace {

using testing::corpus_dir;
using testing::TempDir;
namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t newline = text.find('\n', start);
        size_t end = newline == std::string::npos ? text.size() : newline + 1;
        lines.push_back(text.substr(start, end - start));
        start = end;
    }
    return lines;
}

// Lines [begin, old_end) of the old text became lines [begin, new_end) of the new one: what is
// left between the longest common head and the longest common tail.
struct LineDiff {
    size_t begin = 0;
    size_t old_end = 0;
    size_t new_end = 0;
};

LineDiff diff_lines(const std::vector<std::string>& old_lines, const std::vector<std::string>& new_lines) {
    size_t head = 0;
    while (head < old_lines.size() && head < new_lines.size() && old_lines[head] == new_lines[head])
        ++head;
    size_t tail = 0;
    while (tail < old_lines.size() - head && tail < new_lines.size() - head &&
           old_lines[old_lines.size() - 1 - tail] == new_lines[new_lines.size() - 1 - tail])
        ++tail;
    return LineDiff {head, old_lines.size() - tail, new_lines.size() - tail};
}

// The lines of a top-level frontmatter entry: its `key:` line and the indented ones after it.
// Empty when the key is not there (the range starts where it would be added: nowhere).
std::pair<size_t, size_t> entry_lines(const std::vector<std::string>& lines, const std::string& key) {
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind(key + ":", 0) != 0)
            continue;
        size_t end = i + 1;
        while (end < lines.size() && lines[end][0] == ' ')
            ++end;
        return {i, end};
    }
    return {0, 0};
}

// Every scenario's tree, with the hand-written input files of 05 put into current/ as the
// recording did before Scopecraft rewrote them.
void copy_corpus_trees(const std::string& root) {
    for (const auto& scenario : fs::directory_iterator(corpus_dir())) {
        if (!scenario.is_directory())
            continue;
        const std::string into = root + "/" + scenario.path().filename().string();
        fs::create_directories(into);
        fs::copy(scenario.path() / "tree", into + "/tasks", fs::copy_options::recursive);
        if (fs::is_directory(scenario.path() / "input"))
            fs::copy(scenario.path() / "input", into + "/tasks/current",
                     fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
}

struct OneField {
    const char* field;
    void (*set)(TaskFields&, const std::string& stored);
};

const OneField k_fields[] = {
    {"status", [](TaskFields& fields,
                  const std::string& stored) { fields.status = stored == "in_progress" ? "done" : "In Progress"; }},
    {"priority",
     [](TaskFields& fields, const std::string& stored) { fields.priority = stored == "low" ? "high" : "Low"; }},
    {"assignee", [](TaskFields& fields, const std::string& stored) { fields.assignee = stored + "zoe"; }},
};

TEST(UpdateCorpus, AOneFieldUpdateOfEveryCorpusFileChangesExactlyOneLine) {
    TempDir temp;
    copy_corpus_trees(temp.path());
    FixedClock clock(testing::k_corpus_time);
    size_t updated = 0;
    for (const auto& scenario : fs::directory_iterator(temp.path())) {
        const std::string root = scenario.path().string() + "/tasks";
        TaskService service(TaskTree({TreeKind::store, root}), clock);
        ListFilter everything;
        everything.location = LocationScope::all;
        everything.include_parents = true;
        Result<ListResult> listed = service.list(everything);
        ASSERT_TRUE(listed.ok()) << listed.error().describe();
        for (const TaskRecord& task : listed->tasks) {
            for (const OneField& one : k_fields) {
                const std::string before = files::read(task.path).value();
                UpdateRequest request;
                one.set(request.fields, task.document.field(one.field).value_or(""));
                // A subtask's id can be claimed twice in the corpus (random letters): use the path.
                Result<Changed<TaskRecord>> changed = service.update(task.id, request);
                if (!changed.ok() && changed.error().code == ErrorCode::conflict)
                    continue;
                ASSERT_TRUE(changed.ok()) << task.path << ": " << changed.error().describe();
                const std::string after = files::read(task.path).value();
                const std::vector<std::string> old_lines = lines_of(before);
                const std::vector<std::string> new_lines = lines_of(after);
                const LineDiff diff = diff_lines(old_lines, new_lines);
                const auto [old_first, old_last] = entry_lines(old_lines, one.field);
                const auto [new_first, new_last] = entry_lines(new_lines, one.field);
                // Only the field's own lines differ: one line for an enum (added when it was
                // absent); an assignee folded over several lines owns them all.
                ASSERT_LT(new_first, new_last) << task.path << ": no " << one.field << " line\n" << after;
                EXPECT_GE(diff.begin, new_first) << task.path << " " << one.field << "\n" << after;
                EXPECT_LE(diff.new_end, new_last) << task.path << " " << one.field << "\n" << after;
                if (old_first < old_last) {
                    EXPECT_GE(diff.begin, old_first) << task.path << " " << one.field;
                    EXPECT_LE(diff.old_end, old_last) << task.path << " " << one.field;
                } else {
                    EXPECT_EQ(diff.old_end, diff.begin) << task.path << ": lines were removed adding " << one.field;
                }
                if (std::string(one.field) != "assignee") {
                    EXPECT_LE(diff.old_end - diff.begin, 1U) << task.path << " " << one.field;
                    EXPECT_EQ(diff.new_end - diff.begin, 1U) << task.path << " " << one.field << "\n" << after;
                }
                ASSERT_EQ(changed->change.fields.size(), 1U) << task.path;
                EXPECT_EQ(changed->change.fields[0].field, one.field);

                // The change record alone turns the old file into the new one, byte for byte.
                ASSERT_EQ(changed->change.files.size(), 1U) << task.path;
                TempDir replay;
                testing::write_file(replay.path() + "/" + task.relative_path, before);
                ASSERT_TRUE(apply_file_changes(TreeRoots {replay.path(), {}}, changed->change.files).ok());
                EXPECT_EQ(files::read(replay.path() + "/" + task.relative_path).value(), after) << task.path;
                ++updated;
            }
        }
    }
    EXPECT_GE(updated, 3U * 50U);  // 57 files in the corpus today
}

}  // namespace
}  // namespace sc::tasks
