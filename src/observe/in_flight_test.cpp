// The in-flight journal: what the next command does about an operation a kill cut short.
#include "observe/in_flight.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "util/files.hpp"

namespace sc::observe {
namespace {

namespace fs = std::filesystem;
using Kind = tasks::FileChangeKind;

class InFlightTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = fs::path(::testing::TempDir()) / ("in-flight-" + std::to_string(::getpid()) + "-" +
                                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_root);
        fs::create_directories(m_root / "tree/current");
        m_tree = (m_root / "tree").string();
        m_journal = (m_root / "in-flight").string();
        ASSERT_TRUE(files::create_exclusive(m_tree + "/current/kept.task.md", "kept").ok());
        ASSERT_TRUE(files::create_exclusive(m_tree + "/current/edited.task.md", "before").ok());
        ASSERT_TRUE(files::create_exclusive(m_tree + "/current/gone.task.md", "gone").ok());
    }
    void TearDown() override { fs::remove_all(m_root); }

    /// An operation of several changes applied through the task layer with the journal
    /// installed, as a command does, and then "killed": the journal is left behind.
    void apply_and_die(uint64_t base_seq) {
        InFlightJournal journal(m_journal, base_seq);
        tasks::ChangeJournal::Installed installed(&journal);
        std::vector<tasks::FileChange> changes = {
            {Kind::folder_created, "current/p-11A", {}, {}, tasks::TreeKind::store},
            {Kind::file_created, "current/p-11A/_overview.md", {}, "parent", tasks::TreeKind::store},
            {Kind::file_modified, "current/edited.task.md", {}, "after", tasks::TreeKind::store},
            {Kind::file_removed, "current/gone.task.md", {}, {}, tasks::TreeKind::store},
            {Kind::renamed, "current/moved.task.md", "current/kept.task.md", {}, tasks::TreeKind::store}};
        ASSERT_TRUE(tasks::apply_file_changes({m_tree, {}}, changes).ok());
    }
    std::map<std::string, std::string> tree() const {
        std::map<std::string, std::string> files;
        for (const auto& entry : fs::recursive_directory_iterator(m_tree))
            files[fs::relative(entry.path(), m_tree).string()] =
                entry.is_directory() ? "<folder>" : files::read(entry.path().string()).value();
        return files;
    }

    fs::path m_root;
    std::string m_tree;
    std::string m_journal;
};

TEST_F(InFlightTest, AnOperationWhoseEventIsNotInTheLogIsUndoneWhole) {
    auto before = tree();
    apply_and_die(41);
    ASSERT_TRUE(fs::exists(m_journal));
    ASSERT_NE(tree(), before);
    Result<InFlightOutcome> outcome = recover_in_flight(m_journal, 41);
    ASSERT_TRUE(outcome.ok()) << outcome.error().describe();
    EXPECT_EQ(outcome.value(), InFlightOutcome::undone);
    EXPECT_EQ(tree(), before);
    EXPECT_FALSE(fs::exists(m_journal));
}

TEST_F(InFlightTest, AnOperationWhoseEventIsInTheLogIsKept) {
    apply_and_die(41);
    auto after = tree();
    Result<InFlightOutcome> outcome = recover_in_flight(m_journal, 42);
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.value(), InFlightOutcome::kept);
    EXPECT_EQ(tree(), after);
    EXPECT_FALSE(fs::exists(m_journal));
}

TEST_F(InFlightTest, AFileEditedSinceTheKillIsNotOverwrittenByTheUndo) {
    apply_and_die(41);
    ASSERT_TRUE(files::write_atomic(m_tree + "/current/edited.task.md", "a hand edit").ok());
    ASSERT_TRUE(recover_in_flight(m_journal, 41).ok());
    EXPECT_EQ(files::read(m_tree + "/current/edited.task.md").value(), "a hand edit");
}

TEST_F(InFlightTest, AFileWhoseCreateWasCutByTheKillIsRemovedButAnotherFileIsNot) {
    {
        InFlightJournal journal(m_journal, 7);
        tasks::ChangeJournal::Installed installed(&journal);
        // The journal is told of both creates; the kill leaves the first empty (created with
        // O_EXCL, nothing written yet) and the second with other bytes (someone else's).
        tasks::FileChange cut {Kind::file_created, "current/cut.task.md", {}, "# Cut\n\n---\n", tasks::TreeKind::store};
        tasks::FileChange other {Kind::file_created, "current/other.task.md", {}, "# Ours\n", tasks::TreeKind::store};
        ASSERT_TRUE(journal.before(m_tree, cut, "").ok());
        ASSERT_TRUE(journal.before(m_tree, other, "").ok());
    }
    ASSERT_TRUE(files::write_atomic(m_tree + "/current/cut.task.md", "# Cu").ok());
    ASSERT_TRUE(files::write_atomic(m_tree + "/current/other.task.md", "# Theirs\n").ok());
    ASSERT_EQ(recover_in_flight(m_journal, 7).value(), InFlightOutcome::undone);
    EXPECT_FALSE(fs::exists(m_tree + "/current/cut.task.md"));
    EXPECT_TRUE(fs::exists(m_tree + "/current/other.task.md"));
}

TEST_F(InFlightTest, AnEntryCutShortWasNeverStartedAndNoJournalIsNothingToDo) {
    ASSERT_TRUE(files::write_atomic(m_journal,
                                    "# scopecraft in-flight operation v1, log seq 5\n"
                                    "{\"kind\":\"file_created\",\"root\":\"" +
                                        m_tree + "\",\"path\":\"current/kept.task.md\",\"newHa")
                    .ok());
    auto before = tree();
    Result<InFlightOutcome> outcome = recover_in_flight(m_journal, 5);
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.value(), InFlightOutcome::abandoned) << "nothing had reached the disk: nothing to say";
    EXPECT_EQ(tree(), before) << "the cut entry's file is someone else's";
    EXPECT_EQ(recover_in_flight(m_journal, 5).value(), InFlightOutcome::none);
}

TEST_F(InFlightTest, OutsideEditsRecordedMidOperationMoveItsBaseSeqOn) {
    // A command that checks the files it changes as it changes them may record an outside
    // edit (event 8) after its journal began at 7: killed before its own event, it is undone.
    auto before = tree();
    {
        InFlightJournal journal(m_journal, 7);
        tasks::ChangeJournal::Installed installed(&journal);
        size_t seen = 0;
        journal.set_before_change([&](const std::string&, const tasks::FileChange&) {
            if (++seen == 2) {
                ASSERT_TRUE(journal.rebase(8).ok());  // after the first change was journaled
            }
        });
        ASSERT_TRUE(
            tasks::apply_file_changes(
                {m_tree, {}}, {{Kind::file_created, "current/new.task.md", {}, "new", tasks::TreeKind::store},
                               {Kind::file_modified, "current/edited.task.md", {}, "after", tasks::TreeKind::store}})
                .ok());
        EXPECT_EQ(seen, 2U);
    }
    Result<InFlightOutcome> outcome = recover_in_flight(m_journal, 8);
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.value(), InFlightOutcome::undone) << "the log's 8 is the outside edit, not the operation";
    EXPECT_EQ(tree(), before);

    // Moved on before any change: the journal's header says 8.
    {
        InFlightJournal journal(m_journal, 7);
        tasks::ChangeJournal::Installed installed(&journal);
        ASSERT_TRUE(journal.rebase(8).ok());  // before any change: the header says 8
        ASSERT_TRUE(tasks::apply_file_changes(
                        {m_tree, {}}, {{Kind::file_created, "current/new.task.md", {}, "new", tasks::TreeKind::store}})
                        .ok());
    }
    outcome = recover_in_flight(m_journal, 8);
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.value(), InFlightOutcome::undone);
    // Its own event stored after the outside edit's (9): kept.
    ASSERT_TRUE(files::create_exclusive(m_tree + "/current/new.task.md", "new").ok());
    {
        InFlightJournal journal(m_journal, 7);
        ASSERT_TRUE(journal.rebase(8).ok());
        tasks::ChangeJournal::Installed installed(&journal);
        ASSERT_TRUE(
            tasks::apply_file_changes(
                {m_tree, {}}, {{Kind::file_modified, "current/new.task.md", {}, "newer", tasks::TreeKind::store}})
                .ok());
    }
    outcome = recover_in_flight(m_journal, 9);
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.value(), InFlightOutcome::kept);
    EXPECT_EQ(files::read(m_tree + "/current/new.task.md").value(), "newer");
}

}  // namespace
}  // namespace sc::observe
