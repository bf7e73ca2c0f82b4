// json::check: the verdicts the store relies on before it writes an event's data.
#include "util/json_check.hpp"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

namespace sc::json {
namespace {

Verdict verdict_of(std::string_view text) {
    return check(text).verdict;
}

TEST(JsonCheck, AcceptsCompactObjectsAsNlohmannWritesThem) {
    nlohmann::json value = {
        {"taskId", "x-11A"},
        {"files", {{{"kind", "file_created"}, {"content", "# X\n\n\"quoted\" caf\u00e9 \U0001F600\t"}}}},
        {"n", -12.5},
        {"ok", true},
        {"none", nullptr},
        {"empty", nlohmann::json::object()},
        {"list", nlohmann::json::array()}};
    Checked checked = check(value.dump());
    EXPECT_EQ(checked.verdict, Verdict::valid) << checked.why << " at " << checked.offset;
    EXPECT_TRUE(checked.compact);
    EXPECT_TRUE(checked.object);
    Checked pretty = check(value.dump(2));
    EXPECT_EQ(pretty.verdict, Verdict::valid);
    EXPECT_FALSE(pretty.compact) << "blanks outside strings";
}

TEST(JsonCheck, BlanksInsideStringsKeepATextCompact) {
    Checked checked = check(R"({"a b":"c d\te"})");
    EXPECT_EQ(checked.verdict, Verdict::valid);
    EXPECT_TRUE(checked.compact);
}

TEST(JsonCheck, TellsObjectsFromOtherValues) {
    EXPECT_FALSE(check("[1,2]").object);
    EXPECT_FALSE(check("\"x\"").object);
    EXPECT_EQ(verdict_of("0"), Verdict::valid);
    EXPECT_EQ(verdict_of(" null "), Verdict::valid);
}

TEST(JsonCheck, RejectsBrokenSyntaxAndSaysWhere) {
    for (const char* bad :
         {"",      " ",          "{",     "}",     "{\"a\"}",    "{\"a\":}",    "{\"a\":1,}", "[1,]", "[1 2]",
          "{a:1}", "01",         "-",     "1.",    ".5",         "1e",          "+1",         "tru",  "nul",
          "truex", "{\"a\":1}x", "{} {}", "\"abc", "[\"a\\x\"]", "\"\\u12g4\"", "'a'",        "[1]]", "{\"a\":1]"}) {
        Checked checked = check(bad);
        EXPECT_EQ(checked.verdict, Verdict::invalid) << bad;
        EXPECT_NE(std::string(checked.why), "") << bad;
    }
    Checked checked = check(R"({"a":1,"b":})");
    EXPECT_EQ(checked.offset, 11U);
}

TEST(JsonCheck, RejectsControlCharactersAndBytesThatAreNotUtf8InStrings) {
    EXPECT_EQ(verdict_of("\"a\nb\""), Verdict::invalid);
    EXPECT_EQ(verdict_of(std::string("\"a\0b\"", 5)), Verdict::invalid);
    for (const char* bad : {"\"\xC0\xAF\"", "\"\xE0\x80\xAF\"", "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xFF\"",
                            "\"\xC3\"", "\"\xE2\x82\"", "\"abcdefgh\xC3(\""})
        EXPECT_EQ(verdict_of(bad), Verdict::invalid) << bad;
    for (const char* good : {"\"\xC3\xA9\"", "\"\xE2\x82\xAC\"", "\"\xF0\x9F\x98\x80\"", "\"\xF4\x8F\xBF\xBF\"",
                             "\"\xEF\xBF\xBF\"", "\"\\u0000\\u00e9\\uFFFF\""})
        EXPECT_EQ(verdict_of(good), Verdict::valid) << good;
}

TEST(JsonCheck, FindsABadByteAtEveryPositionOfALongString) {
    // The eight-bytes-at-a-time scan must stop wherever the byte is.
    for (size_t position = 0; position < 40; ++position) {
        std::string text = "\"" + std::string(40, 'a') + "\"";
        text[1 + position] = '\x01';
        EXPECT_EQ(verdict_of(text), Verdict::invalid) << position;
        text[1 + position] = '"';
        EXPECT_EQ(verdict_of(text), Verdict::invalid) << position;  // closes early: text follows
        text[1 + position] = '\\';
        EXPECT_EQ(verdict_of(text), Verdict::invalid) << position;  // an unknown escape, or no closing quote
    }
}

TEST(JsonCheck, LeavesExponentsLongNumbersSurrogatesAndDeepNestingToTheFullParser) {
    EXPECT_EQ(verdict_of("1e400"), Verdict::undecided);
    EXPECT_EQ(verdict_of("{\"a\":12345678901234567890}"), Verdict::undecided);
    EXPECT_EQ(verdict_of("\"\\ud83d\\ude00\""), Verdict::undecided);
    EXPECT_EQ(verdict_of(std::string(300, '[') + std::string(300, ']')), Verdict::undecided);
    EXPECT_EQ(verdict_of(std::string(200, '[') + std::string(200, ']')), Verdict::valid);
    EXPECT_EQ(verdict_of("123456789012345678"), Verdict::valid);
}

}  // namespace
}  // namespace sc::json
