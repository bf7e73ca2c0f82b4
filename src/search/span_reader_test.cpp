#include "search/span_reader.hpp"

#include <gtest/gtest.h>

#include "search/sources.hpp"

namespace sc::search {
namespace {

// A line as the store's readers hand it over: parse padding readable after it.
struct Padded {
    explicit Padded(std::string_view line) : bytes(std::string(line) + std::string(64, ' ')), size(line.size()) {}
    [[nodiscard]] std::string_view line() const { return {bytes.data(), size}; }
    [[nodiscard]] size_t capacity() const { return bytes.size(); }
    std::string bytes;
    size_t size;
};

std::string describe(const std::vector<IndexedDoc>& docs) {
    std::string out;
    for (const IndexedDoc& doc : docs)
        out += std::string(to_string(doc.kind)) + "|" + doc.key + "|" + doc.ref + "|" + doc.extra + "|" + doc.title +
               "|" + doc.status + "|" + doc.body + "|" + std::to_string(doc.time) + "\n";
    return out;
}

std::string span(std::string_view fields) {
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"sc"}}]},)"
           R"("scopeSpans":[{"scope":{"name":"s"},"spans":[)" +
           std::string(fields) + "]}]}]}";
}

// Lines the fast reader takes: the documents are span_docs' own, byte for byte.
TEST(SpanReader, ReadsTheSameDocumentsAsTheFullParserWithoutFallingBack) {
    const std::vector<std::string> lines = {
        // As sc writes them: two scopes, ids, times as strings, typed attributes.
        R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}},)"
        R"({"key":"process.pid","value":{"intValue":"16654"}}]},"scopeSpans":[{"scope":{"name":"scopecraft.tasks",)"
        R"("version":"0.1.0"},"spans":[{"traceId":"8cd4ada30835206adca693855bee7990","spanId":"4c9c596dce48d77d",)"
        R"("parentSpanId":"3a8740f8ada90b67","flags":257,"name":"task.list","kind":1,"startTimeUnixNano":)"
        R"("1796601771419651032","endTimeUnixNano":"1796601771777686103","attributes":[{"key":)"
        R"("scopecraft.operation","value":{"stringValue":"task.list"}}]}]},{"scope":{"name":"scopecraft.cli"},)"
        R"("spans":[{"traceId":"8cd4ada30835206adca693855bee7990","spanId":"3a8740f8ada90b67","name":"sc task list",)"
        R"("kind":1,"startTimeUnixNano":"1796601771419605875","attributes":[{"key":"process.executable.name",)"
        R"("value":{"stringValue":"sc"}},{"key":"process.exit.code","value":{"intValue":"0"}},{"key":"ok",)"
        R"("value":{"boolValue":true}},{"key":"ratio","value":{"doubleValue":0.5}}]}]}]}]})",
        // Status, events, upper-case ids, escapes and non-ASCII text.
        span(R"({"traceId":"AB00000000000000000000000000000C","spanId":"00000000000000FF","name":"caf\u00e9 \"x\"",)"
             R"("startTimeUnixNano":1796601771,"status":{"code":2,"message":"lock\ntimeout"},)"
             R"("events":[{"name":"exception","timeUnixNano":"1"},{"time":"no name"},7,{"name":"retry"}],)"
             R"("attributes":[{"key":"認証","value":{"stringValue":"用户"}}]})"),
        // A key given twice keeps its first place and its last value; bytes are text; other
        // shapes are not strings; pairs and spans that are not objects, or lack ids, are skipped.
        span(
            R"({"traceId":"a1","spanId":"b1","name":"dup","status":{"code":"1"},"attributes":[)"
            R"({"key":"k","value":{"stringValue":"first"}},{"key":"n","value":{"intValue":"3"}},)"
            R"({"key":"k","value":{"intValue":"9"}},{"key":"n","value":{"stringValue":"last"}},)"
            R"({"key":"b","value":{"bytesValue":"AAE="}},{"key":"s","value":{"stringValue":5}},)"
            R"({"key":"e","value":{}},{"key":"m"},"loose",{"value":{"stringValue":"no key"}}]},)"
            R"(3,{"traceId":"a1","name":"no span id"},{"traceId":"a1","spanId":"b2","startTimeUnixNano":"18446744073709551615"})"),
        // Shapes the reader passes over as the full parser does.
        R"({"resourceSpans":[1,{"scopeSpans":5},{"scopeSpans":[2,{"spans":{}},{"spans":[]}]}],"other":[1,2]})",
    };
    for (const std::string& line : lines) {
        Padded padded(line);
        std::vector<IndexedDoc> fast;
        ASSERT_TRUE(read_span_docs_fast(padded.line(), padded.capacity(), fast)) << line;
        EXPECT_EQ(describe(fast), describe(span_docs(line))) << line;
    }
    Padded first(lines[0]);
    EXPECT_EQ(describe(read_span_docs(first.line(), first.capacity())),
              "span|span:8cd4ada30835206adca693855bee7990:4c9c596dce48d77d|8cd4ada30835206adca693855bee7990|"
              "4c9c596dce48d77d|task.list|unset|\nscopecraft.operation task.list\n|1796601771419651032\n"
              "span|span:8cd4ada30835206adca693855bee7990:3a8740f8ada90b67|8cd4ada30835206adca693855bee7990|"
              "3a8740f8ada90b67|sc task list|unset|\nprocess.executable.name sc\n|1796601771419605875\n");
    Padded third(lines[2]);
    EXPECT_EQ(describe(read_span_docs(third.line(), third.capacity())),
              "span|span:a1:b1|a1|b1|dup|ok|\nn last\nb AAE=\n no key\n|0\n"
              "span|span:a1:b2|a1|b2||unset|\n|9223372036854775807\n");
}

// Lines it does not mirror exactly go to the full parser: the same documents either way.
TEST(SpanReader, LinesItDoesNotMirrorAreReadByTheFullParser) {
    const std::vector<std::string> lines = {
        span(R"({"traceId":"a1","spanId":"b1","name":"one","name":"two"})"),  // a field twice: last wins
        span(R"({"traceId":"a1","spanId":"b1","attributes":[{"key":"k","value":{"intValue":"1","stringValue":"x"}}]})"),
        span(R"({"traceId":"a1","spanId":"b1","startTimeUnixNano":"12"})").substr(0, 90),  // cut short
        R"({"resourceLogs":[]})",                                                          // not a trace line
        // A number past 18 digits: whether it fits is the full parser's call.
        span(R"({"traceId":"a1","spanId":"b1","startTimeUnixNano":1796601771419605875})"),
        span("{\"traceId\":\"a1\",\"spanId\":\"b1\",\"name\":\"bad \xff byte\"}"),  // not UTF-8
        "[1,2]",
    };
    for (const std::string& line : lines) {
        Padded padded(line);
        std::vector<IndexedDoc> fast;
        EXPECT_FALSE(read_span_docs_fast(padded.line(), padded.capacity(), fast)) << line;
        EXPECT_TRUE(fast.empty());
        EXPECT_EQ(describe(read_span_docs(padded.line(), padded.capacity())), describe(span_docs(line))) << line;
    }
    Padded twice(lines[0]);
    EXPECT_EQ(describe(read_span_docs(twice.line(), twice.capacity())), "span|span:a1:b1|a1|b1|two|unset|\n|0\n");
    Padded both(lines[1]);
    EXPECT_EQ(describe(read_span_docs(both.line(), both.capacity())), "span|span:a1:b1|a1|b1||unset|\nk x\n|0\n");
    // Without the padding On-Demand needs, the full parser reads it.
    std::string plain = span(R"({"traceId":"a1","spanId":"b1","name":"n"})");
    std::vector<IndexedDoc> fast;
    EXPECT_FALSE(read_span_docs_fast(plain, plain.size(), fast));
    EXPECT_EQ(describe(read_span_docs(plain, plain.size())), "span|span:a1:b1|a1|b1|n|unset|\n|0\n");
}

}  // namespace
}  // namespace sc::search
