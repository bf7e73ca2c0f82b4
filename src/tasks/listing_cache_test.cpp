// The listing cache (docs/layout.md, "The listing cache"): a listing served from it equals one
// read from the files, for every corpus tree, and no change to a file gets past its validation.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tasks/document_json.hpp"
#include "tasks/listing_cache.hpp"
#include "tasks/task_service.hpp"
#include "tasks/tree_test_support.hpp"

namespace sc::tasks {
namespace {

using testing::task_text;
using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;

/// Waits until files changed so far are older than any reference time a listing takes from
/// now on (the file system's clock advances by ticks of at most 10 ms), so their entries are
/// stored rather than left out as racily clean.
void settle() {
    ::usleep(30'000);
}

std::string text(const std::optional<std::string_view>& value) {
    return value ? "\"" + std::string(*value) + "\"" : "-";
}
std::string text(const std::optional<std::string>& value) {
    return value ? "\"" + *value + "\"" : "-";
}

std::string describe(const std::vector<Diagnostic>& diagnostics) {
    std::string out;
    for (const Diagnostic& diagnostic : diagnostics)
        out += "! " + diagnostic.where.to_string() + " " + diagnostic.message + " / " + diagnostic.hint + "\n";
    return out;
}

/// What visit_listed hands over, one line group per task, then its diagnostics.
std::string listed(const TaskService& service, const ListFilter& filter, ListingCounts* counts = nullptr) {
    std::string out;
    Result<std::vector<Diagnostic>> diagnostics = service.visit_listed(
        filter,
        [&out](const TaskLocation& location, const ListedTask& task) {
            out += location.relative_path + " status=" + text(task.status) + " type=" + text(task.type) +
                   " phase=" + text(task.phase) + " area=" + text(task.area) + " assignee=" + text(task.assignee) +
                   " tags=";
            for (std::string_view tag : task.tags)
                out += std::string(tag) + ",";
            out += "\ntitle=" + std::string(task.title) + "\n" + std::string(task.document) + "\n";
        },
        counts);
    EXPECT_TRUE(diagnostics.ok());
    return out + describe(diagnostics.value_or(std::vector<Diagnostic> {}));
}

/// The same, from the listing that reads and parses every file (TaskService::visit).
std::string read_every_file(const TaskService& service, const ListFilter& filter) {
    std::string out;
    Result<std::vector<Diagnostic>> diagnostics = service.visit(filter, [&out](TaskRecord&& record) {
        const TaskDocument& document = record.document;
        out += record.relative_path + " status=" + text(document.field("status")) +
               " type=" + text(document.field("type")) + " phase=" + text(document.field("phase")) +
               " area=" + text(document.field("area")) + " assignee=" + text(document.field("assignee")) + " tags=";
        for (const std::string& tag : document.field_list("tags"))
            out += tag + ",";
        std::string document_json;
        append_listed_document(document_json, document);
        out += "\ntitle=" + document.title() + "\n" + document_json + "\n";
    });
    EXPECT_TRUE(diagnostics.ok());
    return out + describe(diagnostics.value_or(std::vector<Diagnostic> {}));
}

std::vector<ListFilter> every_filter() {
    std::vector<ListFilter> filters;
    for (LocationScope scope : {LocationScope::current, LocationScope::archive, LocationScope::all})
        for (bool parents : {false, true}) {
            ListFilter filter;
            filter.location = scope;
            filter.include_parents = parents;
            filters.push_back(filter);
        }
    ListFilter by_status;
    by_status.location = LocationScope::all;
    by_status.status = "To Do";
    filters.push_back(by_status);
    ListFilter by_type_and_area;
    by_type_and_area.location = LocationScope::all;
    by_type_and_area.type = "bug";
    by_type_and_area.area = "core";
    filters.push_back(by_type_and_area);
    ListFilter by_tags;
    by_tags.location = LocationScope::all;
    by_tags.tags = {"security", "ui", "backend"};
    filters.push_back(by_tags);
    return filters;
}

class ListingCacheTest : public ::testing::Test {
protected:
    std::string root() const { return m_dir.path() + "/tasks"; }
    std::string cache_file() const { return ListingCache::path_for(root()); }
    TaskService service() const { return TaskService(TaskTree({TreeKind::store, root()}), m_clock); }
    std::string list_all(ListingCounts* counts = nullptr) const {
        ListFilter filter;
        filter.location = LocationScope::all;
        filter.include_parents = true;
        return listed(service(), filter, counts);
    }
    std::string reference() const {
        ListFilter filter;
        filter.location = LocationScope::all;
        filter.include_parents = true;
        return read_every_file(service(), filter);
    }

    TempDir m_dir;
    FixedClock m_clock {testing::k_corpus_time};
};

TEST_F(ListingCacheTest, EveryCorpusTreeListsAlikeFromTheFilesAndFromTheCache) {
    size_t trees = 0;
    for (const auto& scenario : fs::directory_iterator(testing::corpus_dir())) {
        if (!fs::is_directory(scenario.path() / "tree"))
            continue;
        SCOPED_TRACE(scenario.path().filename().string());
        fs::remove_all(root());
        fs::copy(scenario.path() / "tree", root(), fs::copy_options::recursive);
        settle();
        for (const ListFilter& filter : every_filter()) {
            std::string expected = read_every_file(service(), filter);
            fs::remove(cache_file());
            ListingCounts cold;
            EXPECT_EQ(listed(service(), filter, &cold), expected);
            EXPECT_EQ(cold.cached, 0U);
            ListingCounts warm;
            EXPECT_EQ(listed(service(), filter, &warm), expected);
            EXPECT_EQ(warm.read, 0U) << "every file unchanged: nothing to read";
            EXPECT_EQ(warm.cached, cold.read);
        }
        ++trees;
    }
    EXPECT_EQ(trees, 5U);
}

TEST_F(ListingCacheTest, AnEditInPlaceThatKeepsTheSizeAndTheMtimeIsSeen) {
    write_file(root() + "/current/a-11A.task.md", task_text("Alpha"));
    settle();
    list_all();
    ListingCounts counts;
    list_all(&counts);
    ASSERT_EQ(counts.cached, 1U);
    // Same size, same mtime, same inode: only the ctime tells.
    std::string path = root() + "/current/a-11A.task.md";
    struct stat before {};
    ASSERT_EQ(::stat(path.c_str(), &before), 0);
    int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, "# Omega", 7, 0), 7);
    ::close(fd);
    struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
    std::string after = list_all(&counts);
    EXPECT_NE(after.find("title=Omega"), std::string::npos) << after;
    EXPECT_EQ(counts.read, 1U);
    EXPECT_EQ(after, reference());
}

TEST_F(ListingCacheTest, AnEditWithinTheSameSecondAsTheListingIsSeen) {
    std::string path = root() + "/current/a-11A.task.md";
    write_file(path, task_text("Alpha"));
    // Listed at once, then edited at once: all within one second, and likely one clock tick.
    list_all();
    write_file(path, task_text("Omega"));
    EXPECT_EQ(list_all(), reference());
    write_file(path, task_text("Gamma"));
    EXPECT_EQ(list_all(), reference());
    EXPECT_NE(list_all().find("title=Gamma"), std::string::npos);
}

TEST_F(ListingCacheTest, AnEntryChangedAtOrAfterTheReferenceTimeIsNotStored) {
    fs::create_directories(root());
    ListingCache cache = ListingCache::open(root());
    cache.before_read();
    int64_t reference = cache.reference_nanos();
    ASSERT_GT(reference, 0);
    // A file system that keeps whole seconds: a file changed in the same second as the
    // reference has a timestamp equal to it, and a later edit in that second would keep it.
    FileStat racy {100, 7, reference, reference, true};
    FileStat older {100, 8, reference - 1, reference - 1, true};
    FileStat future_mtime {100, 9, reference + 1'000'000'000, reference - 1, true};
    EXPECT_FALSE(cache.storable(racy));
    EXPECT_TRUE(cache.storable(older));
    EXPECT_FALSE(cache.storable(future_mtime));
    EXPECT_FALSE(cache.storable(FileStat {100, 10, reference - 1, reference - 1, true}, 2'000'000'000));
    cache.put("s:current/racy.task.md", racy, "racy");
    cache.put("s:current/older.task.md", older, "older");
    ASSERT_TRUE(cache.save().ok());

    ListingCache reopened = ListingCache::open(root());
    EXPECT_EQ(reopened.find("s:current/racy.task.md", racy), std::nullopt);
    EXPECT_EQ(reopened.find("s:current/older.task.md", older), std::optional<std::string_view>("older"));
    FileStat other_ctime = older;
    other_ctime.ctime_nanos += 1;
    EXPECT_EQ(reopened.find("s:current/older.task.md", other_ctime), std::nullopt);
    FileStat other_inode = older;
    other_inode.inode += 1;
    EXPECT_EQ(reopened.find("s:current/older.task.md", other_inode), std::nullopt);
}

TEST_F(ListingCacheTest, ARenameOverAFileIsSeen) {
    std::string a = root() + "/current/a-11A.task.md";
    std::string b = root() + "/current/b-11B.task.md";
    write_file(a, task_text("Alpha"));
    write_file(b, task_text("Bravo"));
    // Same size and same mtime: only the inode and ctime tell them apart.
    struct timespec times[2] = {{1'700'000'000, 0}, {1'700'000'000, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, a.c_str(), times, 0), 0);
    ASSERT_EQ(::utimensat(AT_FDCWD, b.c_str(), times, 0), 0);
    settle();
    list_all();
    ASSERT_EQ(::rename(b.c_str(), a.c_str()), 0);
    std::string after = list_all();
    EXPECT_EQ(after, reference());
    EXPECT_NE(after.find("current/a-11A.task.md status=\"todo\""), std::string::npos);
    EXPECT_NE(after.find("title=Bravo"), std::string::npos);
    EXPECT_EQ(after.find("title=Alpha"), std::string::npos);
}

TEST_F(ListingCacheTest, AFileReplacedByAFolderIsNoLongerListed) {
    std::string path = root() + "/current/a-11A.task.md";
    write_file(path, task_text("Alpha"));
    write_file(root() + "/current/b-11B.task.md", task_text("Bravo"));
    settle();
    list_all();
    fs::remove(path);
    fs::create_directories(path);
    write_file(path + "/c-11C.task.md", task_text("Charlie"));
    std::string after = list_all();
    EXPECT_EQ(after, reference());
    EXPECT_EQ(after.find("title=Alpha"), std::string::npos);
    // The entry of the file that went is dropped from the cache file.
    settle();
    list_all();
    std::string cache = files::read(cache_file()).value();
    EXPECT_NE(cache.find("X 23\ns:current/a-11A.task.md\n"), std::string::npos) << cache;
}

TEST_F(ListingCacheTest, ACacheCutShortIsReadUpToItsLastCommitAndRewritten) {
    write_file(root() + "/current/a-11A.task.md", task_text("Alpha"));
    write_file(root() + "/current/b-11B.task.md", task_text("Bravo"));
    settle();
    std::string expected = list_all();
    std::string whole = files::read(cache_file()).value();
    // A save killed in the middle of its append.
    ASSERT_TRUE(files::append_existing(cache_file(), "E 23 4000 1 2 3 4\ns:current/a-11A.task.md\nT0;").ok());
    ListingCounts counts;
    EXPECT_EQ(list_all(&counts), expected);
    EXPECT_EQ(counts.cached, 2U);
    // That listing wrote the file whole again: the cut record is gone.
    EXPECT_EQ(files::read(cache_file()).value(), whole);
    // And later saves append after its commit.
    write_file(root() + "/current/c-11C.task.md", task_text("Charlie"));
    settle();
    list_all();
    std::string appended = files::read(cache_file()).value();
    EXPECT_EQ(appended.rfind(whole, 0), 0U);
    EXPECT_EQ(appended.substr(appended.size() - 4), "C 1\n");
}

TEST_F(ListingCacheTest, ACacheOfAnotherVersionOrFormatIsRebuilt) {
    write_file(root() + "/current/a-11A.task.md", task_text("Alpha"));
    settle();
    std::string expected = list_all();
    std::string content = files::read(cache_file()).value();
    ASSERT_EQ(content.rfind(std::string(ListingCache::header()), 0), 0U);
    std::string other = content;
    // The same format from another build: another version, or the same version with other code.
    other.replace(0, ListingCache::header().size(),
                  "# scopecraft listing cache, format 1, sc 0.1.0 0123456789abcdef (derived from the task files; "
                  "safe to delete)\n");
    ASSERT_TRUE(files::write_atomic(cache_file(), other).ok());
    ListingCounts counts;
    EXPECT_EQ(list_all(&counts), expected);
    EXPECT_EQ(counts.cached, 0U);
    EXPECT_EQ(files::read(cache_file()).value(), content);
}

TEST_F(ListingCacheTest, ADeletedCacheIsRebuiltAndADamagedEntryIsReadFromTheFile) {
    write_file(root() + "/current/a-11A.task.md", task_text("Alpha"));
    settle();
    std::string expected = list_all();
    fs::remove(cache_file());
    ListingCounts counts;
    EXPECT_EQ(list_all(&counts), expected);
    EXPECT_EQ(counts.read, 1U);
    EXPECT_TRUE(fs::exists(cache_file()));
    // An entry whose bytes do not decode (damage inside a committed save): the file is read.
    std::string content = files::read(cache_file()).value();
    size_t entry = content.find("\nT0;");
    ASSERT_NE(entry, std::string::npos);
    content[entry + 1] = 'Q';
    ASSERT_TRUE(files::write_atomic(cache_file(), content).ok());
    EXPECT_EQ(list_all(&counts), expected);
    EXPECT_EQ(counts.read, 1U);
}

TEST_F(ListingCacheTest, AnEntryWhoseStatIsDamagedIsReadFromTheFileAndStoredAgain) {
    // The load frames records by their lengths and leaves the stat's numbers to the lookup:
    // numbers that do not parse there make the file be read, never the entry be trusted.
    write_file(root() + "/current/a-11A.task.md", task_text("Alpha"));
    write_file(root() + "/current/b-11B.task.md", task_text("Bravo"));
    settle();
    std::string expected = list_all();
    for (std::string_view damage : {"x", "", " 7"}) {
        fs::remove(cache_file());
        list_all();  // written whole: the first record is the live one of its key
        std::string content = files::read(cache_file()).value();
        size_t record = content.find("E ");
        ASSERT_NE(record, std::string::npos);
        size_t line_end = content.find('\n', record);
        content.replace(line_end - 1, 1, damage);  // the ctime's last digit
        ASSERT_TRUE(files::write_atomic(cache_file(), content).ok());
        ListingCounts counts;
        EXPECT_EQ(list_all(&counts), expected) << damage;
        EXPECT_EQ(counts.read, 1U) << damage;
        EXPECT_EQ(counts.cached, 1U) << damage;
        EXPECT_EQ(list_all(&counts), expected) << damage;
        EXPECT_EQ(counts.cached, 2U) << damage;
    }
}

TEST_F(ListingCacheTest, AFileModifiedBefore1970IsServedFromTheCache) {
    // A negative mtime: the lookup writes the stat as the save did, sign included.
    write_file(root() + "/current/a-11A.task.md", task_text("Alpha"));
    write_file(root() + "/current/b-11B.task.md", task_text("Bravo"));
    struct timespec times[2] = {{-86400 * 365, 250}, {-86400 * 365, 250}};
    ASSERT_EQ(::utimensat(AT_FDCWD, (root() + "/current/a-11A.task.md").c_str(), times, 0), 0);
    settle();
    std::string expected = list_all();
    ASSERT_NE(files::read(cache_file()).value().find(" -31535999999999750 "), std::string::npos);
    ListingCounts counts;
    EXPECT_EQ(list_all(&counts), expected);
    EXPECT_EQ(counts.cached, 2U);
    EXPECT_EQ(counts.read, 0U);
}

TEST_F(ListingCacheTest, ARewriteLeavesNoTemporaryAndRemovesOneAKilledRewriteLeft) {
    write_file(root() + "/current/a-11A.task.md", task_text("Alpha"));
    // What a rewrite killed before its rename leaves (pid 999999: no such process).
    write_file(cache_file() + ".tmp-999999-0", "E 1 1 1 1 1 1\n");
    settle();
    std::string expected = list_all();  // no cache yet: written whole
    for (const auto& entry : fs::directory_iterator(root()))
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
    ListingCounts counts;
    EXPECT_EQ(list_all(&counts), expected);
    EXPECT_EQ(counts.cached, 1U);
}

TEST_F(ListingCacheTest, UnreadableAndEmptyFilesAreCachedWithTheirWarnings) {
    write_file(root() + "/current/empty-11A.task.md", "");
    write_file(root() + "/current/bad-11B.task.md", "# Bad\n\n---\ntype: [unclosed\n---\n");
    write_file(root() + "/current/ok-11C.task.md", task_text("Fine"));
    settle();
    std::string expected = reference();
    ASSERT_NE(expected.find("skipped"), std::string::npos) << expected;
    EXPECT_EQ(list_all(), expected);
    ListingCounts counts;
    EXPECT_EQ(list_all(&counts), expected);
    EXPECT_EQ(counts.cached, 3U);
}

}  // namespace
}  // namespace sc::tasks
