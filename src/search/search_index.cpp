#include "search/search_index.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <optional>

#include "search/rank.hpp"
#include "search/search_text.hpp"
#include "util/text.hpp"

namespace sc::search {

namespace {

constexpr std::array<std::string_view, 5> k_kind_names {"task", "doc", "event", "span", "log"};

// Highlight markers inside SQLite: control characters no document holds after indexing, so
// a Markdown "**bold**" in the text is never taken for a match.
constexpr std::string_view k_open = "\x01";
constexpr std::string_view k_close = "\x02";

// The BM25 weights of the FTS columns: title, body, tags, meta. A word in the title counts
// ten times one in the body, so the task named after the words comes first.
constexpr const char* k_weights = "(fts, 10.0, 1.0, 4.0, 0.5)";

std::string join_tags(const std::vector<std::string>& tags) {
    // ",a,b,": a tag filter is one LIKE '%,tag,%' whatever the position.
    std::string out = ",";
    for (const std::string& tag : tags)
        out += text::to_lower_ascii(tag) + ",";
    return out;
}

std::vector<std::string> split_tags(const std::string& joined) {
    std::vector<std::string> tags;
    for (std::string_view part : text::split(joined, ','))
        if (!part.empty())
            tags.emplace_back(part);
    return tags;
}

std::string meta_text(const IndexedDoc& doc) {
    std::string out = doc.ref;
    for (const std::string* part :
         {&doc.status, &doc.type, &doc.area, &doc.phase, &doc.location, &doc.parent, &doc.priority, &doc.assignee})
        if (!part->empty())
            out += " " + *part;
    return out;
}

// The excerpt as results show it: on one line, highlights as **term**, CJK spacing undone.
std::string clean_excerpt(std::string text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '*' && i + 1 < text.size() && text[i + 1] == '*') {
            ++i;  // Markdown's own emphasis would read as a highlight
            continue;
        }
        if (c == '\n' || c == '\r' || c == '\t') {
            if (!out.empty() && out.back() != ' ')
                out += ' ';
            continue;
        }
        if (c == ' ' && !out.empty() && out.back() == ' ')
            continue;
        if (c == k_open[0] || c == k_close[0]) {
            out += "**";
            continue;
        }
        out += c;
    }
    return unspaced_excerpt(text::trim(out));
}

}  // namespace

std::string_view to_string(DocKind kind) {
    return k_kind_names[static_cast<size_t>(kind)];
}

std::optional<DocKind> doc_kind_of(std::string_view name) {
    for (size_t i = 0; i < k_kind_names.size(); ++i)
        if (k_kind_names[i] == name)
            return static_cast<DocKind>(i);
    return std::nullopt;
}

Result<std::unique_ptr<SearchIndex>> SearchIndex::open(const std::string& path, bool in_memory, int busy_ms) {
    std::unique_ptr<SearchIndex> index(new SearchIndex());
    for (int attempt = 0; attempt < 2; ++attempt) {
        Result<Database> opened =
            Database::open(path, in_memory ? Database::Mode::memory : Database::Mode::read_write_create, busy_ms);
        if (!opened.ok())
            return std::move(opened).error();
        index->m_db = std::move(*opened);
        Result<bool> current = index->schema_current();
        if (current.ok() && *current) {
            // sc_rank scores as bm25() does, cheaper for common words; bm25() if it cannot be had.
            index->m_ranked = register_rank_function(index->m_db, &index->m_counts).ok();
            return index;
        }
        if (current.ok() || index->m_db.fault() == DbFault::corrupt) {
            if (!current.ok())
                index->m_why_rebuilt = current.error().message;
            else
                index->m_why_rebuilt = "";  // a new file, or another version: nothing to say
            // Unusable: start from nothing. The WAL and shared-memory files belong to it.
            index->m_db = Database();
            if (!in_memory)
                for (const char* suffix : {"", "-wal", "-shm", "-journal"})
                    ::unlink((path + suffix).c_str());
            if (attempt == 0)
                continue;
        }
        return std::move(current).error();
    }
    return make_error(ErrorCode::io, "search index " + path + " could not be made anew",
                      "remove the file by hand, then search again");
}

Result<bool> SearchIndex::schema_current() {
    // WAL: a search reads the last committed index while another process updates it. Each
    // process is the index's only connection most of the time, and the last to close copies the
    // WAL into the file and removes it (a WAL left behind would be read whole by the next
    // process to open the file). Without flushes (synchronous=OFF): with them that close cost
    // four fdatasyncs, about 30 ms a search here. A kill loses nothing (SQLite recovers from the
    // WAL); a power failure may leave a damaged index, which is derived data: detected, it is
    // rebuilt (docs/search.md).
    Status wal = m_db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
    if (!wal.ok() && m_db.fault() != DbFault::read_only)
        return std::move(wal).error();
    Result<Statement> version = m_db.prepare("PRAGMA user_version");
    if (!version.ok())
        return std::move(version).error();
    bool row = SC_TRY(version->step());
    int64_t found = row ? version->integer(0) : 0;
    if (found == k_version) {
        // Reading a page of each table finds a damaged file before a search relies on it.
        Result<Statement> probe = m_db.prepare("SELECT count(*) FROM meta");
        if (!probe.ok())
            return std::move(probe).error();
        SC_TRY(probe->step());
        return true;
    }
    if (found != 0)
        return false;
    // A new, empty file: make the schema in it.
    Result<Statement> tables = m_db.prepare("SELECT count(*) FROM sqlite_master");
    if (!tables.ok())
        return std::move(tables).error();
    SC_TRY(tables->step());
    if (tables->integer(0) != 0)
        return false;
    SC_TRY(create_schema());
    m_created = true;
    return true;
}

namespace {
constexpr const char* k_schema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL UNIQUE, ref TEXT,"
    " title TEXT, status TEXT, type TEXT, area TEXT, phase TEXT, location TEXT, parent TEXT, priority TEXT,"
    " assignee TEXT, tags TEXT, path TEXT, extra TEXT, time INTEGER, size INTEGER);"
    "CREATE INDEX IF NOT EXISTS docs_kind_time ON docs(kind, time);"
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, tags, meta,"
    " tokenize='unicode61 remove_diacritics 2');";
// How many documents hold a phrase, as of the document `upto` (the highest id then); `exact`
// 0: at least that many (the ranking stopped counting at half the table). A document added
// later has a higher id and is counted on top; one removed drops the counts it was part of.
constexpr const char* k_phrase_counts =
    "CREATE TABLE IF NOT EXISTS phrase_counts(phrase TEXT PRIMARY KEY, upto INTEGER NOT NULL,"
    " hits INTEGER NOT NULL, exact INTEGER NOT NULL) WITHOUT ROWID;";
// Phrases rarer than this are counted by each query: cheap, and the table stays small.
constexpr int64_t k_min_kept_count = 1000;
}  // namespace

// IF NOT EXISTS: two processes that found the same new, empty file both make the schema, one
// after the other (BEGIN IMMEDIATE), and the second finds it made.
Status SearchIndex::create_schema() {
    return m_db.exec("BEGIN IMMEDIATE;" + std::string(k_schema) + k_phrase_counts +
                     "PRAGMA user_version=" + std::to_string(k_version) + "; COMMIT;");
}

void SearchIndex::checkpoint() {
    (void)m_db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

Status SearchIndex::begin() {
    return m_db.exec("BEGIN IMMEDIATE");
}
Status SearchIndex::commit() {
    return m_db.exec("COMMIT");
}
void SearchIndex::rollback() {
    (void)m_db.exec("ROLLBACK");
}

Status SearchIndex::clear() {
    m_put_doc.reset();
    m_put_text.reset();
    m_find_id.reset();
    m_delete_doc.reset();
    m_delete_text.reset();
    // Dropping frees the pages at once; deleting 10,000 rows from FTS5 rewrites its b-trees.
    m_min_removed = INT64_MAX;
    return m_db.exec("DROP TABLE docs; DROP TABLE fts; DROP TABLE meta; DROP TABLE IF EXISTS phrase_counts;" +
                     std::string(k_schema) + k_phrase_counts);
}

Status SearchIndex::remove(const std::string& key) {
    if (!m_find_id) {
        m_find_id.emplace(SC_TRY(m_db.prepare("SELECT id FROM docs WHERE key = ?1")));
        m_delete_doc.emplace(SC_TRY(m_db.prepare("DELETE FROM docs WHERE id = ?1")));
        m_delete_text.emplace(SC_TRY(m_db.prepare("DELETE FROM fts WHERE rowid = ?1")));
    }
    m_find_id->bind_borrowed(1, key);
    bool found = SC_TRY(m_find_id->step());
    int64_t id = found ? m_find_id->integer(0) : 0;
    m_find_id->reset();
    if (!found)
        return {};
    m_min_removed = std::min(m_min_removed, id);
    SC_TRY(m_delete_text->bind(1, id).run());
    return m_delete_doc->bind(1, id).run();
}

Status SearchIndex::put(const IndexedDoc& doc) {
    SC_TRY(remove(doc.key));
    if (!m_put_doc) {
        m_put_doc.emplace(SC_TRY(m_db.prepare(
            "INSERT INTO docs(kind, key, ref, title, status, type, area, phase, location, parent, priority, assignee,"
            " tags, path, extra, time, size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
            " ?16, ?17)")));
        m_put_text.emplace(
            SC_TRY(m_db.prepare("INSERT INTO fts(rowid, title, body, tags, meta) VALUES (?1, ?2, ?3, ?4, ?5)")));
    }
    // Borrowed bindings: every string bound lives in `doc` or here until the run() below.
    Statement& put = *m_put_doc;
    std::string joined_tags = join_tags(doc.tags);
    put.bind_borrowed(1, to_string(doc.kind))
        .bind_borrowed(2, doc.key)
        .bind_borrowed(3, doc.ref)
        .bind_borrowed(4, doc.title);
    int index = 5;
    for (const std::string* value :
         {&doc.status, &doc.type, &doc.area, &doc.phase, &doc.location, &doc.parent, &doc.priority, &doc.assignee})
        put.bind_borrowed(index++, *value);
    put.bind_borrowed(13, joined_tags).bind_borrowed(14, doc.path).bind_borrowed(15, doc.extra);
    put.bind(16, doc.time).bind(17, doc.size);
    SC_TRY(put.run());
    int64_t id = sqlite3_last_insert_rowid(m_db.handle());
    std::string title = spaced_for_index(doc.title);
    std::string body = spaced_for_index(doc.body);
    std::string tags = spaced_for_index(text::join(doc.tags, " "));
    std::string meta = spaced_for_index(meta_text(doc));
    m_put_text->bind(1, id).bind_borrowed(2, title).bind_borrowed(3, body).bind_borrowed(4, tags).bind_borrowed(5,
                                                                                                                meta);
    return m_put_text->run();
}

Status SearchIndex::remove_prefix(DocKind kind, const std::string& prefix) {
    Statement select = SC_TRY(m_db.prepare("SELECT key FROM docs WHERE kind = ?1 AND substr(key, 1, ?2) = ?3"));
    select.bind(1, to_string(kind)).bind(2, static_cast<int64_t>(prefix.size())).bind(3, prefix);
    std::vector<std::string> keys;
    while (SC_TRY(select.step()))
        keys.push_back(select.text(0));
    for (const std::string& key : keys)
        SC_TRY(remove(key));
    return {};
}

Result<std::vector<std::pair<std::string, FileStamp>>> SearchIndex::stamps(DocKind kind) {
    Statement select = SC_TRY(m_db.prepare("SELECT key, size, time FROM docs WHERE kind = ?1"));
    select.bind(1, to_string(kind));
    std::vector<std::pair<std::string, FileStamp>> out;
    while (SC_TRY(select.step()))
        out.emplace_back(select.text(0), FileStamp {select.integer(1), select.integer(2)});
    return out;
}

Result<std::string> SearchIndex::meta(const std::string& key) {
    Statement select = SC_TRY(m_db.prepare("SELECT value FROM meta WHERE key = ?1"));
    select.bind(1, key);
    bool found = SC_TRY(select.step());
    return found ? select.text(0) : std::string();
}

Status SearchIndex::set_meta(const std::string& key, const std::string& value) {
    Statement upsert = SC_TRY(m_db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)"));
    return upsert.bind(1, key).bind(2, value).run();
}

Status SearchIndex::prepare_phrase_counts() {
    m_min_removed = INT64_MAX;
    return m_db.exec(k_phrase_counts);
}

Status SearchIndex::settle_phrase_counts() {
    if (m_min_removed == INT64_MAX)
        return {};
    Statement forget = SC_TRY(m_db.prepare("DELETE FROM phrase_counts WHERE upto >= ?1"));
    SC_TRY(forget.bind(1, m_min_removed).run());
    m_min_removed = INT64_MAX;
    return {};
}

namespace {

// The counts kept for `phrases`, brought up to the highest id (documents added since counted
// on top: FTS5 seeks to the first rowid past `upto`).
Status read_phrase_counts(Database& db, const std::vector<std::string>& phrases, PhraseCounts& counts) {
    Statement kept = SC_TRY(db.prepare("SELECT upto, hits, exact FROM phrase_counts WHERE phrase = ?1"));
    std::optional<Statement> newer;
    for (size_t i = 0; i < phrases.size(); ++i) {
        kept.bind_borrowed(1, phrases[i]);
        bool found = SC_TRY(kept.step());
        int64_t upto = found ? kept.integer(0) : 0;
        int64_t hits = found ? kept.integer(1) : 0;
        bool exact = found && kept.integer(2) != 0;
        kept.reset();
        if (!found)
            continue;
        if (!newer)
            newer.emplace(SC_TRY(db.prepare("SELECT count(*) FROM fts WHERE fts MATCH ?1 AND rowid > ?2")));
        newer->bind_borrowed(1, phrases[i]).bind(2, upto);
        SC_TRY(newer->step());
        counts.known[i] = hits + newer->integer(0);
        counts.known_exact[i] = exact;
        newer->reset();
    }
    return {};
}

Status keep_phrase_counts(Database& db, const std::vector<std::string>& phrases, const PhraseCounts& counts) {
    Statement highest = SC_TRY(db.prepare("SELECT max(id) FROM docs"));
    SC_TRY(highest.step());
    int64_t upto = highest.integer(0);
    std::optional<Statement> keep;
    for (size_t i = 0; i < phrases.size(); ++i) {
        bool counted = counts.counted[i] >= 0;
        int64_t hits = counted ? counts.counted[i] : counts.known[i];
        if (hits < k_min_kept_count)
            continue;
        if (!keep)
            keep.emplace(SC_TRY(
                db.prepare("INSERT OR REPLACE INTO phrase_counts(phrase, upto, hits, exact) VALUES (?1, ?2, ?3, ?4)")));
        bool exact = counted ? counts.complete[i] : counts.known_exact[i];
        SC_TRY(keep->bind_borrowed(1, phrases[i]).bind(2, upto).bind(3, hits).bind(4, int64_t {exact}).run());
    }
    return {};
}

}  // namespace

Result<int64_t> SearchIndex::count(DocKind kind) {
    Statement select = SC_TRY(m_db.prepare("SELECT count(*) FROM docs WHERE kind = ?1"));
    select.bind(1, to_string(kind));
    SC_TRY(select.step());
    return select.integer(0);
}

Result<std::vector<Hit>> SearchIndex::search(const std::string& match, const SearchFilters& filters,
                                             const std::vector<std::string>& phrases, bool in_transaction) {
    bool keep_counts = in_transaction && m_ranked && !match.empty() && !phrases.empty();
    m_counts.reset(keep_counts ? phrases.size() : 0);
    if (keep_counts)
        SC_TRY(read_phrase_counts(m_db, phrases, m_counts));
    std::string sql =
        "SELECT d.kind, d.ref, d.title, d.key, d.path, d.extra, d.status, d.type, d.area, d.phase,"
        " d.location, d.parent, d.tags, d.time, ";
    if (match.empty())
        sql += "0.0, substr(fts.body, 1, 200) FROM docs d JOIN fts ON fts.rowid = d.id WHERE 1";
    else
        // The excerpts are made below for the rows kept: a result column is computed for every
        // row the sorter sees, and snippet() tokenizes its whole document (10,000 matches, 20
        // shown: 570 M instructions of excerpts nobody saw).
        sql += "-" + std::string(m_ranked ? k_rank_function : "bm25") + k_weights +
               ", fts.rowid FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?1";
    std::vector<std::string> values;  // bound from ?2 on
    auto in_list = [&](const char* column, const std::vector<std::string>& wanted) {
        if (wanted.empty())
            return;
        sql += std::string(" AND lower(d.") + column + ") IN (";
        for (size_t i = 0; i < wanted.size(); ++i) {
            values.push_back(text::to_lower_ascii(wanted[i]));
            sql += (i ? ", ?" : "?") + std::to_string(values.size() + 1);
        }
        sql += ")";
    };
    std::vector<std::string> kinds;
    for (DocKind kind : filters.kinds)
        kinds.emplace_back(to_string(kind));
    in_list("kind", kinds);
    in_list("status", filters.status);
    in_list("type", filters.type);
    in_list("area", filters.area);
    in_list("phase", filters.phase);
    in_list("location", filters.location);
    if (!filters.tags.empty()) {
        sql += " AND (";
        for (size_t i = 0; i < filters.tags.size(); ++i) {
            values.push_back("%," + text::to_lower_ascii(filters.tags[i]) + ",%");
            sql += (i ? " OR d.tags LIKE ?" : "d.tags LIKE ?") + std::to_string(values.size() + 1);
        }
        sql += ")";
    }
    for (const FieldFilter& field : filters.fields) {
        if (field.field == "tag") {
            values.push_back("%," + text::to_lower_ascii(field.value) + ",%");
            sql += " AND d.tags LIKE ?" + std::to_string(values.size() + 1);
            continue;
        }
        // id and stream are what the ref column holds for tasks and events.
        std::string column = field.field == "id" || field.field == "stream" ? "ref" : field.field;
        values.push_back(text::to_lower_ascii(field.value));
        sql += " AND lower(d." + column + ") = ?" + std::to_string(values.size() + 1);
    }
    if (filters.since)
        sql += " AND d.time >= " + std::to_string(*filters.since);
    if (filters.until)
        sql += " AND d.time < " + std::to_string(*filters.until);
    // Browsing: tasks and docs first, then the newest telemetry.
    sql += match.empty() ? " ORDER BY (d.kind = 'task') DESC, (d.kind = 'doc') DESC, d.time DESC, d.ref"
                         : " ORDER BY 15 DESC, d.time DESC";
    sql += " LIMIT " + std::to_string(filters.limit);

    Statement select = SC_TRY(m_db.prepare(sql));
    if (!match.empty())
        select.bind(1, match);
    for (size_t i = 0; i < values.size(); ++i)
        select.bind(static_cast<int>(i) + 2, values[i]);
    std::vector<Hit> hits;
    std::vector<int64_t> rowids;  // of the hits, for their excerpts
    while (SC_TRY(select.step())) {
        Hit hit;
        hit.kind = doc_kind_of(select.text(0)).value_or(DocKind::task);
        hit.ref = select.text(1);
        hit.title = select.text(2);
        hit.key = select.text(3);
        hit.path = select.text(4);
        hit.extra = select.text(5);
        hit.status = select.text(6);
        hit.type = select.text(7);
        hit.area = select.text(8);
        hit.phase = select.text(9);
        hit.location = select.text(10);
        hit.parent = select.text(11);
        hit.tags = split_tags(select.text(12));
        hit.time = select.integer(13);
        hit.score = select.real(14);
        if (match.empty())
            hit.excerpt = clean_excerpt(select.text(15));
        else
            rowids.push_back(select.integer(15));
        hits.push_back(std::move(hit));
    }
    if (keep_counts)
        SC_TRY(keep_phrase_counts(m_db, phrases, m_counts));
    m_counts.reset(0);
    if (!match.empty()) {
        // The same MATCH on one row gives the excerpt the full query would have given it.
        Statement excerpt = SC_TRY(m_db.prepare(
            "SELECT snippet(fts, -1, char(1), char(2), '…', 16) FROM fts WHERE fts MATCH ?1 AND rowid = ?2"));
        for (size_t i = 0; i < hits.size(); ++i) {
            excerpt.bind_borrowed(1, match).bind(2, rowids[i]);
            if (SC_TRY(excerpt.step()))
                hits[i].excerpt = clean_excerpt(excerpt.text(0));
            excerpt.reset();
        }
    }
    return hits;
}

}  // namespace sc::search
