// End-to-end: `sc search` (docs/search.md): ranking, excerpts, filters, the query syntax,
// non-ASCII words, freshness after sc's writes and outside edits, a deleted, corrupt, locked or
// unwritable index, and concurrent writers.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

class Search : public ::testing::Test {
protected:
    void SetUp() override {
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/telemetry");
        m_telemetry = m_sandbox.sc({"--version"}).out.find("telemetry compiled out") == std::string::npos;
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
        m_month = m_sandbox.run({"date", "+%m"}).out.substr(0, 2);
    }
    std::string id(const std::string& name) const { return name + "-" + m_month + "A"; }
    RunResult ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << "sc " << arguments.front() << ": " << result.err;
        return result;
    }
    void create(const std::string& title, std::vector<std::string> more = {}) {
        std::vector<std::string> arguments = {"task", "create", "--title", title};
        arguments.insert(arguments.end(), more.begin(), more.end());
        ok(arguments);
    }
    /// The ids of `sc search ARGS --format json`, in order.
    std::vector<std::string> ids(std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), "search");
        arguments.insert(arguments.end(), {"--format", "json"});
        RunResult result = ok(arguments);
        std::vector<std::string> out;
        for (const Json& hit : result.json())
            out.push_back(hit["id"].get<std::string>());
        return out;
    }
    std::string index_path() const { return m_sandbox.root() + "/telemetry/projections/search.sqlite"; }
    /// A task file written by hand (or by git), as Scopecraft lays it out.
    void write_task(const std::string& relative, const std::string& title, const std::string& body) {
        m_sandbox.write(m_sandbox.tasks_root() + "/" + relative,
                        "# " + title +
                            "\n\n---\ntype: feature\nstatus: todo\narea: general\n---\n\n\n## Instruction\n" + body +
                            "\n\n## Tasks\n\n## Deliverable\n\n## Log\n");
    }

    Sandbox m_sandbox;
    bool m_telemetry = true;
    std::string m_month;
};

TEST_F(Search, ATitleMatchComesBeforeTasksThatOnlyMentionTheWords) {
    create("Notes on caching", {"--content", "token refresh token refresh, and the token refresh again"});
    create("Token refresh");
    create("Unrelated work", {"--content", "nothing to see"});
    std::vector<std::string> found = ids({"token", "refresh", "--type", "task"});
    ASSERT_EQ(found.size(), 2U);
    EXPECT_EQ(found[0], id("token-refresh"));
    EXPECT_EQ(found[1], id("notes-on-caching"));
}

TEST_F(Search, ATasksTitleMatchComesBeforeTheEventsAndSpansAboutIt) {
    // Every event of a task names it in its stream (task:add-login-page-..), and its spans in
    // an attribute: those mentions must not outrank the task whose title holds the word.
    create("Add login page", {"--content", "Build the login form with email and password.", "--tags", "ui", "auth"});
    create("Fix crash on save", {"--type", "bug"});
    create("Write user guide", {"--type", "docs"});
    ok({"task", "start", id("add-login-page")});
    ok({"task", "log", id("add-login-page"), "Form renders; validation next"});
    ok({"task", "section", id("add-login-page"), "tasks", "--set", "- [x] Form\n- [ ] Validation"});
    ok({"task", "update", id("add-login-page"), "--priority", "medium"});
    std::vector<std::string> found = ids({"login"});
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found[0], id("add-login-page"));
}

TEST_F(Search, ExcerptsMarkTheMatchedTermsAndScoresDescend) {
    create("Login page", {"--content", "The session cookie expires after an hour of inactivity."});
    create("Session store", {"--content", "Keep the session in Redis."});
    Json hits = ok({"search", "session", "--type", "task", "--format", "json"}).json();
    ASSERT_EQ(hits.size(), 2U);
    EXPECT_GE(hits[0]["score"].get<double>(), hits[1]["score"].get<double>());
    std::string excerpt = hits[1]["excerpt"];
    EXPECT_NE(excerpt.find("**session**"), std::string::npos) << excerpt;
    EXPECT_EQ(excerpt.find('\n'), std::string::npos);
    // Piped table output keeps the marks; a terminal would show them bold.
    RunResult table = ok({"search", "cookie"});
    EXPECT_NE(table.out.find("**cookie**"), std::string::npos) << table.out;
    EXPECT_EQ(table.out.find("\x1b["), std::string::npos);
}

TEST_F(Search, FiltersNarrowByStatusAreaTagsPhaseLocationTypeAndFieldTerms) {
    create("Alpha widget", {"--status", "todo", "--area", "api", "--tags", "backend", "urgent"});
    create("Beta widget", {"--status", "done", "--area", "ui", "--phase", "active"});
    create("Gamma widget", {"--status", "todo", "--area", "ui", "--location", "archive"});
    EXPECT_EQ(ids({"widget", "--status", "todo", "--location", "current"}),
              std::vector<std::string> {id("alpha-widget")});
    EXPECT_EQ(ids({"widget", "--area", "ui", "--location", "current"}), std::vector<std::string> {id("beta-widget")});
    EXPECT_EQ(ids({"widget", "--tags", "urgent"}), std::vector<std::string> {id("alpha-widget")});
    EXPECT_EQ(ids({"widget", "--phase", "active"}), std::vector<std::string> {id("beta-widget")});
    EXPECT_EQ(ids({"widget", "--location", "archive"}), std::vector<std::string> {id("gamma-widget")});
    EXPECT_EQ(ids({"widget", "status:done"}), std::vector<std::string> {id("beta-widget")});
    EXPECT_EQ(ids({"widget", "area:API"}), std::vector<std::string> {id("alpha-widget")});
    EXPECT_EQ(ids({"widget", "tag:backend"}), std::vector<std::string> {id("alpha-widget")});
    EXPECT_EQ(ids({"widget", "--type", "doc"}), std::vector<std::string> {});
    EXPECT_EQ(ids({"widget", "--type", "task", "--limit", "1"}).size(), 1U);
    EXPECT_EQ(ids({"widget", "--type", "task", "--until", "2000-01-01"}), std::vector<std::string> {});
    EXPECT_EQ(ids({"widget", "--type", "task", "--since", "1d"}).size(), 3U);
    // No words: browse by metadata, as Scopecraft does.
    EXPECT_EQ(ids({"--status", "done", "--type", "task"}), std::vector<std::string> {id("beta-widget")});
    RunResult bad = m_sandbox.sc({"search", "x", "--type", "tasks"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("\"tasks\" is not a search type"), std::string::npos) << bad.err;
}

TEST_F(Search, PhrasesPrefixesAndOperators) {
    create("Refresh the token", {"--content", "rotate keys weekly"});
    create("Token refresh", {"--content", "the refresh token flow"});
    create("Tokenizer bug");
    EXPECT_EQ(ids({"\"token refresh\"", "--type", "task"}), std::vector<std::string> {id("token-refresh")});
    EXPECT_EQ(ids({"tokeni*", "--type", "task"}), std::vector<std::string> {id("tokenizer-bug")});
    EXPECT_EQ(ids({"token*", "--type", "task"}).size(), 3U);
    EXPECT_EQ(ids({"token", "NOT", "flow", "--type", "task"}), std::vector<std::string> {id("refresh-the-token")});
    EXPECT_EQ(ids({"rotate", "OR", "tokenizer", "--type", "task"}).size(), 2U);
    EXPECT_EQ(ids({"title:refresh", "--type", "task"}).size(), 2U);
    EXPECT_EQ(ids({"body:flow", "--type", "task"}), std::vector<std::string> {id("token-refresh")});
}

TEST_F(Search, NonAsciiWordsAccentsEszettAndCjk) {
    create("Café menu", {"--content", "Die Straße ist lang."});
    create("認証システム", {"--content", "用户认证系统的令牌刷新"});
    EXPECT_EQ(ids({"café", "--type", "task"}).size(), 1U);
    EXPECT_EQ(ids({"cafe", "--type", "task"}).size(), 1U);  // accents folded
    EXPECT_EQ(ids({"straße", "--type", "task"}).size(), 1U);
    EXPECT_EQ(ids({"STRASSE", "--type", "task"}).size(), 0U);  // ß is not ss to the tokenizer
    EXPECT_EQ(ids({"認証", "--type", "task"}).size(), 1U);
    EXPECT_EQ(ids({"令牌", "--type", "task"}).size(), 1U);
    Json hits = ok({"search", "令牌", "--type", "task", "--format", "json"}).json();
    ASSERT_EQ(hits.size(), 1U);
    std::string excerpt = hits[0]["excerpt"];
    EXPECT_NE(excerpt.find("**令牌**"), std::string::npos) << excerpt;
}

TEST_F(Search, ScWritesAreFoundByTheNextSearch) {
    create("Deploy script");
    EXPECT_EQ(ids({"kubernetes"}), std::vector<std::string> {});
    ok({"task", "update", id("deploy-script"), "--content", "Move it to kubernetes"});
    EXPECT_EQ(ids({"kubernetes", "--type", "task"}), std::vector<std::string> {id("deploy-script")});
    ok({"task", "move", id("deploy-script"), "--location", "archive"});
    Json hits = ok({"search", "kubernetes", "--type", "task", "--format", "json"}).json();
    ASSERT_EQ(hits.size(), 1U);
    EXPECT_EQ(hits[0]["location"], "archive");
    ok({"task", "delete", id("deploy-script"), "--force"});
    EXPECT_EQ(ids({"kubernetes", "--type", "task"}), std::vector<std::string> {});
    ok({"parent", "create", "--title", "Release train", "--subtask", "Write changelog"});
    EXPECT_EQ(ids({"changelog", "--type", "task"}).size(), 1U);
}

TEST_F(Search, WritesWithTelemetryOffAreFoundToo) {
    create("Quiet task");
    EXPECT_EQ(ids({"quiet"}).size() >= 1, true);
    m_sandbox.set_env("OTEL_SDK_DISABLED", "true");
    ok({"task", "update", id("quiet-task"), "--content", "silently edited walrus"});
    EXPECT_EQ(ids({"walrus", "--type", "task"}), std::vector<std::string> {id("quiet-task")});
}

TEST_F(Search, OutsideEditsAndAPullOfSeveralFilesAreFound) {
    create("Hand edited");
    EXPECT_EQ(ids({"zeppelin"}), std::vector<std::string> {});
    write_task("current/" + id("hand-edited") + ".task.md", "Hand edited", "now mentions a zeppelin");
    EXPECT_EQ(ids({"zeppelin", "--type", "task"}), std::vector<std::string> {id("hand-edited")});
    // A `git pull`: one file changed, two new, one removed, all at once.
    write_task("current/" + id("hand-edited") + ".task.md", "Hand edited", "the airship is gone");
    write_task("current/pulled-one-11A.task.md", "Pulled one", "a zeppelin from the remote");
    write_task("current/pulled-two-11A.task.md", "Pulled two", "another zeppelin");
    std::vector<std::string> found = ids({"zeppelin", "--type", "task"});
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, (std::vector<std::string> {"pulled-one-11A", "pulled-two-11A"}));
    fs::remove(m_sandbox.tasks_root() + "/current/pulled-two-11A.task.md");
    EXPECT_EQ(ids({"zeppelin", "--type", "task"}), std::vector<std::string> {"pulled-one-11A"});
}

TEST_F(Search, AnEditInPlaceOfTheSameSizeIsFoundWhenTheTreeWasOtherwiseAsSaved) {
    if (!m_telemetry)
        GTEST_SKIP() << "telemetry compiled out: no tree state";
    create("Quiet file");
    // Searches that find the tree as the last command saved it: the state stays on disk.
    EXPECT_EQ(ids({"walrus"}), std::vector<std::string> {});
    EXPECT_EQ(ids({"walrus"}), std::vector<std::string> {});
    // Same inode, same size, the folder untouched: only the file's mtime tells.
    std::string path = m_sandbox.tasks_root() + "/current/" + id("quiet-file") + ".task.md";
    std::string content = m_sandbox.read(path);
    size_t title = content.find("Quiet file");
    ASSERT_NE(title, std::string::npos);
    content.replace(title, 10, "Walrus tusk");
    content.erase(content.find("Walrus tusk") + 10, 1);  // "Walrus tus": the size is kept
    ASSERT_EQ(content.size(), m_sandbox.read(path).size());
    std::ofstream(path, std::ios::in | std::ios::out) << content;  // rewritten in place
    EXPECT_EQ(ids({"walrus", "--type", "task"}), std::vector<std::string> {id("quiet-file")});
    // Recorded once; a write after a check that left the state on disk is recorded in it, so
    // the next command takes none of sc's own changes for outside edits.
    create("Written after");
    ok({"task", "list"});
    Json events = ok({"events", "list", "--type", "TaskChangedExternally", "--format", "json"}).json();
    EXPECT_EQ(events.size(), 1U) << events.dump();
    EXPECT_EQ(ids({"written", "--type", "task"}), std::vector<std::string> {id("written-after")});
}

TEST_F(Search, RunsInScSearchAndInScServerWhereThereIsNoScSearch) {
    create("Fallback target");
    // An install of sc and sc-server alone (as before sc-search existed): the same answer.
    std::string bin = m_sandbox.root() + "/older-install";
    fs::create_directories(bin);
    std::string from = fs::path(SC_BINARY).parent_path().string();
    ASSERT_TRUE(fs::exists(from + "/sc-search"));
    fs::copy_file(SC_BINARY, bin + "/sc");
    fs::copy_file(from + "/sc-server", bin + "/sc-server");
    RunResult both = ok({"search", "fallback", "--type", "task", "--format", "json"});
    RunResult server = m_sandbox.run({bin + "/sc", "search", "fallback", "--type", "task", "--format", "json"});
    ASSERT_EQ(server.exit_code, 0) << server.err;
    // The same hit (its score moves: the second search indexed the first one's spans too).
    ASSERT_EQ(both.json().size(), 1U);
    ASSERT_EQ(server.json().size(), 1U);
    Json hit = server.json()[0];
    hit["score"] = both.json()[0]["score"];
    EXPECT_EQ(hit, both.json()[0]);
    // Neither beside sc: a message that says what to install.
    fs::remove(bin + "/sc-server");
    RunResult none = m_sandbox.run({bin + "/sc", "search", "fallback"});
    EXPECT_NE(none.exit_code, 0);
    EXPECT_NE(none.err.find("install sc-search (or sc-server) in the same folder as sc"), std::string::npos)
        << none.err;
}

TEST_F(Search, ScHandsItsWholeCommandLineToScSearchBeforeParsingIt) {
    // sc-search parses the command line itself; sc execs it before parsing, resolving the
    // project or starting telemetry (work the exec threw away), so an option only sc-search
    // knows reaches it, with the global options before the command and words with blanks.
    std::string bin = m_sandbox.root() + "/fake-install";
    fs::create_directories(bin);
    fs::copy_file(SC_BINARY, bin + "/sc");
    m_sandbox.write(bin + "/sc-search", "#!/bin/sh\nprintf '[%s]' \"$@\"\n");
    ASSERT_EQ(::chmod((bin + "/sc-search").c_str(), 0755), 0);
    RunResult result =
        m_sandbox.run({bin + "/sc", "--quiet", "--format", "json", "search", "two words", "--only-in-sc-search"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "[--quiet][--format][json][search][two words][--only-in-sc-search]");
}

TEST_F(Search, ADeletedIndexIsRebuiltAndReindexReportsItsTime) {
    create("Rebuild me");
    EXPECT_EQ(ids({"rebuild", "--type", "task"}).size(), 1U);
    ASSERT_TRUE(fs::exists(index_path()));
    for (const char* suffix : {"", "-wal", "-shm"})
        fs::remove(index_path() + suffix);
    EXPECT_EQ(ids({"rebuild", "--type", "task"}).size(), 1U);
    EXPECT_TRUE(fs::exists(index_path()));
    Json report = ok({"search", "--reindex", "--format", "json"}).json();
    EXPECT_EQ(report["rebuilt"], true);
    EXPECT_EQ(report["tasks"], 1);
    EXPECT_TRUE(report["seconds"].is_number());
    Json again = ok({"search", "--reindex", "--format", "json"}).json();
    EXPECT_EQ(again["tasks"], 1);  // idempotent
    RunResult text = ok({"search", "--reindex"});
    EXPECT_NE(text.out.find("Search index rebuilt in "), std::string::npos) << text.out;
}

TEST_F(Search, ProjectDocsAreSearchable) {
    m_sandbox.write(m_sandbox.project() + "/docs/guide.md", "# Deployment guide\n\nUse the blue-green strategy.\n");
    m_sandbox.write(m_sandbox.project() + "/README.md", "# Readme\n\nNothing blue here... blue.\n");
    Json hits = ok({"search", "strategy", "--type", "doc", "--format", "json"}).json();
    ASSERT_EQ(hits.size(), 1U);
    EXPECT_EQ(hits[0]["id"], "docs/guide.md");
    EXPECT_EQ(hits[0]["title"], "Deployment guide");
    m_sandbox.write(m_sandbox.project() + "/docs/guide.md", "# Deployment guide\n\nCanary releases now.\n");
    EXPECT_EQ(ids({"strategy", "--type", "doc"}), std::vector<std::string> {});
    EXPECT_EQ(ids({"canary", "--type", "doc"}), std::vector<std::string> {"docs/guide.md"});
}

TEST_F(Search, TelemetryIsSearchableAndTheQueryTextIsNotRecorded) {
    if (!m_telemetry)
        GTEST_SKIP() << "telemetry compiled out";
    create("Observable task");
    Json events = ok({"search", "TaskCreated", "--type", "event", "--format", "json"}).json();
    ASSERT_GE(events.size(), 1U);
    EXPECT_EQ(events[0]["event_type"], "TaskCreated");
    Json spans = ok({"search", "task.create", "--type", "span", "--format", "json"}).json();
    ASSERT_GE(spans.size(), 1U);
    EXPECT_EQ(spans[0]["id"].get<std::string>().size(), 32U);
    ok({"search", "quokkasecret", "--type", "task"});
    ok({"search", "anything"});  // the previous search's spans are now stored
    std::string traces;
    for (const auto& entry : fs::recursive_directory_iterator(m_sandbox.root() + "/telemetry/traces"))
        if (entry.is_regular_file())
            traces += m_sandbox.read(entry.path().string());
    EXPECT_NE(traces.find("scopecraft.search.query.words"), std::string::npos);
    EXPECT_NE(traces.find("scopecraft.search.results"), std::string::npos);
    EXPECT_EQ(traces.find("quokkasecret"), std::string::npos);
}

TEST_F(Search, BadQueriesGetAMessageNeverACrash) {
    create("Plain task");
    RunResult huge = m_sandbox.sc({"search", std::string(100 * 1024, 'a')});
    EXPECT_EQ(huge.exit_code, 2);
    EXPECT_NE(huge.err.find("the query is 102400 bytes; a query may have at most 4096"), std::string::npos) << huge.err;
    RunResult invalid = m_sandbox.sc({"search", "caf\xC3"});
    EXPECT_EQ(invalid.exit_code, 2);
    EXPECT_NE(invalid.err.find("the query is not valid UTF-8 (byte 4)"), std::string::npos) << invalid.err;
    RunResult only_not = m_sandbox.sc({"search", "NOT", "plain"});
    EXPECT_EQ(only_not.exit_code, 2);
    EXPECT_NE(only_not.err.find("NOT needs something to exclude from"), std::string::npos) << only_not.err;
    for (std::string query :
         {"\"plain", "plain\"", "plain AND", "OR plain", "( plain", "plain )", "pl*ain", "NEAR(plain task)", "plain^",
          "\"\"", "***", "-", "plain:", ":plain", "{plain}", "title:", "plain \" task", "'; DROP TABLE docs; --"}) {
        RunResult result = m_sandbox.sc({"search", query});
        EXPECT_EQ(result.exit_code, 0) << query << ": " << result.err;
        EXPECT_EQ(result.err, "") << query;
    }
    EXPECT_EQ(ids({"\"plain", "--type", "task"}), std::vector<std::string> {id("plain-task")});
}

TEST_F(Search, ACorruptOrHalfWrittenIndexIsRebuilt) {
    create("Survivor");
    EXPECT_EQ(ids({"survivor", "--type", "task"}).size(), 1U);
    auto tree_before = m_sandbox.snapshot(m_sandbox.tasks_root());
    // Garbage where the index was.
    for (const char* suffix : {"-wal", "-shm"})
        fs::remove(index_path() + suffix);
    m_sandbox.write(index_path(), std::string(8192, 'x'));
    RunResult garbage = ok({"search", "survivor", "--type", "task", "--format", "json"});
    EXPECT_EQ(garbage.json().size(), 1U);
    EXPECT_NE(garbage.err.find("could not be read"), std::string::npos) << garbage.err;
    EXPECT_NE(garbage.err.find("rebuilt it"), std::string::npos) << garbage.err;
    // Cut in half, as a crash mid-copy would leave it.
    ok({"search", "--reindex"});
    ok({"search", "survivor"});  // checkpointed into the main file by now? make sure it is:
    m_sandbox.run({"python3", "-c",
                   "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)')",
                   index_path()});
    auto size = fs::file_size(index_path());
    fs::resize_file(index_path(), size / 2);
    RunResult half = ok({"search", "survivor", "--type", "task", "--format", "json"});
    EXPECT_EQ(half.json().size(), 1U) << half.err;
    EXPECT_EQ(m_sandbox.snapshot(m_sandbox.tasks_root()), tree_before);
}

TEST_F(Search, DamageInsideTheIndexIsRebuiltToo) {
    create("Deep damage");
    ok({"search", "--reindex"});
    // Keep the header and the schema's page, scramble the rest: the damage is found wherever
    // SQLite first reads a scrambled page (opening, updating or querying).
    auto size = fs::file_size(index_path());
    ASSERT_GT(size, 8192U);
    {
        std::fstream file(index_path(), std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(4096);
        std::string noise(size - 4096, '\0');
        for (size_t i = 0; i < noise.size(); ++i)
            noise[i] = static_cast<char>((i * 7919 + 13) & 0xFF);
        file.write(noise.data(), static_cast<std::streamsize>(noise.size()));
    }
    RunResult result = m_sandbox.sc({"search", "deep", "--type", "task", "--format", "json"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.json().size(), 1U) << result.err;
    EXPECT_NE(result.err.find("rebuilt it"), std::string::npos) << result.err;
    EXPECT_EQ(ids({"deep", "--type", "task"}).size(), 1U);
}

TEST_F(Search, ALockedIndexStillAnswersWithAWarning) {
    create("Locked away");
    EXPECT_EQ(ids({"locked", "--type", "task"}).size(), 1U);
    // Another process holds the index's write lock (as a long rebuild would) for 6 s.
    std::string script =
        "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None);"
        " c.execute('BEGIN IMMEDIATE'); open(sys.argv[2],'w').close(); time.sleep(6)";
    std::string ready = m_sandbox.root() + "/locked";
    std::thread holder([&] { m_sandbox.run({"python3", "-c", script, index_path(), ready}); });
    for (int i = 0; i < 200 && !fs::exists(ready); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    RunResult result = m_sandbox.sc({"search", "locked", "--type", "task", "--format", "json"});
    holder.join();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.json().size(), 1U);
    EXPECT_NE(result.err.find("another sc is updating the search index"), std::string::npos) << result.err;
}

TEST_F(Search, AnUnwritableDataFolderFallsBackToAnIndexInMemory) {
    create("Readonly tree");
    auto tree_before = m_sandbox.snapshot(m_sandbox.tasks_root());
    // A file where the index's folder would go: it cannot be made, whoever runs the test.
    m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/not-a-folder/telemetry");
    m_sandbox.write(m_sandbox.root() + "/not-a-folder", "a file");
    RunResult result = m_sandbox.sc({"search", "readonly", "--type", "task", "--format", "json"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.json().size(), 1U);
    EXPECT_NE(result.err.find("searching an index built in memory"), std::string::npos) << result.err;
    EXPECT_EQ(m_sandbox.snapshot(m_sandbox.tasks_root()), tree_before);
}

TEST_F(Search, SearchesWhileFourWritersCreateTasksFailNeverAndMissNothingAfterwards) {
    constexpr int k_writers = 4, k_each = 6;
    std::atomic<int> running {k_writers};
    std::atomic<int> failures {0};
    std::vector<std::thread> writers;
    for (int w = 0; w < k_writers; ++w)
        writers.emplace_back([&, w] {
            for (int i = 0; i < k_each; ++i)
                if (m_sandbox
                        .sc({"task", "create", "--title",
                             "Concurrent w" + std::to_string(w) + " n" + std::to_string(i)})
                        .exit_code != 0)
                    ++failures;
            --running;
        });
    int searches = 0;
    std::string errors;
    while (running > 0) {
        RunResult result =
            m_sandbox.sc({"search", "concurrent", "--type", "task", "--format", "json", "--limit", "100"});
        ++searches;
        if (result.exit_code != 0)
            errors += result.err;
    }
    for (std::thread& writer : writers)
        writer.join();
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(errors, "");
    EXPECT_GE(searches, 1);
    EXPECT_EQ(ids({"concurrent", "--type", "task", "--limit", "100"}).size(), static_cast<size_t>(k_writers * k_each));
}

}  // namespace
}  // namespace sc::e2e
