// The MCP server's protocol behaviour, driven through Server::handle with real task services
// on a temporary HOME and project.

#include "mcp/server.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <limits>
#include <string>
#include <thread>

#include "mcp/heap_reuse.hpp"
#include "mcp/schema_check.hpp"
#include "mcp/stdio_transport.hpp"
#include "util/clock.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"

namespace sc::mcp {
namespace {

/// The messages of a stdio transcript, one JSON value per line.
std::vector<Json> json_lines(const std::string& text) {
    std::vector<Json> messages;
    size_t start = 0;
    for (size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start = end + 1))
        messages.push_back(Json::parse(text.substr(start, end - start)));
    return messages;
}

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/sc-mcp-test-XXXXXX";
        m_folder = ::mkdtemp(pattern);
        ASSERT_TRUE(files::make_directories(m_folder + "/home").ok());
        ASSERT_TRUE(files::make_directories(m_folder + "/project").ok());
        m_environment.set("HOME", m_folder + "/home");
        m_environment.set("OTEL_SDK_DISABLED", "true");
        m_server = make_server(50);
    }

    std::unique_ptr<Server> make_server(size_t page_size) {
        HostSettings host;
        host.environment = &m_environment;
        host.clock = &m_clock;
        host.working_directory = m_folder + "/project";
        host.globals.root_dir = m_folder + "/project";
        ServerOptions options;
        options.page_size = page_size;
        options.session_id = "test-session";
        return std::make_unique<Server>(options, all_tools(), host);
    }

    // The one message the server answers `text` with.
    Json send(const std::string& text) {
        std::vector<std::string> out = m_server->handle(text);
        EXPECT_FALSE(out.empty()) << "no answer to " << text;
        if (out.empty())
            return nullptr;
        return Json::parse(out.back());
    }

    Json request(int id, const std::string& method, const Json& params = Json::object()) {
        return send(dump(Json {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}));
    }

    void initialize(const std::string& version = "2025-11-25") {
        Json answer = request(0, "initialize",
                              {{"protocolVersion", version},
                               {"capabilities", Json::object()},
                               {"clientInfo", {{"name", "test-client"}, {"version", "1"}}}});
        ASSERT_TRUE(answer.contains("result")) << answer.dump();
        EXPECT_TRUE(m_server->handle(R"({"jsonrpc":"2.0","method":"notifications/initialized"})").empty());
        Json root = call(1000 + m_inits++, "init_root", {{"path", m_folder + "/project"}});
        EXPECT_EQ(root["isError"], false) << root.dump();
    }

    Json call(int id, const std::string& tool, const Json& arguments) {
        Json answer = request(id, "tools/call", {{"name", tool}, {"arguments", arguments}});
        EXPECT_TRUE(answer.contains("result")) << answer.dump();
        return answer["result"];
    }

    std::string m_folder;
    MapEnvironment m_environment;
    SystemClock m_clock;
    std::unique_ptr<Server> m_server;
    int m_inits = 0;
};

TEST_F(ServerTest, InitializeAnswersTheClientsVersionWhenItIsOneWeSpeak) {
    for (const char* version : {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}) {
        m_server = make_server(50);
        Json answer = request(1, "initialize", {{"protocolVersion", version}, {"capabilities", Json::object()}});
        EXPECT_EQ(answer["result"]["protocolVersion"], version);
        EXPECT_EQ(answer["result"]["capabilities"]["tools"]["listChanged"], false);
        EXPECT_TRUE(answer["result"]["capabilities"].contains("logging"));
        EXPECT_EQ(answer["result"]["serverInfo"]["name"], "scopecraft");
    }
}

TEST_F(ServerTest, InitializeAnswersTheLatestVersionForOneItDoesNotKnow) {
    Json answer = request(1, "initialize", {{"protocolVersion", "2099-01-01"}, {"capabilities", Json::object()}});
    EXPECT_EQ(answer["result"]["protocolVersion"], "2025-11-25");
}

TEST_F(ServerTest, ASecondInitializeIsAnInvalidRequest) {
    initialize();
    Json answer = request(1, "initialize", {{"protocolVersion", "2025-11-25"}});
    EXPECT_EQ(answer["error"]["code"], -32600);
    EXPECT_EQ(answer["error"]["message"], "invalid request: the session is already initialized");
}

TEST_F(ServerTest, RequestsBeforeInitializeAreRefusedButPingIsAnswered) {
    Json refused = request(1, "tools/list");
    EXPECT_EQ(refused["error"]["code"], -32600);
    EXPECT_EQ(refused["id"], 1);
    Json pong = request(2, "ping");
    EXPECT_EQ(pong["result"], Json::object());
}

TEST_F(ServerTest, InvalidJsonAndInvalidUtf8AreParseErrorsWithANullId) {
    Json answer = send("{\"jsonrpc\":\"2.0\",");
    EXPECT_EQ(answer["error"]["code"], -32700);
    EXPECT_TRUE(answer["id"].is_null());
    Json utf8 = send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"\xff\xfe\"}}");
    EXPECT_EQ(utf8["error"]["code"], -32700);
}

TEST_F(ServerTest, EnvelopeFaultsAreInvalidRequests) {
    EXPECT_EQ(send(R"({"id":1,"method":"ping"})")["error"]["code"], -32600);
    EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":null,"method":"ping"})")["error"]["code"], -32600);
    EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})")["error"]["code"], -32600);
    EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":1,"method":7})")["error"]["code"], -32600);
    EXPECT_EQ(send(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[1]})")["error"]["code"], -32600);
    EXPECT_EQ(send(R"("just a string")")["error"]["code"], -32600);
}

TEST_F(ServerTest, ANotificationWithAnIdIsAnInvalidRequest) {
    initialize();
    Json answer = send(R"({"jsonrpc":"2.0","id":9,"method":"notifications/initialized"})");
    EXPECT_EQ(answer["error"]["code"], -32600);
    EXPECT_EQ(answer["id"], 9);
}

TEST_F(ServerTest, NotificationsAndResponsesGetNoAnswer) {
    initialize();
    EXPECT_TRUE(
        m_server->handle(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}})").empty());
    EXPECT_TRUE(m_server->handle(R"({"jsonrpc":"2.0","method":"notifications/unknown"})").empty());
    EXPECT_TRUE(m_server->handle(R"({"jsonrpc":"2.0","id":5,"result":{}})").empty());
}

TEST_F(ServerTest, AnUnknownMethodIsMethodNotFound) {
    initialize();
    Json answer = request(1, "resources/list");
    EXPECT_EQ(answer["error"]["code"], -32601);
    EXPECT_EQ(answer["error"]["message"], "method not found: resources/list");
}

TEST_F(ServerTest, AReusedRequestIdIsRefused) {
    initialize();
    EXPECT_TRUE(request(4, "ping").contains("result"));
    Json again = request(4, "ping");
    EXPECT_EQ(again["error"]["code"], -32600);
    // A string id with the same digits is another id.
    EXPECT_TRUE(send(R"({"jsonrpc":"2.0","id":"4","method":"ping"})").contains("result"));
}

TEST_F(ServerTest, BatchesAreAcceptedOnlyInProtocol20250326) {
    initialize("2025-06-18");
    Json refused = send(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
    EXPECT_EQ(refused["error"]["code"], -32600);

    m_server = make_server(50);
    initialize("2025-03-26");
    Json answers = send(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"},)"
                        R"({"jsonrpc":"2.0","id":2,"method":"nope"}])");
    ASSERT_TRUE(answers.is_array());
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0]["id"], 1);
    EXPECT_EQ(answers[1]["error"]["code"], -32601);
    EXPECT_EQ(send("[]")["error"]["code"], -32600);
}

TEST_F(ServerTest, ToolsListPagesWithAnOpaqueCursor) {
    m_server = make_server(5);
    initialize();
    std::vector<std::string> names;
    Json params = Json::object();
    for (int id = 1; id < 20; ++id) {
        Json page = request(id, "tools/list", params)["result"];
        EXPECT_LE(page["tools"].size(), 5u);
        for (const Json& tool : page["tools"])
            names.push_back(tool["name"]);
        if (!page.contains("nextCursor"))
            break;
        params = {{"cursor", page["nextCursor"]}};
    }
    EXPECT_EQ(names.size(), all_tools().size());
    EXPECT_EQ(names.front(), "task_list");
    EXPECT_EQ(request(30, "tools/list", {{"cursor", "bogus"}})["error"]["code"], -32602);
}

TEST_F(ServerTest, EveryToolDescribesItsInputOutputAndHints) {
    initialize();
    Json tools = request(1, "tools/list")["result"]["tools"];
    for (const Json& tool : tools) {
        EXPECT_EQ(tool["inputSchema"]["type"], "object") << tool["name"];
        EXPECT_FALSE(tool["inputSchema"].contains("$schema")) << tool["name"];
        EXPECT_EQ(tool["inputSchema"].dump().find("$ref"), std::string::npos) << tool["name"];
        EXPECT_EQ(tool["outputSchema"]["type"], "object") << tool["name"];
        EXPECT_TRUE(tool["annotations"]["readOnlyHint"].is_boolean()) << tool["name"];
    }
    auto find = [&](const std::string& name) {
        for (const Json& tool : tools)
            if (tool["name"] == name)
                return tool;
        return Json();
    };
    EXPECT_EQ(find("task_delete")["annotations"]["destructiveHint"], true);
    EXPECT_EQ(find("task_list")["annotations"]["readOnlyHint"], true);
    EXPECT_EQ(find("events_list")["annotations"]["readOnlyHint"], true);
    EXPECT_EQ(find("task_create")["inputSchema"]["required"], Json::array({"title", "type"}));
}

TEST_F(ServerTest, UnknownToolsAreInvalidParamsAndBadArgumentsAreToolErrors) {
    initialize();
    EXPECT_EQ(request(1, "tools/call", {{"name", "no_such_tool"}})["error"]["code"], -32602);
    Json wrong = call(2, "task_create", {{"title", 42}, {"type", "feature"}});
    EXPECT_EQ(wrong["isError"], true);
    EXPECT_EQ(wrong["content"][0]["text"],
              "invalid arguments: title: expected string, got an integer\nhint: see the tool's inputSchema");
    Json unknown = call(3, "task_get", {{"id", "x-11A"}, {"colour", "red"}});
    EXPECT_EQ(unknown["isError"], true);
    Json missing = call(4, "task_get", Json::object());
    EXPECT_EQ(missing["content"][0]["text"],
              "invalid arguments: arguments: \"id\" is required\nhint: see the tool's inputSchema");
}

TEST_F(ServerTest, TaskToolsCreateUpdateMoveAndListWithTheCliShapes) {
    initialize();
    Json created =
        call(1, "task_create", {{"title", "Add login page"}, {"type", "feature"}, {"tags", Json::array({"ui"})}});
    ASSERT_EQ(created["isError"], false) << created.dump();
    Json task = created["structuredContent"]["data"];
    std::string id = task["metadata"]["id"];
    EXPECT_EQ(task["document"]["frontmatter"]["priority"], "medium");  // Scopecraft's MCP default
    EXPECT_EQ(Json::parse(created["content"][0]["text"].get<std::string>()), created["structuredContent"]);

    Json updated =
        call(2, "task_update",
             {{"id", id}, {"updates", {{"status", "In Progress"}, {"tasks", "- [ ] one\n## Not a section"}}}});
    ASSERT_EQ(updated["isError"], false) << updated.dump();
    EXPECT_EQ(updated["structuredContent"]["data"]["document"]["frontmatter"]["status"], "in_progress");
    EXPECT_EQ(updated["structuredContent"]["data"]["document"]["sections"]["tasks"], "- [ ] one\n### Not a section");

    Json moved = call(3, "task_move", {{"id", id}, {"target_state", "archive"}, {"archive_date", "2025-01"}});
    ASSERT_EQ(moved["isError"], false) << moved.dump();
    EXPECT_EQ(moved["structuredContent"]["data"]["metadata"]["location"]["archiveDate"], "2025-01");

    // Scopecraft ignores `location`; we apply it.
    Json current = call(4, "task_list", {{"location", "current"}, {"include_completed", true}});
    EXPECT_EQ(current["structuredContent"]["data"].size(), 0u);
    Json archive = call(5, "task_list", {{"location", Json::array({"archive"})}, {"include_completed", true}});
    ASSERT_EQ(archive["structuredContent"]["data"].size(), 1u);
    EXPECT_FALSE(archive["structuredContent"]["data"][0]["document"].contains("sections"));

    Json tools = request(6, "tools/list")["result"]["tools"];
    for (const Json& tool : tools) {
        if (tool["name"] == "task_list") {
            EXPECT_EQ(check_schema(tool["outputSchema"], archive["structuredContent"]), "");
        }
    }
}

TEST_F(ServerTest, ParentToolsCreateAndOperate) {
    initialize();
    Json created = call(1, "parent_create",
                        {{"title", "Search revamp"},
                         {"type", "feature"},
                         {"subtasks",
                          {{{"title", "Pick an index"}},
                           {{"title", "Build the indexer"}},
                           {{"title", "Build the query API"}, {"parallel_with", "Build the indexer"}}}}});
    ASSERT_EQ(created["isError"], false) << created.dump();
    Json tree = created["structuredContent"]["data"];
    ASSERT_EQ(tree.size(), 4u);
    EXPECT_EQ(tree[2]["metadata"]["sequenceNumber"], tree[3]["metadata"]["sequenceNumber"]);
    std::string parent = tree[0]["metadata"]["id"];
    Json added = call(2, "parent_operations",
                      {{"parent_id", parent}, {"operation", "add_subtask"}, {"subtask", {{"title", "Ship it"}}}});
    ASSERT_EQ(added["isError"], false) << added.dump();
    Json listed = call(3, "parent_list", {{"include_subtasks", true}});
    ASSERT_EQ(listed["structuredContent"]["data"].size(), 1u);
    EXPECT_EQ(listed["structuredContent"]["progress"][parent]["total"], 4);
}

TEST_F(ServerTest, FailuresAndMissingFeaturesAreToolErrors) {
    initialize();
    Json missing = call(1, "task_get", {{"id", "no-such-task-11A"}});
    EXPECT_EQ(missing["isError"], true);
    Json search = call(2, "search", {{"query", std::string(5000, 'x')}});
    EXPECT_EQ(search["isError"], true);
    EXPECT_NE(
        search["content"][0]["text"].get<std::string>().find("the query is 5000 bytes; a query may have at most 4096"),
        std::string::npos)
        << search.dump();
    Json backlog = call(3, "task_list", {{"location", "backlog"}});
    EXPECT_EQ(backlog["isError"], true);
    Json escape = call(4, "task_get", {{"id", "../../../etc/passwd"}});
    EXPECT_EQ(escape["isError"], true);
}

TEST_F(ServerTest, WarningsAboutBrokenFilesBecomeLogNotificationsAtOrAboveTheLevelSet) {
    initialize();
    std::string tasks_dir = call(1, "get_current_root", Json::object())["structuredContent"]["data"]["tasksDir"];
    ASSERT_TRUE(files::write_atomic(tasks_dir + "/current/broken-11A.task.md", "# Broken\n\nno frontmatter\n").ok());
    std::vector<std::string> out =
        m_server->handle(dump(Json {{"jsonrpc", "2.0"},
                                    {"id", 2},
                                    {"method", "tools/call"},
                                    {"params", {{"name", "task_list"}, {"arguments", Json::object()}}}}));
    ASSERT_GE(out.size(), 2u);
    Json notification = Json::parse(out.front());
    EXPECT_EQ(notification["method"], "notifications/message");
    EXPECT_EQ(notification["params"]["level"], "warning");
    EXPECT_NE(notification["params"]["data"].get<std::string>().find("broken-11A.task.md"), std::string::npos)
        << notification.dump();
    EXPECT_EQ(Json::parse(out.back())["id"], 2);

    EXPECT_EQ(request(3, "logging/setLevel", {{"level", "error"}})["result"], Json::object());
    out = m_server->handle(dump(Json {{"jsonrpc", "2.0"},
                                      {"id", 4},
                                      {"method", "tools/call"},
                                      {"params", {{"name", "task_list"}, {"arguments", Json::object()}}}}));
    EXPECT_EQ(out.size(), 1u);
}

TEST_F(ServerTest, SetLevelChecksTheLevel) {
    initialize();
    EXPECT_EQ(request(1, "logging/setLevel", {{"level", "debug"}})["result"], Json::object());
    EXPECT_EQ(request(2, "logging/setLevel", {{"level", "loud"}})["error"]["code"], -32602);
}

TEST_F(ServerTest, StdioAnswersEveryLineInOrderHoweverTheInputIsCutAndStopsAtItsEnd) {
    // Lines that come together, a line cut in two writes, a call with pings behind it, a line
    // over the limit.
    int input[2];
    int output[2];
    ASSERT_EQ(::pipe(input), 0);
    ASSERT_EQ(::pipe(output), 0);
    int served = -1;
    std::thread server([&] { served = serve_stdio(*m_server, input[0], output[1], 4096); });
    std::string answers;
    std::thread drain([&] {
        char buffer[65536];
        ssize_t got = 0;
        while ((got = ::read(output[0], buffer, sizeof buffer)) > 0)
            answers.append(buffer, static_cast<size_t>(got));
    });
    auto send = [&](const std::string& bytes) {
        ASSERT_EQ(::write(input[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    };
    auto ping = [](int id) {
        return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
               R"(,"method":"ping"})"
               "\n";
    };
    send(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
         R"("capabilities":{},"clientInfo":{"name":"t","version":"1"}}})"
         "\n" +
         ping(2) + ping(3));
    std::string cut = ping(4);
    send(cut.substr(0, 10));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    send(cut.substr(10));
    std::string create = R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"init_root",)"
                         R"("arguments":{"path":")" +
                         m_folder + "/project\"}}}\n";
    send(create + ping(6) + std::string(5000, ' ') + "x\n" + ping(7));
    ::close(input[1]);
    server.join();
    ::close(output[1]);
    drain.join();
    ::close(input[0]);
    ::close(output[0]);
    EXPECT_EQ(served, 0);
    std::vector<Json> messages = json_lines(answers);
    ASSERT_EQ(messages.size(), 8u) << answers.substr(0, 2000);
    for (int id = 1; id <= 6; ++id)
        EXPECT_EQ(messages[id - 1]["id"], id) << messages[id - 1].dump();
    EXPECT_EQ(messages[4]["result"]["isError"], false) << messages[4].dump();
    std::string refused = messages[6]["error"].value("message", "");
    EXPECT_EQ(refused.rfind("message of ", 0), 0u) << refused;
    EXPECT_NE(refused.find("bytes or more refused: the limit is 4096 bytes"), std::string::npos) << refused;
    EXPECT_EQ(messages[7]["id"], 7);
}

TEST_F(ServerTest, StdioStopsALongCallWhoseCancellationArrivesWhileItRuns) {
    // One thread reads and handles: the cancellation, sent once the call has begun (its first
    // progress notification is out), is read by the call's own checks of the input.
    initialize();
    std::string tasks_dir = call(1, "get_current_root", Json::object())["structuredContent"]["data"]["tasksDir"];
    for (int i = 0; i < 3000; ++i) {
        std::string id = "bulk-" + std::to_string(10000 + i) + "-12A";
        ASSERT_TRUE(files::write_atomic(tasks_dir + "/current/" + id + ".task.md",
                                        "# Bulk " + id +
                                            "\n\n---\ntype: chore\nstatus: todo\narea: general\n---\n\n\n"
                                            "## Instruction\nSome words.\n\n## Tasks\n\n## Deliverable\n\n## Log\n")
                        .ok());
    }
    int input[2];
    int output[2];
    ASSERT_EQ(::pipe(input), 0);
    ASSERT_EQ(::pipe(output), 0);
    int served = -1;
    std::thread server([&] { served = serve_stdio(*m_server, input[0], output[1]); });
    auto send = [&](const std::string& bytes) {
        ASSERT_EQ(::write(input[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    };
    send(dump(Json {{"jsonrpc", "2.0"},
                    {"id", 2},
                    {"method", "tools/call"},
                    {"params",
                     {{"name", "task_list"},
                      {"arguments", {{"include_content", true}}},
                      {"_meta", {{"progressToken", "p"}}}}}}) +
         "\n");
    std::string answers;
    char buffer[65536];
    while (answers.find('\n') == std::string::npos) {
        ssize_t got = ::read(output[0], buffer, sizeof buffer);
        ASSERT_GT(got, 0);
        answers.append(buffer, static_cast<size_t>(got));
    }
    // Drained meanwhile: should the call run on, its answer (megabytes) must not fill the pipe.
    std::thread drain([&] {
        ssize_t got = 0;
        while ((got = ::read(output[0], buffer, sizeof buffer)) > 0)
            answers.append(buffer, static_cast<size_t>(got));
    });
    send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2,"reason":"x"}})"
         "\n"
         R"({"jsonrpc":"2.0","id":3,"method":"ping"})"
         "\n");
    ::close(input[1]);
    server.join();
    ::close(output[1]);
    drain.join();
    ::close(input[0]);
    ::close(output[0]);
    EXPECT_EQ(served, 0);
    std::vector<Json> messages = json_lines(answers);
    ASSERT_GE(messages.size(), 2u) << answers.substr(0, 2000);
    EXPECT_EQ(messages.front()["method"], "notifications/progress") << "the call had begun";
    for (size_t i = 0; i + 1 < messages.size(); ++i)
        EXPECT_EQ(messages[i]["method"], "notifications/progress")
            << "no response for the cancelled call: " << messages[i].dump().substr(0, 300);
    EXPECT_EQ(messages.back(), Json::parse(R"({"jsonrpc":"2.0","id":3,"result":{}})"));
}

TEST(McpDump, InvalidUtf8IsReplacedNotThrown) {
    Json value = {{"text", std::string("a\xff"
                                       "b")}};
    EXPECT_EQ(dump(value),
              "{\"text\":\"a\xEF\xBF\xBD"
              "b\"}");
}

TEST(McpMinify, WritesWhatDumpWritesOfThePrettyText) {
    Json value = {{"title", "a \"quoted\" \\ title\twith  spaces \xc3\xa9 \xf0\x9f\x9a\x80"},
                  {"empty", Json::object()},
                  {"list", Json::array({1, -2, "x\\", Json::array(), {{"k", "v\n"}}})},
                  {"flag", false},
                  {"none", nullptr}};
    for (int indent : {0, 2, 4})
        EXPECT_EQ(minify(value.dump(indent)), value.dump()) << indent;
    // Whitespace around the text and between tokens of every kind, as the CLI's writers leave it.
    EXPECT_EQ(minify(" [\n  {\r\n\t\"a b\" : [ 1 , 2 ]\n  }\n]\n"), "[{\"a b\":[1,2]}]");
    // Text that is not JSON is still only stripped of whitespace outside strings.
    EXPECT_EQ(minify("{\"open\": \"a b"), "{\"open\":\"a b");
}

TEST(McpHeapReuse, AFreedLargeBufferIsReusedWithoutFaultingItsPagesInAgain) {
    bool kept = keep_freed_memory(size_t {64} << 20);
#if SC_HEAP_KEEP_FREED && !defined(__SANITIZE_ADDRESS__)
    ASSERT_TRUE(kept);
    auto faults = [] {
        struct rusage usage {};
        ::getrusage(RUSAGE_SELF, &usage);
        return usage.ru_minflt;
    };
    constexpr size_t k_size = size_t {8} << 20;  // 2,048 pages
    {
        std::string first(k_size, 'a');
        volatile char touched = first[k_size / 2];
        (void)touched;
    }
    long before = faults();
    {
        std::string second(k_size, 'b');
        volatile char touched = second[k_size / 2];
        (void)touched;
    }
    EXPECT_LT(faults() - before, 100);
#else
    // The fallback (-DSC_HEAP_KEEP_FREED=OFF), or a sanitizer's allocator: left as it is.
    EXPECT_FALSE(kept);
#endif
}

TEST(McpLineReader, SplitsLinesDropsCarriageReturnsAndBoundsLongLines) {
    LineReader reader(10);
    std::vector<std::string> lines;
    std::vector<size_t> oversized;
    auto on_line = [&](std::string_view line) { lines.emplace_back(line); };
    auto on_big = [&](size_t size) { oversized.push_back(size); };
    reader.feed("one\r\ntw", on_line, on_big);
    reader.feed("o\n\n", on_line, on_big);
    reader.feed(std::string(25, 'x'), on_line, on_big);
    reader.feed(std::string(5, 'x') + "\nthree", on_line, on_big);
    reader.finish(on_line);
    EXPECT_EQ(lines, (std::vector<std::string> {"one", "two", "three"}));
    EXPECT_EQ(oversized, (std::vector<size_t> {30}));
}

TEST(McpSchemaCheck, NamesTheFieldAndWhatIsExpected) {
    Json schema = {
        {"type", "object"},
        {"properties",
         {{"sequence", {{"type", "string"}, {"pattern", "^\\d{2}$"}}},
          {"ids", {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", 2}}},
          {"kind", {{"type", "string"}, {"enum", Json::array({"a", "b"})}}},
          {"where", {{"anyOf", {{{"type", "string"}}, {{"type", "array"}, {"items", {{"type", "string"}}}}}}}}}},
        {"additionalProperties", false}};
    EXPECT_EQ(check_schema(
                  schema,
                  {{"sequence", "01"}, {"ids", Json::array({"a", "b"})}, {"kind", "a"}, {"where", Json::array({"x"})}}),
              "");
    EXPECT_EQ(check_schema(schema, {{"sequence", "1"}}), "sequence: \"1\" does not match ^\\d{2}$");
    EXPECT_EQ(check_schema(schema, {{"ids", Json::array({"a"})}}), "ids: needs at least 2 items");
    EXPECT_EQ(check_schema(schema, {{"ids", Json::array({"a", 3})}}), "ids[1]: expected string, got an integer");
    EXPECT_EQ(check_schema(schema, {{"kind", "c"}}), "kind: \"c\" is not one of [\"a\",\"b\"]");
    EXPECT_EQ(check_schema(schema, {{"kind", std::string(100, 'c')}}),
              "kind: \"" + std::string(76, 'c') + "... is not one of [\"a\",\"b\"]");
    EXPECT_EQ(check_schema(schema, {{"where", 3}}), "where: expected string, got an integer");
    EXPECT_EQ(check_schema(schema, {{"sequence", std::string(4 << 20, '1')}}),
              "sequence: a value of 4194304 bytes cannot match ^\\d{2}$");
}

TEST(McpSchemaCheck, NamesAMissingOrUnknownPropertyAndEveryTypeAllowed) {
    Json schema = {{"type", "object"},
                   {"properties", {{"a", {{"type", Json::array({"string", "null"})}}}}},
                   {"required", Json::array({"a"})},
                   {"additionalProperties", false}};
    EXPECT_EQ(check_schema(schema, {{"a", nullptr}}), "");
    EXPECT_EQ(check_schema(schema, {{"a", "x"}}), "");
    EXPECT_EQ(check_schema(schema, {{"a", 3}}), "a: expected string or null, got an integer");
    EXPECT_EQ(check_schema(schema, {{"a", "x"}, {"b", 1}}), "arguments: unknown property \"b\" (known: a)");
    EXPECT_EQ(check_schema(schema, Json::object()), "arguments: \"a\" is required");
    // Without additionalProperties false, or without properties at all, other members pass.
    EXPECT_EQ(check_schema({{"type", "object"}}, {{"z", 1}}), "");
    EXPECT_EQ(check_schema({{"type", "object"}, {"additionalProperties", false}}, {{"z", 1}}),
              "arguments: unknown property \"z\" (known: )");
}

TEST(McpJsonRpc, DumpWritesIntegersAsNlohmannDoes) {
    for (const Json& value : {Json(0), Json(7), Json(-1), Json(std::numeric_limits<int64_t>::min()),
                              Json(std::numeric_limits<int64_t>::max()), Json(std::numeric_limits<uint64_t>::max()),
                              Json::parse("-0"), Json::parse("18446744073709551615"), Json::parse("12345678901")})
        EXPECT_EQ(dump(value), value.dump()) << value.dump();
    EXPECT_EQ(dump(Json(std::numeric_limits<uint64_t>::max())), "18446744073709551615");
    EXPECT_EQ(dump(Json(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
    EXPECT_EQ(dump(Json("7")), "\"7\"");
    EXPECT_EQ(dump(Json(1.5)), "1.5");
}

}  // namespace
}  // namespace sc::mcp
