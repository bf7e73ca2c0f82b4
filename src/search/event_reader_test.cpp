#include "search/event_reader.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "search/sources.hpp"

namespace sc::search {
namespace {

// The event document both ways: read_event_data's (when it takes the data) and nlohmann's.
struct Both {
    bool fast = false;
    IndexedDoc quick, full;
    EventData data;
};

Both both(const std::string& data, std::string_view stream = "task:fix-login-12A") {
    std::string padded = data + std::string(64, ' ');
    store::EventView event;
    event.seq = 7;
    event.stream = stream;
    event.type = "TaskCreated";
    event.time_unix_nanos = 1796601771419605875;
    event.data = std::string_view(padded.data(), data.size());
    Both out;
    out.fast = read_event_data(event.data, padded.size(), out.data);
    if (out.fast)
        out.quick = event_doc(event, out.data);
    out.full = event_doc(event, nlohmann::json::parse(data, nullptr, false));
    return out;
}

TEST(EventReader, GivesTheTextAndTaskIdOfTheFullParserWithoutFallingBack) {
    const std::vector<std::string> data = {
        // A change record as sc writes it: the file's content and section bodies left out.
        R"({"operation":"create","taskId":"fix-login-12A","title":"Fix login","files":[{"tree":"store","kind":)"
        R"("created","path":"current/fix-login-12A.task.md","content":"# Fix login\n\nsecret body"}],)"
        R"("sections":{"Log":{"old_body":"was","new_body":"now"}},"count":3,"negative":-12,"ok":true,"none":null})",
        // Keys out of order, nested arrays and objects, escapes and non-ASCII text.
        R"({"z":"last","a":["x",{"b":"y","a":"\u00e9t\u00e9"},[1,"deep"]],"m":{"taskId":"not top"},"\u0041":"A"})",
        R"(["an","array",{"of":"things"}])", R"({})", R"({"files":[7,"x",{"path":"p.task.md"}],"taskId":5})",
        R"({"files":{"path":"not a list"}})"};
    for (const std::string& text : data) {
        Both result = both(text);
        ASSERT_TRUE(result.fast) << text;
        EXPECT_EQ(result.quick.body, result.full.body) << text;
        EXPECT_EQ(result.quick.parent, result.full.parent) << text;
        EXPECT_EQ(result.quick.title, result.full.title);
        EXPECT_EQ(result.quick.key, result.full.key);
    }
    EXPECT_EQ(both(data[0]).quick.body,
              "task:fix-login-12A\n3 created current/fix-login-12A.task.md store -12 create fix-login-12A Fix login ");
    EXPECT_EQ(both(data[0]).quick.parent, "fix-login-12A");
    EventData files = both(data[0]).data;
    ASSERT_EQ(files.files.size(), 1U);
    EXPECT_EQ(files.files[0].tree, "store");
    EXPECT_EQ(files.files[0].kind, "created");
    EXPECT_EQ(files.files[0].path, "current/fix-login-12A.task.md");
    EXPECT_EQ(both(data[4]).data.files.size(), 1U);  // the entries that are objects
    EXPECT_EQ(both(data[4]).data.files[0].tree, "store");
}

TEST(EventReader, TextPastTheLimitIsCutWhereTheFullParserCutsIt) {
    std::string many = "{\"words\":[";
    for (int i = 0; i < 600; ++i)
        many += std::string(i ? "," : "") + "\"word" + std::to_string(i) + "\"";
    many += "]}";
    Both result = both(many);
    ASSERT_TRUE(result.fast);
    EXPECT_EQ(result.quick.body.size(), 4096U);
    EXPECT_EQ(result.quick.body, result.full.body);
    // A stream already past the limit: nothing is added, nothing cut.
    std::string stream = "task:" + std::string(5000, 's');
    Both long_stream = both(R"({"a":"b"})", stream);
    ASSERT_TRUE(long_stream.fast);
    EXPECT_EQ(long_stream.quick.body, long_stream.full.body);
}

TEST(EventReader, DataItDoesNotMirrorIsLeftToTheFullParser) {
    for (const std::string& text :
         {std::string(R"({"a":"one","a":"two"})"), std::string(R"({"ratio":0.5})"),
          std::string(R"({"big":18446744073709551615})"), std::string(R"({"files":[{"path":7}]})"),
          std::string(R"({"cut":)"), std::string("{\"bad\":\"\xff\"}"), std::string(R"("just a string")")}) {
        EventData data;
        std::string padded = text + std::string(64, ' ');
        EXPECT_FALSE(read_event_data(std::string_view(padded.data(), text.size()), padded.size(), data)) << text;
    }
    EventData data;
    std::string unpadded = R"({"a":"b"})";
    EXPECT_FALSE(read_event_data(unpadded, unpadded.size(), data));
}

}  // namespace
}  // namespace sc::search
