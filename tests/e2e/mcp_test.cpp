// `sc mcp` end to end: the real sc execs the real sc-server, over pipes.

#include <gtest/gtest.h>

#include <sstream>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

using Json = nlohmann::ordered_json;

std::vector<Json> lines_of(const std::string& out) {
    std::vector<Json> messages;
    std::istringstream stream(out);
    std::string line;
    while (std::getline(stream, line)) {
        Json message = Json::parse(line, nullptr, false);
        EXPECT_FALSE(message.is_discarded()) << "not JSON on stdout: " << line.substr(0, 200);
        messages.push_back(message);
    }
    return messages;
}

std::string request(int id, const std::string& method, const Json& params) {
    return Json {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump() + "\n";
}

TEST(Mcp, StdoutCarriesOnlyProtocolWhateverTheInputAndItExitsAtEndOfInput) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    std::string input =
        request(0, "initialize",
                {{"protocolVersion", "2025-11-25"},
                 {"capabilities", Json::object()},
                 {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}}) +
        R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
        "\n" +
        // Scopecraft's server printed a debug line on stdout for titles with "test".
        request(1, "tools/call",
                {{"name", "task_create"}, {"arguments", {{"title", "A test task"}, {"type", "test"}}}}) +
        std::string(10 * 1024 * 1024, 'x') + "\n" +  // a 10 MB line
        "{not json\n" + request(2, "tools/call", {{"name", "task_list"}, {"arguments", Json::object()}}) +
        request(3, "ping", Json::object());
    RunResult result = sandbox.sc({"mcp"}, input);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::vector<Json> messages = lines_of(result.out);
    ASSERT_EQ(messages.size(), 6u) << result.out.substr(0, 2000);
    EXPECT_EQ(messages[0]["result"]["protocolVersion"], "2025-11-25");
    EXPECT_EQ(messages[1]["result"]["isError"], false) << messages[1].dump();
    EXPECT_EQ(messages[2]["error"]["code"], -32600);
    EXPECT_NE(messages[2]["error"]["message"].get<std::string>().find("limit is 4194304 bytes"), std::string::npos);
    EXPECT_EQ(messages[3]["error"]["code"], -32700);
    EXPECT_EQ(messages[4]["result"]["structuredContent"]["data"][0]["document"]["title"], "A test task");
    EXPECT_EQ(messages[5]["id"], 3);
}

TEST(Mcp, TheTaskItCreatesIsTheCliTaskAndItsEventNamesTheClient) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    std::string input =
        request(0, "initialize",
                {{"protocolVersion", "2025-06-18"},
                 {"capabilities", Json::object()},
                 {"clientInfo", {{"name", "claude-code"}, {"version", "2"}}}}) +
        request(1, "tools/call",
                {{"name", "task_create"}, {"arguments", {{"title", "Add login page"}, {"type", "feature"}}}});
    RunResult result = sandbox.sc({"mcp"}, input);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<Json> messages = lines_of(result.out);
    ASSERT_EQ(messages.size(), 2u);
    Json task = messages[1]["result"]["structuredContent"]["data"];
    std::string id = task["metadata"]["id"];
    EXPECT_EQ(task, sandbox.sc({"task", "get", id, "--format", "json"}).json());
    if (sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
        return;  // no events to look at
    Json events = sandbox.sc({"events", "list", "--type", "TaskCreated", "--format", "json"}).json();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0]["meta"]["actor"], "mcp:claude-code");
}

TEST(Mcp, HttpIsRefusedWithAClearMessage) {
    Sandbox sandbox;
    RunResult result = sandbox.sc({"mcp", "--http"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("the Streamable HTTP transport is not available yet"), std::string::npos) << result.err;
    EXPECT_TRUE(result.out.empty());
}

}  // namespace
}  // namespace sc::e2e
