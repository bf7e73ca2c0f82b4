#include "search/rank.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <new>
#include <vector>

namespace sc::search {

namespace {

// bm25()'s constants (SQLite's fts5_aux.c, as documented on the FTS5 page).
constexpr double k_k1 = 1.2;
constexpr double k_b = 0.75;

// What one query needs for every row it scores, computed at its first row.
struct QueryData {
    double average_length = 0;     // tokens per document
    std::vector<double> idf;       // per phrase
    std::vector<double> weighted;  // per phrase: this row's weighted frequency (scratch)
};

struct PhraseCount {
    int64_t hits = 0;
    int64_t enough = 0;  // the count from which the IDF is clamped
};

int count_hit(const Fts5ExtensionApi* /*api*/, Fts5Context* /*fts*/, void* user) {
    auto* count = static_cast<PhraseCount*>(user);
    ++count->hits;
    // From here log((N - n + 0.5) / (n + 0.5)) <= 0 for every n the rest could add: clamped.
    return count->hits >= count->enough ? SQLITE_DONE : SQLITE_OK;
}

void delete_query_data(void* data) {
    delete static_cast<QueryData*>(data);
}

QueryData* query_data(const Fts5ExtensionApi* api, Fts5Context* fts, int& code) {
    if (auto* known = static_cast<QueryData*>(api->xGetAuxdata(fts, 0)))
        return known;
    auto* data = new (std::nothrow) QueryData();
    if (data == nullptr) {
        code = SQLITE_NOMEM;
        return nullptr;
    }
    try {
        int phrases = api->xPhraseCount(fts);
        data->idf.resize(static_cast<size_t>(phrases));
        data->weighted.resize(static_cast<size_t>(phrases));
        sqlite3_int64 rows = 0;
        sqlite3_int64 tokens = 0;
        code = api->xRowCount(fts, &rows);
        if (code == SQLITE_OK)
            code = api->xColumnTotalSize(fts, -1, &tokens);
        if (code == SQLITE_OK)
            data->average_length = static_cast<double>(tokens) / static_cast<double>(rows);
        auto* counts = static_cast<PhraseCounts*>(api->xUserData(fts));
        if (counts != nullptr && counts->known.size() != static_cast<size_t>(phrases))
            counts = nullptr;  // not this query's phrases: count them all
        for (int i = 0; code == SQLITE_OK && i < phrases; ++i) {
            auto phrase = static_cast<size_t>(i);
            // n >= N / 2 (2n >= N) is enough for the floor. A count the index keeps goes on to
            // three quarters: a lower bound of half would fall under half again as soon as
            // documents without the phrase are added (every search adds its own spans).
            PhraseCount count {0, counts != nullptr ? std::max((rows + 1) / 2, rows - rows / 4) : (rows + 1) / 2};
            int64_t known = counts != nullptr ? counts->known[phrase] : -1;
            if (known >= 0 && (counts->known_exact[phrase] || 2 * known >= rows)) {
                count.hits = known;  // exact, or enough for the floor: the IDF is the same
            } else {
                code = api->xQueryPhrase(fts, i, &count, count_hit);
                if (code != SQLITE_OK)
                    break;
                if (counts != nullptr) {
                    counts->counted[phrase] = count.hits;
                    counts->complete[phrase] = count.hits < count.enough;
                }
            }
            // BM25's IDF as bm25() computes it, with its floor: a phrase in half the documents
            // or more counts for almost nothing, never less than nothing.
            double idf = std::log((rows - count.hits + 0.5) / (count.hits + 0.5));
            data->idf[static_cast<size_t>(i)] = idf <= 0.0 ? 1e-6 : idf;
        }
    } catch (const std::bad_alloc&) {
        code = SQLITE_NOMEM;
    }
    if (code == SQLITE_OK)
        code = api->xSetAuxdata(fts, data, delete_query_data);  // frees it on failure too
    else
        delete data;
    return code == SQLITE_OK ? data : nullptr;
}

// sc_rank(fts, weight of column 0, weight of column 1, ...): bm25() with its column weights.
void rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, int weights,
          sqlite3_value** values) {
    int code = SQLITE_OK;
    QueryData* data = query_data(api, fts, code);
    if (data == nullptr) {
        sqlite3_result_error_code(context, code);
        return;
    }
    std::fill(data->weighted.begin(), data->weighted.end(), 0.0);
    int instances = 0;
    code = api->xInstCount(fts, &instances);
    for (int i = 0; code == SQLITE_OK && i < instances; ++i) {
        int phrase = 0;
        int column = 0;
        int offset = 0;
        code = api->xInst(fts, i, &phrase, &column, &offset);
        if (code == SQLITE_OK)
            data->weighted[static_cast<size_t>(phrase)] +=
                weights > column ? sqlite3_value_double(values[column]) : 1.0;
    }
    double length = 0;
    if (code == SQLITE_OK) {
        int tokens = 0;
        code = api->xColumnSize(fts, -1, &tokens);
        length = static_cast<double>(tokens);
    }
    if (code != SQLITE_OK) {
        sqlite3_result_error_code(context, code);
        return;
    }
    double score = 0.0;
    for (size_t i = 0; i < data->idf.size(); ++i) {
        double frequency = data->weighted[i];
        score += data->idf[i] *
                 ((frequency * (k_k1 + 1.0)) / (frequency + k_k1 * (1 - k_b + k_b * length / data->average_length)));
    }
    sqlite3_result_double(context, -1.0 * score);
}

}  // namespace

Status register_rank_function(Database& db, PhraseCounts* counts) {
    fts5_api* api = nullptr;
    sqlite3_stmt* statement = nullptr;
    int code = sqlite3_prepare_v2(db.handle(), "SELECT fts5(?1)", -1, &statement, nullptr);
    if (code != SQLITE_OK)
        return db.failure(code, "finding FTS5");
    sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    code = sqlite3_step(statement);
    sqlite3_finalize(statement);
    if (code != SQLITE_ROW || api == nullptr || api->iVersion < 2)
        return make_error(ErrorCode::internal, "this SQLite has no FTS5 extension API",
                          "build sc-search with SQLite's FTS5 (Debian's libsqlite3 has it)");
    code = api->xCreateFunction(api, k_rank_function, counts, rank, nullptr);
    if (code != SQLITE_OK)
        return db.failure(code, "registering the ranking function");
    return {};
}

}  // namespace sc::search
