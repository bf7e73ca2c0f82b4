// The id index (docs/layout.md, "The id index"): the ids it gives are those a full listing of the
// tree gives, for every corpus tree and after any mix of sc creates, outside edits of files and
// folders, index deletions and damage, and edits within one tick of the file system's clock; and
// what it stores is used only while the folder's stamps say it is unchanged.

#include "tasks/id_index.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <regex>
#include <set>

#include "tasks/id_allocator.hpp"
#include "tasks/task_service.hpp"
#include "tasks/tree_test_support.hpp"
#include "util/clock.hpp"
#include "util/files.hpp"

namespace sc::tasks {
namespace {

using testing::task_text;
using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;

/// Waits until what changed so far is older than any reference an index takes from now on (the
/// file system's clock advances by ticks of at most 10 ms), so those folders are stored.
void settle() {
    ::usleep(30'000);
}

std::set<std::string> ids_of(const IdIndex& index, std::string_view prefix = {}) {
    std::set<std::string> ids;
    index.visit(prefix, [&ids](std::string_view id) { ids.emplace(id); });
    return ids;
}

std::string read_text(const std::string& path) {
    return files::read(path).value_or("");
}

/// A pid that no process has any more.
long ended_pid() {
    pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
}

class IdIndexTest : public ::testing::Test {
protected:
    std::string root() const { return m_dir.path() + "/tasks"; }
    std::string local_root() const { return m_dir.path() + "/project/.tasks"; }
    std::string index_file() const { return IdIndex::path_for(root()); }
    TaskTree tree() const {
        std::vector<TreeRoot> extra;
        if (fs::is_directory(local_root()))
            extra.push_back({TreeKind::project_local, local_root()});
        return TaskTree({TreeKind::store, root()}, std::move(extra));
    }
    void make_tree() {
        fs::create_directories(root() + "/current");
        fs::create_directories(root() + "/archive");
    }
    /// Opens the index, checks it against a full listing, saves it and says how many folders
    /// it listed.
    size_t check(IdIndex::Options options = {}) {
        IdIndex index = IdIndex::open(tree(), options);
        EXPECT_EQ(ids_of(index), ids_in_use(tree()));
        EXPECT_TRUE(index.save().ok());
        return index.listed();
    }

    TempDir m_dir;
};

TEST_F(IdIndexTest, EveryCorpusTreeGivesTheIdsAndTheCandidatesOfAFullListing) {
    size_t trees = 0;
    static const std::regex k_lettered(R"(^(?:\d\d_)?(.+)-(\d\d)[A-Z]$)");
    for (const auto& scenario : fs::directory_iterator(testing::corpus_dir())) {
        if (!fs::is_directory(scenario.path() / "tree"))
            continue;
        SCOPED_TRACE(scenario.path().filename().string());
        fs::remove_all(root());
        fs::copy(scenario.path() / "tree", root(), fs::copy_options::recursive);
        settle();
        std::set<std::string> expected = ids_in_use(tree());
        ASSERT_FALSE(expected.empty());
        IdIndex cold = IdIndex::open(tree());
        EXPECT_EQ(ids_of(cold), expected);
        EXPECT_EQ(cold.listed(), cold.folders());
        ASSERT_TRUE(cold.save().ok());
        IdIndex warm = IdIndex::open(tree());
        EXPECT_EQ(ids_of(warm), expected);
        EXPECT_EQ(warm.listed(), 0U) << "no folder changed: nothing to list";
        // Titles whose names collide with the tree's ids, and one that collides with nothing:
        // the candidates (past Z too, where the letter is random) are those of a full listing.
        std::set<std::pair<std::string, std::string>> titles {{"A title of its own", "11"}};
        for (const std::string& id : expected) {
            std::smatch parts;
            if (std::regex_match(id, parts, k_lettered))
                titles.emplace(std::regex_replace(parts[1].str(), std::regex("-"), " "), parts[2].str());
        }
        for (const auto& [title, month] : titles) {
            for (LetterOrder order : {LetterOrder::first_free, LetterOrder::random}) {
                auto counter = [n = uint32_t {7}]() mutable { return n = n * 1103515245U + 12345U; };
                IdCandidates full(title, month, tree(), counter, order);
                IdCandidates indexed(
                    title, month,
                    [&warm](std::string_view prefix, const std::function<void(std::string_view)>& on_id) {
                        warm.visit(prefix, on_id);
                    },
                    counter, order);
                for (int i = 0; i < 30; ++i)
                    ASSERT_EQ(indexed.next(), full.next()) << title << " candidate " << i;
            }
        }
        ++trees;
    }
    EXPECT_EQ(trees, 5U);
}

TEST_F(IdIndexTest, AFolderChangedOutsideIsListedAgainAndTheOthersAreNot) {
    make_tree();
    write_file(root() + "/current/a-11A.task.md", task_text("A"));
    write_file(root() + "/current/parent-11A/_overview.md", task_text("Parent"));
    write_file(root() + "/current/parent-11A/01_sub-11B.task.md", task_text("Sub"));
    write_file(root() + "/archive/2026-11/old-11A.task.md", task_text("Old"));
    settle();
    EXPECT_EQ(check(), 4U);  // current, the parent, archive, the month (no backlog)
    EXPECT_EQ(check(), 0U);
    write_file(root() + "/current/parent-11A/02_more-11C.task.md", task_text("More"));
    EXPECT_EQ(check(), 1U) << "only the parent's folder changed";
    settle();
    EXPECT_EQ(check(), 0U);
    // A subtask renamed to a new sequence, the parent's overview removed, a month added.
    fs::rename(root() + "/current/parent-11A/01_sub-11B.task.md", root() + "/current/parent-11A/05_sub-11B.task.md");
    fs::remove(root() + "/current/parent-11A/_overview.md");
    write_file(root() + "/archive/2026-10/older-11A.task.md", task_text("Older"));
    EXPECT_EQ(check(), 3U);  // the parent's folder, archive (a new month), the new month
}

TEST_F(IdIndexTest, AFolderReplacedByAnotherOfTheSameNameIsListedAgain) {
    make_tree();
    write_file(root() + "/current/p-11A/_overview.md", task_text("P"));
    settle();
    check();
    settle();
    fs::rename(root() + "/current/p-11A", root() + "/p-old");
    write_file(root() + "/current/p-11A/01_x-11Q.task.md", task_text("X"));  // no overview now
    EXPECT_EQ(check(), 2U);
}

TEST_F(IdIndexTest, AFolderStampedAtOrAfterTheReferenceIsNotStored) {
    make_tree();
    write_file(root() + "/current/a-11A.task.md", task_text("A"));
    settle();
    // A reference older than every folder: each is racily clean, so none is stored.
    EXPECT_EQ(check(IdIndex::Options {1}), 2U);
    EXPECT_EQ(read_text(index_file()), std::string(IdIndex::header()) + "C 0\n");
    EXPECT_EQ(check(), 2U) << "listed again";
    EXPECT_EQ(check(), 0U);
}

TEST_F(IdIndexTest, AnEditWithinTheSameTickAsTheIndexIsSeen) {
    make_tree();
    for (int round = 0; round < 50; ++round) {
        // No pause at all: the folder changes in the tick the index listed it in.
        write_file(root() + "/current/t" + std::to_string(round) + "-11A.task.md", task_text("T"));
        check();
        fs::remove(root() + "/current/t" + std::to_string(round) + "-11A.task.md");
        check();
    }
}

TEST_F(IdIndexTest, AnIndexCutShortIsReadUpToItsLastCommitAndRewritten) {
    make_tree();
    write_file(root() + "/current/a-11A.task.md", task_text("A"));
    write_file(root() + "/archive/b-11A.task.md", task_text("B"));
    settle();
    check();
    settle();
    write_file(root() + "/current/c-11A.task.md", task_text("C"));
    settle();
    check();  // appends the current folder's new record
    std::string whole = read_text(index_file());
    ASSERT_TRUE(files::write_atomic(index_file(), whole.substr(0, whole.size() - 3)).ok());
    EXPECT_EQ(check(), 1U) << "the cut record is not read: its folder is listed again";
    EXPECT_EQ(check(), 0U);
    EXPECT_EQ(read_text(index_file()).rfind(IdIndex::header(), 0), 0U);
    // Damage in the middle of a record: nothing after it is read.
    whole = read_text(index_file());
    whole[IdIndex::header().size() + 2] = 'z';
    ASSERT_TRUE(files::write_atomic(index_file(), whole).ok());
    EXPECT_EQ(check(), 2U);
    EXPECT_EQ(check(), 0U);
}

TEST_F(IdIndexTest, AnIndexOfAnotherFormatOrBuildIsRebuilt) {
    make_tree();
    write_file(root() + "/current/a-11A.task.md", task_text("A"));
    settle();
    check();
    std::string whole = read_text(index_file());
    std::string other = whole;
    other.replace(other.find("format 1"), 8, "format 0");
    ASSERT_TRUE(files::write_atomic(index_file(), other).ok());
    EXPECT_EQ(check(), 2U);
    EXPECT_EQ(check(), 0U);
    std::string digest = read_text(index_file());
    size_t at = digest.find(" (derived");
    digest[at - 1] = digest[at - 1] == '0' ? '1' : '0';  // the task core's digest of another build
    ASSERT_TRUE(files::write_atomic(index_file(), digest).ok());
    EXPECT_EQ(check(), 2U);
    fs::remove(index_file());
    EXPECT_EQ(check(), 2U) << "deleted: rebuilt";
    EXPECT_EQ(check(), 0U);
}

TEST_F(IdIndexTest, ACreateRecordsItsIdSoTheNextOpenListsNothing) {
    make_tree();
    write_file(root() + "/current/a-11A.task.md", task_text("A"));
    settle();
    check();
    // As TaskService::create does, with a reference that makes the create's stamps storable.
    IdIndex::Options late {INT64_MAX / 2};
    for (const char* name : {"b-11A.task.md", "c-11A.task.md"}) {
        IdIndex index = IdIndex::open(tree(), late);
        write_file(root() + "/current/" + name, task_text("B"));
        index.created(std::string("current/") + name);
        ASSERT_TRUE(index.save().ok());
        IdIndex next = IdIndex::open(tree(), late);
        EXPECT_EQ(next.listed(), 0U);
        EXPECT_EQ(ids_of(next), ids_in_use(tree()));
    }
    EXPECT_NE(read_text(index_file()).find("\nA 9 "), std::string::npos) << "appended as the created ids";
    // A folder made by another writer at the same time changes the link count: not recorded.
    IdIndex index = IdIndex::open(tree(), late);
    write_file(root() + "/current/d-11A.task.md", task_text("D"));
    write_file(root() + "/current/e-11A/_overview.md", task_text("E"));
    index.created("current/d-11A.task.md");
    ASSERT_TRUE(index.save().ok());
    IdIndex next = IdIndex::open(tree(), late);
    EXPECT_EQ(next.listed(), 2U) << "current and the new parent's folder";
    EXPECT_EQ(ids_of(next), ids_in_use(tree()));
}

TEST_F(IdIndexTest, ATemporaryOfAKilledWriteIsStillRemovedByTheNextCreate) {
    make_tree();
    settle();
    FixedClock clock(testing::k_corpus_time);
    TaskService service(tree(), clock);
    CreateRequest request;
    request.title = "First";
    ASSERT_TRUE(service.create(request).ok());
    std::string temporary = root() + "/current/x-11A.task.md.tmp-" + std::to_string(ended_pid()) + "-0";
    write_file(temporary, "cut");
    request.title = "Second";
    ASSERT_TRUE(service.create(request).ok());
    EXPECT_FALSE(fs::exists(temporary));
}

TEST_F(IdIndexTest, ARewriteKilledBeforeItsRenameLeavesATemporaryTheNextOpenRemoves) {
    make_tree();
    std::string dead = index_file() + ".tmp-" + std::to_string(ended_pid()) + "-0";
    std::string live = index_file() + ".tmp-" + std::to_string(::getpid()) + "-7";
    write_file(dead, "F 9 1");
    write_file(live, "F 9 1");
    check();
    EXPECT_FALSE(fs::exists(dead));
    EXPECT_TRUE(fs::exists(live)) << "its owner still runs";
}

TEST_F(IdIndexTest, RandomCreatesOutsideEditsAndIndexDamageAlwaysGiveTheIdsOfAFullListing) {
    // SC_ID_INDEX_SEED repeats a run; the seed is printed with any failure.
    const char* given = ::getenv("SC_ID_INDEX_SEED");
    const unsigned seed = given != nullptr ? static_cast<unsigned>(std::stoul(given)) : std::random_device {}();
    SCOPED_TRACE("seed " + std::to_string(seed) + " (SC_ID_INDEX_SEED repeats it)");
    std::mt19937 random(seed);
    auto pick = [&random](size_t count) { return static_cast<size_t>(random() % count); };
    make_tree();
    fs::create_directories(local_root() + "/current");
    FixedClock clock(testing::k_corpus_time);
    const std::string month = local_month_digits(clock.now_unix_nanos());
    const std::vector<std::string> titles {"Write docs", "Fix bug", "Add login page"};
    const std::vector<std::string> folders {
        "current",       "archive",       "archive/2026-10",       "backlog",
        "current/p-11A", "current/q-11B", "archive/2026-10/r-11C", "current/loose-11D"};
    auto task_files = [&] {
        std::vector<std::string> found;
        for (const std::string& base : {root(), local_root()})
            for (auto it = fs::recursive_directory_iterator(base); it != fs::recursive_directory_iterator(); ++it)
                if (it->is_regular_file() && it->path().filename().string().front() != '.')
                    found.push_back(it->path().string());
        return found;
    };
    for (int step = 0; step < 400; ++step) {
        SCOPED_TRACE("step " + std::to_string(step));
        switch (pick(10)) {
            case 0:
            case 1:
            case 2: {  // sc create: the id is free and the one a full listing chooses
                const std::string& title = titles[pick(titles.size())];
                uint32_t draw = static_cast<uint32_t>(random());
                auto same = [draw]() mutable { return draw = draw * 1103515245U + 12345U; };
                std::string expected = IdCandidates(title, month, tree(), same).next();
                TaskService service(tree(), clock, same);
                CreateRequest request;
                request.title = title;
                if (pick(4) == 0)
                    request.placement.state = WorkflowState::archive;
                Result<Changed<TaskRecord>> created = service.create(request);
                ASSERT_TRUE(created.ok()) << created.error().message;
                EXPECT_EQ(created.value().value.id, expected);
                break;
            }
            case 3: {  // an outside create, in any folder, of either tree
                std::string base = pick(5) == 0 ? local_root() : root();
                std::string name = titles[pick(titles.size())];
                std::replace(name.begin(), name.end(), ' ', '-');
                std::transform(name.begin(), name.end(), name.begin(), ::tolower);
                std::string file = (pick(3) == 0 ? "0" + std::to_string(1 + pick(9)) + "_" : std::string()) + name +
                                   "-" + month + static_cast<char>('A' + pick(26)) + ".task.md";
                write_file(base + "/" + folders[pick(folders.size())] + "/" + file, task_text("Outside"));
                break;
            }
            case 4: {  // an outside removal or rename of a task file
                std::vector<std::string> found = task_files();
                if (found.empty())
                    break;
                const std::string& victim = found[pick(found.size())];
                if (pick(2) == 0) {
                    fs::remove(victim);
                } else {
                    std::string target = root() + "/" + folders[pick(folders.size())];
                    fs::create_directories(target);
                    fs::rename(victim, target + "/moved-" + std::to_string(step) + "-" + month + "A.task.md");
                }
                break;
            }
            case 5: {  // a folder: made a parent, stripped of its overview, removed, or renamed
                const std::string folder = root() + "/" + folders[4 + pick(folders.size() - 4)];
                switch (pick(4)) {
                    case 0:
                        write_file(folder + "/_overview.md", task_text("Parent"));
                        break;
                    case 1:
                        fs::remove(folder + "/_overview.md");
                        break;
                    case 2:
                        fs::remove_all(folder);
                        break;
                    default:
                        if (fs::exists(folder))
                            fs::rename(folder, root() + "/current/renamed-" + std::to_string(step) + "-" + month + "Z");
                }
                break;
            }
            case 6: {  // the index deleted or cut short
                std::string whole = read_text(index_file());
                if (pick(2) == 0 || whole.empty())
                    fs::remove(index_file());
                else
                    ASSERT_TRUE(files::write_atomic(index_file(), whole.substr(0, pick(whole.size()))).ok());
                break;
            }
            case 7:
                settle();  // now and then, folders old enough to be stored
                break;
            default:
                break;  // just check
        }
        IdIndex index = IdIndex::open(tree());
        ASSERT_EQ(ids_of(index), ids_in_use(tree()));
        ASSERT_TRUE(index.save().ok());
    }
}

}  // namespace
}  // namespace sc::tasks
