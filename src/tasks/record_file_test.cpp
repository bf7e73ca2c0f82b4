// The record files' shared reading and writing (tasks/record_file.hpp): a file is read up to its
// last commit whatever follows it (a save cut short, a torn record, garbage, a wrong count), and
// a file written whole replaces the old one at once or not at all.

#include "tasks/record_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tasks/tree_test_support.hpp"
#include "util/files.hpp"

namespace sc::tasks::record_file {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

constexpr std::string_view k_header = "# test records, format 1\n";

/// What read_committed hands over: each committed save's records as "kind:payload".
struct Read {
    std::vector<std::vector<std::string>> saves;
    std::vector<std::string> tokens;  // each commit's
    size_t committed = 0;
};

/// Records "R <bytes>\n<payload>\n"; anything else does not decode.
Read read(std::string_view text) {
    Read result;
    std::vector<std::string> pending;
    result.committed = read_committed(
        text, k_header,
        [&](char kind, Cursor& cursor) {
            size_t length = 0;
            std::string_view payload;
            if (kind != 'R' || !cursor.number(length, '\n') || !cursor.line(length, payload))
                return false;
            pending.push_back(std::string(1, kind) + ":" + std::string(payload));
            return true;
        },
        [&](std::string_view token) {
            result.saves.push_back(pending);
            result.tokens.emplace_back(token);
            pending.clear();
        });
    return result;
}

std::string record(std::string_view payload) {
    return "R " + std::to_string(payload.size()) + "\n" + std::string(payload) + "\n";
}

TEST(RecordFile, ReadsEverySaveUpToTheLastCommit) {
    std::string text = std::string(k_header) + record("a") + record("b\nc") + "C 2\n" + record("") + "C 1\n";
    Read got = read(text);
    ASSERT_EQ(got.saves.size(), 2U);
    EXPECT_EQ(got.saves[0], (std::vector<std::string> {"R:a", "R:b\nc"})) << "lengths frame any bytes";
    EXPECT_EQ(got.saves[1], (std::vector<std::string> {"R:"}));
    EXPECT_EQ(got.committed, text.size());
}

TEST(RecordFile, ACommitMayCarryATokenAndAppendCommitWritesWhatTheReaderReads) {
    std::string text = std::string(k_header) + record("a");
    append_commit(text, 1, "4f2a-17");
    text += record("b");
    append_commit(text, 1);
    Read got = read(text);
    ASSERT_EQ(got.saves.size(), 2U);
    EXPECT_EQ(got.tokens, (std::vector<std::string> {"4f2a-17", ""}));
    EXPECT_EQ(got.committed, text.size());
    for (std::string bad : {"C 1 \n", "C 1x\n", "C  1\n", "C 1 tok"}) {
        Read cut = read(std::string(k_header) + record("a") + bad);
        EXPECT_TRUE(cut.saves.empty()) << bad;
    }
}

TEST(RecordFile, ASaveCutShortAnywhereIsNotReadAndTheCommitBeforeItStands) {
    std::string first = std::string(k_header) + record("kept") + "C 1\n";
    std::string second = record("lost one") + record("lost two") + "C 2\n";
    for (size_t cut = 0; cut < second.size(); ++cut) {
        Read got = read(first + second.substr(0, cut));
        ASSERT_EQ(got.saves.size(), 1U) << "cut at " << cut;
        EXPECT_EQ(got.saves[0], (std::vector<std::string> {"R:kept"}));
        EXPECT_EQ(got.committed, first.size()) << "cut at " << cut;
    }
}

TEST(RecordFile, ATornRecordGarbageOrAWrongCountEndsTheReadAtTheCommitBefore) {
    std::string first = std::string(k_header) + record("kept") + "C 1\n";
    for (std::string after : {
             std::string("R 9\nshort\n") + "C 1\n",  // a length past its bytes
             std::string("R 4\nfour!") + "C 1\n",    // no line break after the bytes
             std::string("R x\nfour\n") + "C 1\n",   // not a number
             std::string("Q 4\nfour\n") + "C 1\n",   // a kind the owner does not know
             record("one") + "C 2\n",                // a count that disagrees
             record("one") + "C 1",                  // a commit without its line break
             std::string("\0\0\0\0garbage", 11),     // garbage
             std::string("C 0\n"),                   // an empty save is a save
         }) {
        Read got = read(first + after);
        ASSERT_GE(got.saves.size(), 1U) << after;
        EXPECT_EQ(got.saves[0], (std::vector<std::string> {"R:kept"})) << after;
        if (after == "C 0\n") {
            EXPECT_EQ(got.committed, first.size() + after.size());
            continue;
        }
        EXPECT_EQ(got.saves.size(), 1U) << after;
        EXPECT_EQ(got.committed, first.size()) << after;
    }
}

TEST(RecordFile, AnotherHeaderIsNotReadAtAll) {
    Read got = read("# test records, format 2\n" + record("a") + "C 1\n");
    EXPECT_TRUE(got.saves.empty());
    EXPECT_EQ(got.committed, 0U);
    EXPECT_EQ(read("").committed, 0U);
    Read header_only = read(k_header);
    EXPECT_EQ(header_only.committed, k_header.size()) << "a header alone is an empty file, whole";
}

TEST(RecordFile, TheCursorNeverReadsPastTheText) {
    Cursor cursor {"12 abc", 0};
    size_t number = 0;
    std::string_view bytes;
    ASSERT_TRUE(cursor.number(number, ' '));
    EXPECT_EQ(number, 12U);
    EXPECT_FALSE(cursor.bytes(4, bytes));
    EXPECT_FALSE(cursor.line(3, bytes)) << "no line break after the bytes";
    EXPECT_EQ(cursor.position, 3U) << "nothing consumed by a read that fails";
    ASSERT_TRUE(cursor.bytes(3, bytes));
    EXPECT_EQ(bytes, "abc");
    EXPECT_FALSE(cursor.number(number, ' '));
    EXPECT_FALSE(cursor.literal("x"));
    EXPECT_TRUE(cursor.literal(""));
}

TEST(RecordFile, AMappingIsEmptyForAMissingShortOrNonRegularFile) {
    TempDir dir;
    std::string path = dir.path() + "/records";
    EXPECT_EQ(Mapping::open(path, k_header.size(), false).size(), 0U);
    ASSERT_TRUE(files::write_atomic(path, "# test").ok());
    EXPECT_EQ(Mapping::open(path, k_header.size(), true).size(), 0U) << "shorter than its header";
    EXPECT_EQ(Mapping::open(dir.path(), 0, false).size(), 0U) << "a folder";
    std::string text = std::string(k_header) + record("a") + "C 1\n";
    ASSERT_TRUE(files::write_atomic(path, text).ok());
    Mapping mapping = Mapping::open(path, k_header.size(), true);
    EXPECT_EQ(mapping.text(), text);
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(mapping.inode(), static_cast<uint64_t>(info.st_ino));
    Mapping moved = std::move(mapping);
    EXPECT_EQ(moved.text(), text);
    EXPECT_EQ(mapping.size(), 0U);  // NOLINT(bugprone-use-after-move): moved from, empty
}

TEST(RecordFile, ASaveIsAppendedOnlyToTheFileLoadedEndingAtItsCommit) {
    TempDir dir;
    std::string path = dir.path() + "/records";
    std::string text = std::string(k_header) + record("a") + "C 1\n";
    ASSERT_TRUE(files::write_atomic(path, text).ok());
    Mapping mapping = Mapping::open(path, k_header.size(), false);
    EXPECT_TRUE(can_append(path, mapping.inode(), text.size()));
    EXPECT_FALSE(can_append(path, mapping.inode(), text.size() - 1)) << "something after the commit";
    ASSERT_TRUE(files::write_atomic(path, text).ok());  // replaced by another writer
    EXPECT_FALSE(can_append(path, mapping.inode(), text.size()));
    EXPECT_FALSE(can_append(dir.path() + "/missing", mapping.inode(), text.size()));
}

TEST(RecordFile, AWholeWriteReplacesTheFileAtItsCommitAndLeavesNothingWhenItDoesNotGetThere) {
    TempDir dir;
    std::string path = dir.path() + "/records";
    ASSERT_TRUE(files::write_atomic(path, "old").ok());
    {
        Rewrite whole(path, "the test records");
        whole.out += k_header;
        whole.out += record("a");
        whole.flush();
        // Not committed: the old file stays, and no temporary is left.
    }
    EXPECT_EQ(files::read(path).value(), "old");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
    Rewrite whole(path, "the test records");
    whole.out += k_header;
    whole.out += record(std::string(3 << 20, 'x'));  // past the 1 MiB a piece
    whole.flush();
    EXPECT_TRUE(whole.out.empty()) << "written out once it held 1 MiB";
    whole.out += record("b");
    ASSERT_TRUE(whole.commit(2).ok());
    Read got = read(files::read(path).value());
    ASSERT_EQ(got.saves.size(), 1U);
    EXPECT_EQ(got.saves[0].size(), 2U);
    EXPECT_EQ(got.saves[0][1], "R:b");
    Rewrite nowhere(dir.path() + "/no-such-folder/records", "the test records");
    Status failed = nowhere.commit(0);
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find("writing the test records"), std::string::npos) << failed.error().message;
}

TEST(RecordFile, TemporariesOfEndedWritersAreRemovedAndALiveOnesKept) {
    TempDir dir;
    pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    std::string ended = dir.path() + "/records.tmp-" + std::to_string(child) + "-0";
    std::string live = dir.path() + "/records.tmp-" + std::to_string(::getpid()) + "-0";
    std::string other = dir.path() + "/other.tmp-" + std::to_string(child) + "-0";
    for (const std::string& path : {ended, live, other})
        ASSERT_TRUE(files::write_atomic(path, "x").ok());
    remove_stale_temporaries(dir.path(), "records");
    EXPECT_FALSE(fs::exists(ended));
    EXPECT_TRUE(fs::exists(live));
    EXPECT_TRUE(fs::exists(other)) << "another file's temporaries are its owner's business";
}

}  // namespace
}  // namespace sc::tasks::record_file
