#pragma once
// The search index: one SQLite file of documents (tasks, project docs, events, spans, logs)
// with their metadata in a plain table and their text in an FTS5 table, plus the positions in
// the event log and signal files it reflects (docs/search.md, "The index"). Derived data: a
// file that is missing, of another version or unreadable is made anew and filled again.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "search/query.hpp"
#include "search/rank.hpp"
#include "search/sqlite_db.hpp"
#include "util/result.hpp"

namespace sc::search {

enum class DocKind { task, doc, event, span, log };
std::string_view to_string(DocKind kind);
std::optional<DocKind> doc_kind_of(std::string_view name);

/// One searchable thing.
struct IndexedDoc {
    DocKind kind = DocKind::task;
    std::string key;  // unique: "task:store:current/x.task.md", "doc:docs/a.md", "event:42", ...
    std::string ref;  // what a user looks it up by: task id, doc path, event stream, trace id
    std::string title;
    std::string body;
    std::vector<std::string> tags;
    std::string status, type, area, phase, location, parent, priority, assignee;
    std::string path;   // a file's absolute path; for events and signals empty
    std::string extra;  // event seq, span id: shown in results
    int64_t time = 0;   // unix nanos: a file's mtime, an event's or span's time
    int64_t size = 0;   // a file's size, with mtime for the stat comparison
};

/// Conditions from options and `field:value` terms; empty lists allow anything.
struct SearchFilters {
    std::vector<DocKind> kinds;
    std::vector<std::string> status, type, area, tags, phase, location;
    std::vector<FieldFilter> fields;
    std::optional<int64_t> since, until;
    size_t limit = 50;
};

struct Hit {
    DocKind kind = DocKind::task;
    std::string ref, title, excerpt, key, path, extra;
    std::string status, type, area, phase, location, parent;
    std::vector<std::string> tags;
    int64_t time = 0;
    double score = 0;  // higher is better: -bm25, title matches weighted ten times
};

/// A file's stat as the index last saw it, by key.
struct FileStamp {
    int64_t size = 0;
    int64_t mtime = 0;
};

class SearchIndex {
public:
    /// The schema version; an index of another version is made anew.
    static constexpr int k_version = 2;  // 2: an event's title is its type alone

    /// Opens the index at `path` (":memory:" for one that lives as long as the process).
    /// A file that is not a database, is damaged or of another version is removed and made
    /// anew; `rebuilt()` then says so and `why_rebuilt()` why.
    static Result<std::unique_ptr<SearchIndex>> open(const std::string& path, bool in_memory, int busy_ms);
    SearchIndex(const SearchIndex&) = delete;
    SearchIndex& operator=(const SearchIndex&) = delete;

    /// Takes the write lock (BEGIN IMMEDIATE): another process's catch-up waits for this one.
    Status begin();
    Status commit();
    void rollback();
    /// Copies the WAL into the file and empties it (after a large update: the next process to
    /// open the index would otherwise read the whole WAL). Best effort: a reader may hold it.
    void checkpoint();

    /// Removes everything (inside a transaction): for a rebuild.
    Status clear();
    Status put(const IndexedDoc& doc);
    Status remove(const std::string& key);
    /// Removes every document of `kind` whose key starts with `prefix`.
    Status remove_prefix(DocKind kind, const std::string& prefix);
    /// Keys and stamps of every document of a kind (tasks, docs: their files).
    Result<std::vector<std::pair<std::string, FileStamp>>> stamps(DocKind kind);

    Result<std::string> meta(const std::string& key);
    Status set_meta(const std::string& key, const std::string& value);

    /// `phrases`: the query's phrases in FTS5's order (ParsedQuery::phrases). Inside a write
    /// transaction, their document counts are read from and kept in the phrase counts (so a
    /// word in most documents is not counted again by each search: rank.hpp); elsewhere the
    /// ranking counts them. Results are the same either way.
    Result<std::vector<Hit>> search(const std::string& match, const SearchFilters& filters,
                                    const std::vector<std::string>& phrases = {}, bool in_transaction = false);
    /// Inside the update's transaction: makes the phrase-count table (indexes made before it
    /// had none), and at the end drops the counts a removed document was part of.
    Status prepare_phrase_counts();
    Status settle_phrase_counts();
    Result<int64_t> count(DocKind kind);

    [[nodiscard]] bool created() const { return m_created; }
    [[nodiscard]] const std::string& why_rebuilt() const { return m_why_rebuilt; }
    [[nodiscard]] Database& database() { return m_db; }

private:
    SearchIndex() = default;
    Status create_schema();
    Result<bool> schema_current();

    Database m_db;
    bool m_created = false;             // empty: needs filling
    bool m_ranked = false;              // sc_rank is registered (search/rank.hpp)
    PhraseCounts m_counts;              // sc_rank's, for the query running
    int64_t m_min_removed = INT64_MAX;  // the lowest id removed in this transaction
    std::string m_why_rebuilt;          // set when an unusable file was replaced
    std::optional<Statement> m_put_doc, m_put_text, m_find_id, m_delete_doc, m_delete_text;
};

}  // namespace sc::search
