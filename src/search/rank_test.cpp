#include "search/rank.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sc::search
