#include "search/query.hpp"

#include <gtest/gtest.h>

#include "search/search_index.hpp"
#include "search/search_text.hpp"

namespace sc::search {
namespace {

std::string match_of(std::string_view text) {
    Result<ParsedQuery> parsed = parse_query(text);
    EXPECT_TRUE(parsed.ok()) << text;
    return parsed.ok() ? parsed->match : "";
}

TEST(Query, EveryWordReachesFts5QuotedSoNoCharacterIsSyntax) {
    EXPECT_EQ(match_of("token refresh"), "(\"token\" AND \"refresh\")");
    EXPECT_EQ(match_of("\"token refresh\" auth*"), "(\"token refresh\" AND \"auth\"*)");
    EXPECT_EQ(match_of("a\"b"), "(\"a\" AND \"b\")");
    EXPECT_EQ(match_of("NEAR(x y)"), "(\"NEAR\" AND \"x\" AND \"y\")");
    EXPECT_EQ(match_of("it's"), "(\"it's\")");
    EXPECT_EQ(match_of("\"unbalanced phrase"), "(\"unbalanced phrase\")");
    EXPECT_EQ(match_of("*** - \"\""), "");
}

TEST(Query, OperatorsFieldsAndNegation) {
    EXPECT_EQ(match_of("a OR b"), "((\"a\")) OR ((\"b\"))");
    EXPECT_EQ(match_of("a NOT b -c"), "(\"a\") NOT \"b\" NOT \"c\"");
    EXPECT_EQ(match_of("title:login body:\"two words\""), "(title : \"login\" AND body : \"two words\")");
    Result<ParsedQuery> parsed = parse_query("status:todo tag:api word");
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed->filters.size(), 2U);
    EXPECT_EQ(parsed->filters[0].field, "status");
    EXPECT_EQ(parsed->filters[1].value, "api");
    EXPECT_EQ(parsed->shape.fields, 2);
    EXPECT_EQ(match_of("http://x.org"), "(\"http://x.org\")");  // not a field: text
}

TEST(Query, RefusesWhatCannotBeSearchedWithAnActionableMessage) {
    Result<ParsedQuery> huge = parse_query(std::string(100 * 1024, 'a'));
    ASSERT_FALSE(huge.ok());
    EXPECT_EQ(huge.error().message, "the query is 102400 bytes; a query may have at most 4096");
    Result<ParsedQuery> invalid = parse_query("ab\xFF");
    ASSERT_FALSE(invalid.ok());
    EXPECT_EQ(invalid.error().message, "the query is not valid UTF-8 (byte 3)");
    EXPECT_FALSE(parse_query("NOT a").ok());
    EXPECT_FALSE(parse_query("a OR NOT b").ok());
}

TEST(SearchText, CjkCharactersAreTokensAndExcerptsComeBackWhole) {
    EXPECT_EQ(spaced_for_index("用户ab"), "用 户 ab");
    // ASCII runs are copied whole between CJK characters, invalid bytes and other scripts.
    EXPECT_EQ(spaced_for_index("ab用户cd\xff"
                               "caf\xc3\xa9 x\xe3\x81"),
              "ab 用 户 cd\xef\xbf\xbd"
              "caf\xc3\xa9 x\xef\xbf\xbd\xef\xbf\xbd");
    EXPECT_EQ(match_of("认证"), "(\"认 证 \")");
    EXPECT_EQ(unspaced_excerpt("用 户 **认** **证** 系 统"), "用户**认证**系统");
}

TEST(SearchIndex, TitleWeightRanksTheTitleMatchFirstAndExcerptsMarkTerms) {
    auto index = SearchIndex::open(":memory:", true, 0);
    ASSERT_TRUE(index.ok());
    ASSERT_TRUE((*index)->begin().ok());
    auto doc = [](std::string key, std::string ref, std::string title, std::string body) {
        IndexedDoc made;
        made.key = std::move(key);
        made.ref = std::move(ref);
        made.title = std::move(title);
        made.body = std::move(body);
        return made;
    };
    IndexedDoc body_only = doc("task:store:a", "a", "Notes", "token token token refresh **bold**");
    IndexedDoc titled = doc("task:store:b", "b", "Token refresh", "short");
    ASSERT_TRUE((*index)->put(body_only).ok());
    ASSERT_TRUE((*index)->put(titled).ok());
    ASSERT_TRUE((*index)->put(titled).ok());  // a second put replaces
    ASSERT_TRUE((*index)->commit().ok());
    SearchFilters filters;
    auto hits = (*index)->search(match_of("token"), filters);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 2U);
    EXPECT_EQ((*hits)[0].ref, "b");
    EXPECT_EQ((*hits)[1].excerpt, "**token** **token** **token** refresh bold");
}

}  // namespace
}  // namespace sc::search
