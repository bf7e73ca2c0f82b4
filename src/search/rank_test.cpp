#include "search/rank.hpp"

#include <gtest/gtest.h>

#include "search/query.hpp"
#include "search/search_index.hpp"

namespace sc::search {
namespace {

// Documents whose words are in known numbers of them: `every` in all, `half` in 50, `under` in
// 49, `over` in 51, `rare` in 3, and a title, tags and metadata for the column weights.
std::unique_ptr<SearchIndex> index_of(int documents) {
    Result<std::unique_ptr<SearchIndex>> opened = SearchIndex::open(":memory:", true, 0);
    EXPECT_TRUE(opened.ok());
    std::unique_ptr<SearchIndex> index = std::move(*opened);
    EXPECT_TRUE(index->begin().ok());
    for (int i = 0; i < documents; ++i) {
        IndexedDoc doc;
        doc.kind = i % 3 == 0 ? DocKind::task : DocKind::event;
        doc.key = "doc:" + std::to_string(i);
        doc.ref = "ref-" + std::to_string(i);
        doc.title = i % 7 == 0 ? "every half title" : "title " + std::to_string(i);
        doc.body = "every " + std::string(i < 50 ? "half " : "") + (i < 49 ? "under " : "") + (i < 51 ? "over " : "") +
                   (i % 40 == 0 ? "rare " : "") + "two words " + std::string(static_cast<size_t>(i % 5), 'x') +
                   " 认证系统 " + std::to_string(i);
        if (i % 4 == 0)
            doc.tags = {"every", "tagged"};
        doc.status = i % 2 == 0 ? "todo" : "done";
        EXPECT_TRUE(index->put(doc).ok());
    }
    EXPECT_TRUE(index->commit().ok());
    return index;
}

// Each row's score by `function`, in rowid order.
std::vector<double> scores(SearchIndex& index, const std::string& function, const std::string& match) {
    Result<Statement> select = index.database().prepare("SELECT " + function +
                                                        "(fts, 10.0, 1.0, 4.0, 0.5) FROM fts WHERE fts MATCH ?1"
                                                        " ORDER BY rowid");
    EXPECT_TRUE(select.ok()) << match;
    std::vector<double> out;
    if (!select.ok())
        return out;
    select->bind(1, match);
    for (;;) {
        Result<bool> row = select->step();
        EXPECT_TRUE(row.ok()) << match;
        if (!row.ok() || !*row)
            return out;
        out.push_back(select->real(0));
    }
}

TEST(Rank, ScoresEveryRowExactlyAsBm25DoesWhereverItStopsCounting) {
    // 100 documents: `half` is in exactly N / 2 (the IDF's floor), `under` just below, `over`
    // just above; 101: `half` falls below the floor and `over` reaches it.
    for (int documents : {100, 101}) {
        std::unique_ptr<SearchIndex> index = index_of(documents);
        for (const std::string match :
             {"\"every\"", "\"half\"", "\"under\"", "\"over\"", "\"rare\"", "\"every\" \"rare\"", "\"half\" \"under\"",
              "\"ev\"*", "title : \"every\"", "\"every\" OR \"rare\"", "\"every\" NOT \"rare\"", "\"two words\"",
              "\"认 证\"", "\"every\" \"every\"", "(\"title\" AND \"half\") OR \"over\"",
              "tags : \"tagged\" \"over\""}) {
            std::vector<double> expected = scores(*index, "bm25", match);
            ASSERT_FALSE(expected.empty()) << match;
            EXPECT_EQ(scores(*index, k_rank_function, match), expected) << documents << " documents: " << match;
        }
    }
}

TEST(Rank, TheTitleMatchStillComesFirstThroughTheIndexsSearch) {
    std::unique_ptr<SearchIndex> index = index_of(100);
    SearchFilters filters;
    filters.limit = 3;
    Result<std::vector<Hit>> hits = index->search("(\"every\" AND \"half\")", filters);
    ASSERT_TRUE(hits.ok()) << hits.error().describe();
    ASSERT_EQ(hits->size(), 3U);
    EXPECT_EQ((*hits)[0].title, "every half title");
    EXPECT_GT((*hits)[0].score, 0);
}

IndexedDoc counted_doc(int i, const std::string& words) {
    IndexedDoc doc;
    doc.kind = DocKind::event;
    doc.key = "event:" + std::to_string(i);
    doc.ref = "stream-" + std::to_string(i % 17);
    doc.title = "Event " + std::to_string(i);
    doc.body = words + " " + std::string(static_cast<size_t>(i % 4), 'y') + " number " + std::to_string(i);
    return doc;
}

// Refs and scores of a search, with the phrase counts kept in the index (inside a transaction,
// as a search runs) or without them (the ranking counts every phrase).
std::vector<std::pair<std::string, double>> ranked(SearchIndex& index, const std::string& query, bool kept) {
    Result<ParsedQuery> parsed = parse_query(query);
    EXPECT_TRUE(parsed.ok());
    SearchFilters filters;
    filters.limit = 100;
    if (kept) {
        EXPECT_TRUE(index.begin().ok());
    }
    Result<std::vector<Hit>> hits = index.search(parsed->match, filters, parsed->phrases, kept);
    if (kept) {
        EXPECT_TRUE(index.commit().ok());
    }
    EXPECT_TRUE(hits.ok()) << query;
    std::vector<std::pair<std::string, double>> out;
    for (const Hit& hit : hits.ok() ? *hits : std::vector<Hit> {})
        out.emplace_back(hit.ref + " " + hit.title, hit.score);
    return out;
}

std::string kept_counts(SearchIndex& index) {
    Result<Statement> select =
        index.database().prepare("SELECT phrase, hits, exact FROM phrase_counts ORDER BY phrase");
    EXPECT_TRUE(select.ok());
    std::string out;
    while (select.ok() && *select->step())
        out += select->text(0) + "=" + std::to_string(select->integer(1)) + (select->integer(2) ? "" : "+") + " ";
    return out;
}

TEST(Rank, PhraseCountsKeptBetweenSearchesScoreAsCountingAgainDoes) {
    // 2,400 documents: `every` in all, `most` in 1,300, `many` in 1,100 (under half: counted
    // exactly), `some` in 30 (too rare to keep).
    Result<std::unique_ptr<SearchIndex>> opened = SearchIndex::open(":memory:", true, 0);
    ASSERT_TRUE(opened.ok());
    SearchIndex& index = **opened;
    auto words = [](int i) {
        return std::string("every") + (i % 24 < 13 ? " most" : "") + (i % 24 < 11 ? " many" : "") +
               (i % 80 == 0 ? " some" : "");
    };
    ASSERT_TRUE(index.begin().ok());
    for (int i = 0; i < 2400; ++i)
        ASSERT_TRUE(index.put(counted_doc(i, words(i))).ok());
    ASSERT_TRUE(index.commit().ok());
    const std::vector<std::string> queries = {"every number",     "most", "many y*", "every OR some", "many NOT some",
                                              "title:event most", "some"};
    for (const std::string& query : queries)
        EXPECT_EQ(ranked(index, query, true), ranked(index, query, false)) << query;
    // Counted to three quarters of the table (1,800 of 2,400) and marked a lower bound, or
    // exactly.
    EXPECT_EQ(kept_counts(index),
              "\"every\"=1800+ \"many\"=1100 \"most\"=1300 \"number\"=1800+ \"y\"*=1800+ "
              "title : \"event\"=1800+ ");

    // Documents added: counted on top of what was kept; the scores are still bm25()'s.
    auto update = [&](int from, int to, const std::vector<std::string>& removed) {
        ASSERT_TRUE(index.begin().ok());
        ASSERT_TRUE(index.prepare_phrase_counts().ok());
        for (int i = from; i < to; ++i)
            ASSERT_TRUE(index.put(counted_doc(i, i % 2 == 0 ? "many" : "other")).ok());
        for (const std::string& key : removed)
            ASSERT_TRUE(index.remove(key).ok());
        ASSERT_TRUE(index.settle_phrase_counts().ok());
        ASSERT_TRUE(index.commit().ok());
    };
    update(2400, 2600, {});
    for (const std::string& query : queries)
        EXPECT_EQ(ranked(index, query, true), ranked(index, query, false)) << query;
    // Exact counts and lower bounds both grow by the new documents holding the phrase; a lower
    // bound still over half the table (2,600) is not counted again.
    EXPECT_EQ(kept_counts(index),
              "\"every\"=1800+ \"many\"=1200 \"most\"=1300 \"number\"=2000+ \"y\"*=1950+ "
              "title : \"event\"=2000+ ");
    // A document removed: the counts it was part of are dropped, then counted again.
    update(2600, 2610, {"event:0"});
    EXPECT_EQ(kept_counts(index), "");
    for (const std::string& query : queries)
        EXPECT_EQ(ranked(index, query, true), ranked(index, query, false)) << query;
    EXPECT_EQ(kept_counts(index),
              "\"every\"=1957+ \"many\"=1204 \"most\"=1299 \"number\"=1957+ \"y\"*=1957+ "
              "title : \"event\"=1957+ ");
}

}  // namespace
}  // namespace sc::search
