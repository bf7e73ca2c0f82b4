// The viewer's server side without a socket: query strings, pages, who may call it, and plain
// files read into the commands' projections.
#include <gtest/gtest.h>

#include "viewer/http_query.hpp"
#include "viewer/plain_files.hpp"

namespace sc::viewer {
namespace {

server::Request request_with(std::vector<std::pair<std::string, std::string>> headers) {
    server::Request request;
    request.method = "GET";
    request.path = "/ui/api/traces";
    request.headers = std::move(headers);
    return request;
}

TEST(ViewerQuery, DecodesParametersAndKeepsTheFirstOfARepeatedName) {
    auto parameters = parse_query("q=status%3Aerror+dur%3E2s&limit=5&q=second&bad=%zz&empty");
    EXPECT_EQ(parameters["q"], "status:error dur>2s");
    EXPECT_EQ(parameters["limit"], "5");
    EXPECT_EQ(parameters["bad"], "%zz");
    EXPECT_EQ(parameters["empty"], "");
}

TEST(ViewerQuery, PagesWithLimitAndCursorAndRefusesForeignCursors) {
    Json items = Json::array({1, 2, 3, 4, 5});
    Json result = Json::object();
    Page page = read_page(parse_query("limit=2&cursor=o2"), 100, 1000).value();
    keep_page(result, items, page);
    EXPECT_EQ(items, Json::array({3, 4}));
    EXPECT_EQ(result["total"], 5);
    EXPECT_EQ(result["nextCursor"], "o4");
    EXPECT_EQ(read_page(parse_query("limit=5000"), 100, 1000).value().limit, 1000u);
    Result<Page> foreign = read_page(parse_query("cursor=abc"), 100, 1000);
    ASSERT_FALSE(foreign.ok());
    EXPECT_EQ(foreign.error().message, "cursor \"abc\" is not one this server gave");
    EXPECT_FALSE(read_page(parse_query("limit=0"), 100, 1000).ok());
}

TEST(ViewerAccess, RefusesAForeignHostAndAForeignOrigin) {
    std::string why;
    EXPECT_TRUE(request_allowed(request_with({{"Host", "127.0.0.1:4318"}}), "127.0.0.1", &why));
    EXPECT_TRUE(request_allowed(request_with({{"Host", "localhost:4318"}, {"Origin", "http://localhost:4318"}}),
                                "127.0.0.1", &why));
    EXPECT_TRUE(request_allowed(request_with({{"Host", "[::1]:4318"}}), "127.0.0.1", &why));
    EXPECT_FALSE(request_allowed(request_with({{"Host", "rebound.attacker.example:4318"}}), "127.0.0.1", &why));
    EXPECT_EQ(why,
              "the Host header \"rebound.attacker.example:4318\" does not name this server: open the viewer at "
              "http://127.0.0.1:PORT/ui/");
    EXPECT_FALSE(request_allowed(request_with({}), "127.0.0.1", &why));
    EXPECT_FALSE(request_allowed(request_with({{"Host", "127.0.0.1:4318"}, {"Origin", "https://attacker.example"}}),
                                 "127.0.0.1", &why));
    // A server bound to a LAN address answers pages loaded from that address.
    EXPECT_TRUE(request_allowed(request_with({{"Host", "192.168.1.5:4318"}, {"Origin", "http://192.168.1.5:4318"}}),
                                "192.168.1.5", &why));
    EXPECT_FALSE(request_allowed(request_with({{"Host", "192.168.1.6:4318"}}), "192.168.1.5", &why));
}

TEST(ViewerPlainFiles, ReadsOtlpLinesNamingTheBadLineAndKeepsTheRest) {
    std::string content =
        R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},)"
        R"("scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",)"
        R"("name":"root","startTimeUnixNano":"1795784400000000000","endTimeUnixNano":"1795784400002000000",)"
        R"("status":{"code":2,"message":"boom"}}]}]}]})"
        "\nnot json\n"
        R"({"seq":1,"stream":"task:x","type":"TaskCreated","data":{}})"
        "\n";
    Json file = read_plain_file("f.jsonl", content);
    ASSERT_EQ(file["traces"].size(), 1u);
    EXPECT_EQ(file["traces"][0]["root"], "root");
    EXPECT_EQ(file["traces"][0]["errors"], 1);
    EXPECT_EQ(file["spans"]["0af7651916cd43dd8448eb211c80319c"][0]["status_message"], "boom");
    EXPECT_EQ(file["events"].size(), 1u);
    ASSERT_EQ(file["problems"].size(), 1u);
    EXPECT_EQ(file["problems"][0]["message"], "line 2 is not a JSON object: skipped");
}

TEST(ViewerPlainFiles, ReadsJaegerJsonBackIntoSpans) {
    std::string content = R"({"data":[{"traceID":"0af7651916cd43dd","spans":[
        {"traceID":"0af7651916cd43dd","spanID":"a1","operationName":"parent","references":[],
         "startTime":1795784400000000,"duration":3000,"tags":[{"key":"span.kind","type":"string","value":"server"}],
         "processID":"p1"},
        {"traceID":"0af7651916cd43dd","spanID":"a2","operationName":"child",
         "references":[{"refType":"CHILD_OF","traceID":"0af7651916cd43dd","spanID":"a1"}],
         "startTime":1795784400001000,"duration":1000,
         "tags":[{"key":"otel.status_code","type":"string","value":"ERROR"},{"key":"k","type":"string","value":"<b>"}],
         "logs":[{"timestamp":1795784400001500,"fields":[{"key":"event","type":"string","value":"retry"}]}],
         "processID":"p1"}],
      "processes":{"p1":{"serviceName":"svc","tags":[]}}}]})";
    Json file = read_plain_file("t.json", content);
    EXPECT_EQ(file["format"], "jaeger");
    ASSERT_EQ(file["traces"].size(), 1u);
    EXPECT_EQ(file["traces"][0]["spans"], 2);
    EXPECT_EQ(file["traces"][0]["errors"], 1);
    EXPECT_EQ(file["traces"][0]["service"], "svc");
    const Json& spans = file["spans"]["00000000000000000af7651916cd43dd"];
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0]["kind"], 2);
    EXPECT_EQ(spans[1]["depth"], 1);
    EXPECT_EQ(spans[1]["attributes"]["k"], "<b>");
    EXPECT_EQ(spans[1]["events"][0]["name"], "retry");
}

}  // namespace
}  // namespace sc::viewer
