// The task-tree state that finds edits made outside sc: what it learns from sc's own writes.
#include "observe/tree_state.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "tasks/folder_listing.hpp"
#include "util/files.hpp"

namespace sc::observe {
namespace {

namespace fs = std::filesystem;

class TreeStateTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = fs::path(::testing::TempDir()) / ("tree-state-" + std::to_string(::getpid()) + "-" +
                                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_root);
        fs::create_directories(m_root / "current");
        m_roots.store = m_root.string();
    }
    void TearDown() override { fs::remove_all(m_root); }

    /// What sc does for a change: write the file, apply the change, note what it wrote.
    std::vector<tasks::FileChange> write_task(TreeState& state, const std::string& content) {
        std::vector<tasks::FileChange> changes = {
            {tasks::FileChangeKind::file_created, "current/a-11A.task.md", {}, content, tasks::TreeKind::store}};
        EXPECT_TRUE(files::write_atomic((m_root / "current/a-11A.task.md").string(), content).ok());
        EXPECT_TRUE(state.apply(changes).ok());
        return changes;
    }

    /// A file written behind sc's back (its folders made as needed).
    void write(const std::string& path, const std::string& content = "x") {
        fs::create_directories((m_root / path).parent_path());
        std::ofstream((m_root / path).string(), std::ios::trunc) << content;
    }

    fs::path m_root;
    tasks::TreeRoots m_roots;
};

TEST_F(TreeStateTest, AFileScWroteAndNotedIsNotReadOrSavedAgainByTheNextCheck) {
    TreeState state;
    ASSERT_TRUE(state.detect(m_roots).ok());  // learns the folder
    auto changes = write_task(state, "# A\n");
    state.note_written(m_roots, changes);
    Result<std::vector<tasks::FileChange>> found = state.detect(m_roots);
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(found->empty());
    EXPECT_FALSE(state.modified()) << "nothing new was learnt, so nothing needs saving";
}

TEST_F(TreeStateTest, AFileGrownPastTheTaskFileLimitIsRecordedBySizeOnlyOnceAndReplaysToTheSameState) {
    TreeState state;
    ASSERT_TRUE(state.detect(m_roots).ok());
    auto changes = write_task(state, "# A\n");
    state.note_written(m_roots, changes);
    const uint64_t size = (uint64_t {9} << 20) + 5;
    fs::resize_file(m_root / "current/a-11A.task.md", size);  // sparse: nothing to read would be cheap

    Result<std::vector<tasks::FileChange>> found = state.detect(m_roots);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front().kind, tasks::FileChangeKind::file_modified);
    EXPECT_EQ(found->front().oversized_bytes, size);
    EXPECT_TRUE(found->front().content.empty());
    EXPECT_TRUE(state.detect(m_roots)->empty()) << "recorded once";

    // Replayed from the events, the state agrees with the one that found the file.
    TreeModel model;
    ASSERT_TRUE(model.apply({{tasks::FileChangeKind::folder_created, "current", {}, {}, tasks::TreeKind::store}}).ok());
    ASSERT_TRUE(model.apply(changes).ok());
    ASSERT_TRUE(model.apply(found.value()).ok());
    ASSERT_EQ(model.oversized().size(), 1U);
    EXPECT_EQ(model.oversized().front().second, size);
    EXPECT_EQ(TreeState::from_model(model).files().at("store:current/a-11A.task.md").hash,
              state.files().at("store:current/a-11A.task.md").hash);
    Result<TreeModel> live = TreeModel::read_live(m_roots);
    ASSERT_TRUE(live.ok());
    EXPECT_TRUE(model.differences(live.value()).empty());

    // Shrunk under the limit, it is read and recorded whole again.
    write("current/a-11A.task.md", "# A again\n");
    found = state.detect(m_roots);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front().oversized_bytes, 0U);
    EXPECT_EQ(found->front().content, "# A again\n");
}

TEST_F(TreeStateTest, WithoutNoteTheNextCheckReadsTheFileToLearnItsStat) {
    TreeState state;
    ASSERT_TRUE(state.detect(m_roots).ok());
    write_task(state, "# A\n");
    Result<std::vector<tasks::FileChange>> found = state.detect(m_roots);
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(found->empty());
    EXPECT_TRUE(state.modified());
}

TEST_F(TreeStateTest, AnEditMadeBetweenTheWriteAndTheNoteIsStillFound) {
    TreeState state;
    ASSERT_TRUE(state.detect(m_roots).ok());
    auto changes = write_task(state, "# A\n");
    std::ofstream((m_root / "current/a-11A.task.md").string(), std::ios::app) << "edited by hand\n";
    state.note_written(m_roots, changes);
    Result<std::vector<tasks::FileChange>> found = state.detect(m_roots);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front().kind, tasks::FileChangeKind::file_modified);
    EXPECT_EQ(found->front().content, "# A\nedited by hand\n");
}

TEST_F(TreeStateTest, EditsMadeBehindScsBackAreFoundInAnOrderThatReplays) {
    write("current/a-11A.task.md", "a");
    write("current/b-11A.task.md", "b");
    write("current/c-11A.task.md", "c");
    TreeState state;
    ASSERT_TRUE(state.detect(m_roots).ok());
    ASSERT_TRUE(state.detect(m_roots)->empty()) << "nothing changed since";

    write("current/a-11A.task.md", "a, edited");                // modified
    fs::remove(m_root / "current/b-11A.task.md");               // removed
    fs::remove(m_root / "current/c-11A.task.md");               // a file replaced by a folder
    write("current/c-11A.task.md/inside.md", "odd but legal");  //   of the same name
    write("archive/2026-11/p-11A/_overview.md", "p");           // folders created, parents first
    Result<std::vector<tasks::FileChange>> found = state.detect(m_roots);
    ASSERT_TRUE(found.ok()) << found.error().describe();
    std::vector<std::string> seen;
    for (const tasks::FileChange& change : *found)
        seen.push_back(std::string(tasks::to_string(change.kind)) + " " + change.path);
    std::vector<std::string> expected = {"file_removed current/b-11A.task.md",
                                         "file_removed current/c-11A.task.md",
                                         "folder_created archive",
                                         "folder_created archive/2026-11",
                                         "folder_created archive/2026-11/p-11A",
                                         "folder_created current/c-11A.task.md",
                                         "file_created archive/2026-11/p-11A/_overview.md",
                                         "file_modified current/a-11A.task.md",
                                         "file_created current/c-11A.task.md/inside.md"};
    EXPECT_EQ(seen, expected);

    TreeState fresh;
    ASSERT_TRUE(fresh.detect(m_roots).ok());
    EXPECT_EQ(state.files(), fresh.files()) << "the same hashes, sizes and stats as a check from scratch";
    EXPECT_EQ(state.folders(), fresh.folders());
    EXPECT_TRUE(state.detect(m_roots)->empty());
}

TEST_F(TreeStateTest, TheCheckLeavesEachFolderListedExactlyAsTheTaskScanWouldReadIt) {
    write("current/b-11A.task.md");
    write("current/a-11A.task.md");
    write("current/.hidden");
    write("current/c-11A.task.md.tmp-1-2");  // an atomic write under way: listed, not checked
    fs::create_directories(m_root / "current/p-11A");
    write("current/p-11A/_overview.md");
    fs::create_symlink("/etc", m_root / "current/link");
    std::vector<std::string> folders = {m_root.string(), (m_root / "current").string(),
                                        (m_root / "current/p-11A").string()};
    std::map<std::string, std::vector<tasks::DirectoryEntry>> kept;
    {
        tasks::FolderListings listings;
        TreeState state;
        ASSERT_TRUE(state.detect(m_roots).ok());
        for (const std::string& folder : folders)
            kept[folder] = tasks::read_folder(folder);  // taken from the check's listings
    }
    for (const std::string& folder : folders) {
        std::vector<tasks::DirectoryEntry> read = tasks::read_folder(folder, true);  // from the disk
        ASSERT_EQ(kept[folder].size(), read.size()) << folder;
        for (size_t i = 0; i < read.size(); ++i) {
            EXPECT_EQ(kept[folder][i].name, read[i].name) << folder;
            EXPECT_EQ(kept[folder][i].type, read[i].type) << folder << "/" << read[i].name;
            // Each task file carries the stat the check took, so the listing does not take it again.
            if (read[i].name.find(".md") != std::string::npos && read[i].name.find(".tmp-") == std::string::npos) {
                EXPECT_TRUE(kept[folder][i].stat.same_file_as(read[i].stat)) << folder << "/" << read[i].name;
            }
        }
    }
}

// The state file is a journal: what a command changed is appended, and loading it gives back
// exactly the state that was saved.

tasks::FileChange change(tasks::FileChangeKind kind, const std::string& path, const std::string& content = {},
                         const std::string& old_path = {}) {
    return {kind, path, old_path, content, tasks::TreeKind::store};
}

size_t line_count(const std::string& path) {
    Result<std::string> content = files::read(path);
    return content.ok() ? static_cast<size_t>(std::count(content->begin(), content->end(), '\n')) : 0;
}

void expect_loads_as(const std::string& path, const TreeState& saved) {
    Result<TreeState> loaded = TreeState::load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(loaded->files(), saved.files());
    EXPECT_EQ(loaded->folders(), saved.folders());
}

using Kind = tasks::FileChangeKind;

TEST_F(TreeStateTest, ASaveAfterTheFirstAppendsOnlyTheEntriesThatChanged) {
    std::string path = (m_root / "state").string();
    TreeState state;
    ASSERT_TRUE(
        state
            .apply({change(Kind::folder_created, "current"), change(Kind::file_created, "current/a.task.md", "a"),
                    change(Kind::file_created, "current/b.task.md", "b")})
            .ok());
    ASSERT_TRUE(state.save(path).ok());
    size_t first = line_count(path);
    EXPECT_EQ(first, 6U) << "the header, one folder, two files, the digest and the seq";

    ASSERT_TRUE(state.apply({change(Kind::file_modified, "current/a.task.md", "a2")}).ok());
    ASSERT_TRUE(state.save(path).ok());
    EXPECT_EQ(line_count(path), first + 3) << "the changed entry, the digest and the seq";
    expect_loads_as(path, state);
    EXPECT_FALSE(state.unsaved());
    ASSERT_TRUE(state.save(path).ok());
    EXPECT_EQ(line_count(path), first + 3) << "nothing changed, nothing written";
}

TEST_F(TreeStateTest, RemovalsAndAMovedFolderLoadBackExactlyAsSaved) {
    std::string path = (m_root / "state").string();
    TreeState state;
    ASSERT_TRUE(state
                    .apply({change(Kind::folder_created, "current"), change(Kind::folder_created, "current/p-11A"),
                            change(Kind::file_created, "current/p-11A/_overview.md", "p"),
                            change(Kind::file_created, "current/p-11A/01_s.task.md", "s"),
                            change(Kind::file_created, "current/x.task.md", "x")})
                    .ok());
    ASSERT_TRUE(state.save(path).ok());
    Result<TreeState> reloaded = TreeState::load(path);
    ASSERT_TRUE(reloaded.ok());
    TreeState next = std::move(reloaded.value());
    ASSERT_TRUE(next.apply({change(Kind::folder_created, "archive"),
                            change(Kind::renamed, "archive/p-11A", {}, "current/p-11A"),
                            change(Kind::file_removed, "current/x.task.md")})
                    .ok());
    ASSERT_TRUE(next.save(path).ok());
    expect_loads_as(path, next);
    EXPECT_EQ(next.files().count("store:archive/p-11A/01_s.task.md"), 1U);
    EXPECT_EQ(next.files().count("store:current/p-11A/01_s.task.md"), 0U);
}

TEST_F(TreeStateTest, AnAppendingStateAddsItsChangesToTheSavedOneWithoutADigest) {
    std::string path = (m_root / "state").string();
    TreeState state;
    ASSERT_TRUE(
        state
            .apply({change(Kind::folder_created, "current"), change(Kind::file_created, "current/a.task.md", "a"),
                    change(Kind::file_created, "current/b.task.md", "b")})
            .ok());
    state.set_seq(3);
    ASSERT_TRUE(state.save(path).ok());
    // What a command that did not load the state records: its own changes, appended.
    TreeState appending = TreeState::appending(3);
    ASSERT_TRUE(appending
                    .apply({change(Kind::file_modified, "current/a.task.md", "a2"),
                            change(Kind::file_removed, "current/b.task.md"), change(Kind::folder_created, "current/p"),
                            change(Kind::file_created, "current/p/_overview.md", "p")})
                    .ok());
    appending.set_seq(4);
    ASSERT_TRUE(appending.save(path).ok());
    std::optional<StateSummary> summary = TreeState::read_summary(path);
    ASSERT_TRUE(summary.has_value());
    EXPECT_EQ(summary->seq, 4U);
    EXPECT_FALSE(summary->digest_known) << "the digest of the whole tree is not known to a partial state";
    ASSERT_TRUE(state
                    .apply({change(Kind::file_modified, "current/a.task.md", "a2"),
                            change(Kind::file_removed, "current/b.task.md"), change(Kind::folder_created, "current/p"),
                            change(Kind::file_created, "current/p/_overview.md", "p")})
                    .ok());
    state.set_seq(4);
    expect_loads_as(path, state);
    // A move needs the entries under the moved name: refused, the owner loads the state.
    EXPECT_FALSE(
        TreeState::appending(4).apply({change(Kind::renamed, "archive/a.task.md", {}, "current/a.task.md")}).ok());
}

TEST_F(TreeStateTest, ATornLastLineIsIgnoredAndTheNextSaveRewritesTheFile) {
    std::string path = (m_root / "state").string();
    TreeState state;
    ASSERT_TRUE(
        state.apply({change(Kind::folder_created, "current"), change(Kind::file_created, "current/a.task.md", "a")})
            .ok());
    ASSERT_TRUE(state.save(path).ok());
    // A crash in the middle of an append: half a line, no newline.
    ASSERT_TRUE(files::append_existing(path, "F 00000000000000ff 2 7 9 store:current/b.ta").ok());
    Result<TreeState> loaded = TreeState::load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(loaded->files(), state.files()) << "the torn entry is not trusted";
    EXPECT_TRUE(loaded->unsaved()) << "the file must be rewritten, not appended to";
    ASSERT_TRUE(loaded->save(path).ok());
    Result<std::string> content = files::read(path);
    ASSERT_TRUE(content.ok());
    EXPECT_EQ(content->find("b.ta"), std::string::npos);
    expect_loads_as(path, state);
}

TEST_F(TreeStateTest, TheJournalIsRewrittenWholeOnceItOutgrowsTheTree) {
    std::string path = (m_root / "state").string();
    TreeState state;
    ASSERT_TRUE(
        state.apply({change(Kind::folder_created, "current"), change(Kind::file_created, "current/a.task.md", "0")})
            .ok());
    ASSERT_TRUE(state.save(path).ok());
    size_t longest = 0;
    for (int edit = 1; edit <= 300; ++edit) {
        ASSERT_TRUE(state.apply({change(Kind::file_modified, "current/a.task.md", std::to_string(edit))}).ok());
        ASSERT_TRUE(state.save(path).ok());
        longest = std::max(longest, line_count(path));
    }
    EXPECT_LE(longest, 1U + 2 * 3 + 64 + 2) << "a header and at most twice the tree (and its seq) plus the floor";
    expect_loads_as(path, state);
}

TEST_F(TreeStateTest, TheSeqOfTheLastEventReflectedIsSavedWithEverySave) {
    std::string path = (m_root / "state").string();
    TreeState state;
    ASSERT_TRUE(state.apply({change(Kind::folder_created, "current")}).ok());
    state.set_seq(7);
    ASSERT_TRUE(state.save(path).ok());
    ASSERT_TRUE(state.apply({change(Kind::file_created, "current/a.task.md", "a")}).ok());
    state.set_seq(9);
    ASSERT_TRUE(state.save(path).ok());
    Result<TreeState> loaded = TreeState::load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(loaded->seq(), 9U);
    // A seq that moves on with no entry changed (events of files already known) is saved too.
    loaded->set_seq(12);
    EXPECT_TRUE(loaded->unsaved());
    ASSERT_TRUE(loaded->save(path).ok());
    EXPECT_EQ(TreeState::load(path)->seq(), 12U);
}

TEST_F(TreeStateTest, EntriesOfASaveCutShortBeforeItsSeqAreNotTrusted) {
    std::string path = (m_root / "state").string();
    TreeState state;
    ASSERT_TRUE(
        state.apply({change(Kind::folder_created, "current"), change(Kind::file_created, "current/a.task.md", "a")})
            .ok());
    state.set_seq(3);
    ASSERT_TRUE(state.save(path).ok());
    // Complete lines, but the save died before its "S" line: they describe an event the state
    // does not claim to reflect, so they are dropped and the events are applied again.
    ASSERT_TRUE(
        files::append_existing(path, "F 00000000000000ff 2 7 9 store:current/b.task.md\nR store:current/a.task.md\n")
            .ok());
    Result<TreeState> loaded = TreeState::load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(loaded->files(), state.files());
    EXPECT_EQ(loaded->seq(), 3U);
    EXPECT_TRUE(loaded->unsaved()) << "the file must be rewritten, not appended to";
}

TEST_F(TreeStateTest, AStateOfTheFormatWithoutSeqIsTreatedAsMissing) {
    std::string path = (m_root / "state").string();
    ASSERT_TRUE(
        files::write_atomic(path, "# scopecraft task-tree state v2 (derived; safe to delete)\nD store:current\n").ok());
    Result<TreeState> loaded = TreeState::load(path);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().code, ErrorCode::not_found) << "rebuilt from the events, without a warning";
}

TEST_F(TreeStateTest, AnUnreadableLineInTheMiddleIsAnErrorThatNamesTheLine) {
    std::string path = (m_root / "state").string();
    ASSERT_TRUE(
        files::write_atomic(path, "# scopecraft task-tree state v3\nD store:current\nF zz\nD store:archive\nS 4\n")
            .ok());
    Result<TreeState> loaded = TreeState::load(path);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().where.line, 3);
}

TEST_F(TreeStateTest, EverySaveEndsWithTheDigestOfTheTreeItDescribesAndAnyChangeToTheTreeBreaksIt) {
    std::string path = (m_root.parent_path() / (m_root.filename().string() + ".state")).string();
    write("current/a-11A.task.md", "# A\n");
    write("current/p-11A/_overview.md", "# P\n");
    TreeState state;
    ASSERT_TRUE(state.detect(m_roots).ok());
    state.set_seq(5);
    ASSERT_TRUE(state.save(path).ok());
    auto live = [&] {
        Result<TreeDigest> digest = TreeState::live_digest(m_roots);
        EXPECT_TRUE(digest.ok());
        return digest.ok() ? *digest : TreeDigest {};
    };
    std::optional<StateSummary> saved = TreeState::read_summary(path);
    ASSERT_TRUE(saved.has_value());
    EXPECT_EQ(saved->seq, 5U);
    EXPECT_EQ(saved->digest, live());
    EXPECT_EQ(saved->digest.entries, 4U);  // current, current/p-11A and the two files
    EXPECT_EQ(state.digest(), live());
    // Each kind of change moves it: a file rewritten in place at the same size (its mtime), a
    // new empty folder, a file removed.
    struct timespec times[2] = {{0, UTIME_OMIT}, {1'000'000'000, 42}};
    ASSERT_EQ(::utimensat(AT_FDCWD, (m_root / "current/a-11A.task.md").c_str(), times, 0), 0);
    EXPECT_NE(live(), saved->digest);
    ASSERT_TRUE(state.detect(m_roots).ok());
    ASSERT_TRUE(state.save(path).ok());  // appended: the digest follows the new entries
    ASSERT_EQ(TreeState::read_summary(path)->digest, live());
    fs::create_directories(m_root / "current/empty");
    EXPECT_NE(live(), TreeState::read_summary(path)->digest);
    fs::remove(m_root / "current/empty");
    EXPECT_EQ(live(), TreeState::read_summary(path)->digest);
    fs::remove(m_root / "current/p-11A/_overview.md");
    EXPECT_NE(live(), TreeState::read_summary(path)->digest);
    // A state that does not know a file's stat (rebuilt from the events) never matches.
    TreeState unknown;
    ASSERT_TRUE(
        unknown
            .apply(
                {{tasks::FileChangeKind::folder_created, "current", {}, {}, tasks::TreeKind::store},
                 {tasks::FileChangeKind::file_created, "current/a-11A.task.md", {}, "# A\n", tasks::TreeKind::store}})
            .ok());
    write("current/p-11A/_overview.md", "# P\n");
    fs::remove_all(m_root / "current/p-11A");
    EXPECT_NE(unknown.digest(), live());
    fs::remove(path);
}

TEST_F(TreeStateTest, AStateWithoutADigestBeforeItsLastSeqHasASummaryWithoutDigest) {
    std::string path = (m_root.parent_path() / (m_root.filename().string() + ".state")).string();
    // Saved by an sc of before the digest: it is loaded as before, and checked the long way.
    ASSERT_TRUE(files::write_atomic(path, "# scopecraft task-tree state v3\nD store:current\nS 4\n").ok());
    ASSERT_TRUE(TreeState::read_summary(path).has_value());
    EXPECT_FALSE(TreeState::read_summary(path)->digest_known);
    EXPECT_EQ(TreeState::read_summary(path)->seq, 4U);
    EXPECT_TRUE(TreeState::load(path).ok());
    // Appended to after a save with a digest (by an older sc, or by a command that did not
    // load the state): the digest is not the last save's.
    ASSERT_TRUE(files::write_atomic(path,
                                    "# scopecraft task-tree state v3\nD store:current\n#H 1 "
                                    "00000000000000ab 00000000000000cd\nS 4\nD store:archive\nS 5\n")
                    .ok());
    ASSERT_TRUE(TreeState::read_summary(path).has_value());
    EXPECT_FALSE(TreeState::read_summary(path)->digest_known);
    EXPECT_EQ(TreeState::read_summary(path)->seq, 5U);
    // A save cut short after its digest: no seq line last.
    ASSERT_TRUE(files::write_atomic(path,
                                    "# scopecraft task-tree state v3\nD store:current\n#H 1 "
                                    "00000000000000ab 00000000000000cd\nS 4\nD store:archive\n#H 2 1")
                    .ok());
    EXPECT_FALSE(TreeState::read_summary(path).has_value());
    ASSERT_TRUE(files::write_atomic(path,
                                    "# scopecraft task-tree state v3\nD store:current\n#H 1 "
                                    "00000000000000ab 00000000000000cd\nS 4\n")
                    .ok());
    std::optional<StateSummary> summary = TreeState::read_summary(path);
    ASSERT_TRUE(summary.has_value());
    EXPECT_TRUE(summary->digest_known);
    EXPECT_EQ(summary->seq, 4U);
    EXPECT_EQ(summary->digest.entries, 1U);
    EXPECT_EQ(summary->digest.first, 0xabU);
    EXPECT_EQ(summary->digest.second, 0xcdU);
    EXPECT_FALSE(TreeState::read_summary(path + ".missing").has_value());
    fs::remove(path);
}

TEST(TreeModelDifferences, ContentThatDiffersSaysFromWhichByteAndWhereTheLiveFileIsNotUtf8) {
    TreeModel events;
    TreeModel live;
    ASSERT_TRUE(events
                    .apply({change(Kind::folder_created, "current"),
                            change(Kind::file_created, "current/a.task.md", "# A\nabc\n")})
                    .ok());
    ASSERT_TRUE(live.apply({change(Kind::folder_created, "current"),
                            change(Kind::file_created, "current/a.task.md", "# A\nab\xff\n")})
                    .ok());
    std::vector<std::string> differences = events.differences(live);
    ASSERT_EQ(differences.size(), 1U);
    EXPECT_EQ(differences[0],
              "content differs: store:current/a.task.md (from byte 6; events: 8 bytes, live: 8 bytes; the live file is "
              "not valid UTF-8 at byte 6)");
}

}  // namespace
}  // namespace sc::observe
