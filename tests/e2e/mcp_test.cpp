// `sc mcp` end to end: the real sc execs the real sc-server, over pipes.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
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

/// Runs `sc mcp` fed by a shell script: `steps` are shell commands, and `send NAME` writes the
/// request saved as NAME (a file in the sandbox) to the server, so a test can edit the tree by
/// hand, or run the CLI, between two requests. Each step is given half a second to be served.
RunResult mcp_script(Sandbox& sandbox, const std::map<std::string, std::string>& requests,
                     const std::vector<std::string>& steps) {
    std::string script = "send() { cat \"" + sandbox.root() + "/request-$1\"; sleep 0.5; }\n{\n";
    for (const auto& [name, text] : requests)
        sandbox.write(sandbox.root() + "/request-" + name, text);
    for (const std::string& step : steps)
        script += step + "\n";
    script += "} | exec '" + std::string(SC_BINARY) + "' mcp\n";
    return sandbox.run({"sh", "-c", script});
}

std::string initialize_request() {
    return request(0, "initialize",
                   {{"protocolVersion", "2025-11-25"},
                    {"capabilities", Json::object()},
                    {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}});
}

TEST(Mcp, AHandEditBetweenTwoCallsIsSeenByTheNextCallAndRecordedOnceAsTheCliRecordsIt) {
    Sandbox sandbox;
    if (sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
        GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF";
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    Json first = sandbox.sc({"task", "create", "--title", "Fetched", "--type", "chore", "--format", "json"}).json();
    Json second = sandbox.sc({"task", "create", "--title", "Listed", "--type", "chore", "--format", "json"}).json();
    std::string fetched = first["metadata"]["path"];
    std::string listed = second["metadata"]["path"];
    std::map<std::string, std::string> requests = {
        {"init", initialize_request()},
        {"get1", request(1, "tools/call", {{"name", "task_get"}, {"arguments", {{"id", first["metadata"]["id"]}}}})},
        {"get2", request(2, "tools/call", {{"name", "task_get"}, {"arguments", {{"id", first["metadata"]["id"]}}}})},
        {"list", request(3, "tools/call",
                         {{"name", "task_list"}, {"arguments", {{"include_content", true}, {"task_type", "all"}}}})}};
    RunResult result = mcp_script(sandbox, requests,
                                  {"send init", "send get1",
                                   // By hand: the task the next call reads, and one only a later listing reads.
                                   "printf 'Edited by hand\\n' >> '" + fetched + "'", "send get2",
                                   "printf 'Also edited\\n' >> '" + listed + "'", "send list"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<Json> messages = lines_of(result.out);
    ASSERT_EQ(messages.size(), 4u) << result.out.substr(0, 2000);
    std::string body = messages[2]["result"]["structuredContent"].dump();
    EXPECT_NE(body.find("Edited by hand"), std::string::npos) << body.substr(0, 600);
    EXPECT_NE(messages[3]["result"]["structuredContent"].dump().find("Also edited"), std::string::npos);

    // Each edit is one TaskChangedExternally, recorded before the call that met it, and the
    // CLI after the server finds nothing left to record.
    Json external = sandbox.sc({"events", "list", "--type", "TaskChangedExternally", "--format", "json"}).json();
    ASSERT_EQ(external.size(), 2u) << external.dump();
    EXPECT_EQ(external[0]["stream"], "task:" + first["metadata"]["id"].get<std::string>());
    EXPECT_EQ(external[1]["stream"], "task:" + second["metadata"]["id"].get<std::string>());
    EXPECT_EQ(sandbox.sc({"task", "list"}).exit_code, 0);
    EXPECT_EQ(sandbox.sc({"events", "list", "--type", "TaskChangedExternally", "--format", "json"}).json().size(), 2u);
    EXPECT_EQ(sandbox.sc({"events", "replay", "--verify"}).exit_code, 0);
}

TEST(Mcp, ACliCommandAndAHandEditBetweenTwoCallsAreBothSeenAndTheLogReplays) {
    Sandbox sandbox;
    if (sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
        GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF";
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    Json task = sandbox.sc({"task", "create", "--title", "Shared", "--type", "chore", "--format", "json"}).json();
    std::string id = task["metadata"]["id"];
    std::string path = task["metadata"]["path"];
    std::map<std::string, std::string> requests = {
        {"init", initialize_request()},
        {"get1", request(1, "tools/call", {{"name", "task_get"}, {"arguments", {{"id", id}}}})},
        {"get2", request(2, "tools/call", {{"name", "task_get"}, {"arguments", {{"id", id}}}})},
        {"update",
         request(3, "tools/call",
                 {{"name", "task_update"}, {"arguments", {{"id", id}, {"updates", {{"priority", "high"}}}}}})}};
    // The CLI saves the task-tree state the server holds: the server must load it again, and
    // still see the hand edit made after the CLI command.
    RunResult result =
        mcp_script(sandbox, requests,
                   {"send init", "send get1",
                    "'" + std::string(SC_BINARY) + "' task update " + id + " --status in_progress >/dev/null",
                    "printf 'By hand\\n' >> '" + path + "'", "send get2", "send update"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<Json> messages = lines_of(result.out);
    ASSERT_EQ(messages.size(), 4u) << result.out.substr(0, 2000);
    std::string body = messages[2]["result"]["structuredContent"].dump();
    EXPECT_NE(body.find("By hand"), std::string::npos);
    EXPECT_NE(body.find("in_progress"), std::string::npos);
    Json events = sandbox.sc({"events", "list", "--format", "json"}).json();
    std::vector<std::string> types;
    for (const Json& event : events)
        types.push_back(event["type"]);
    // init, create, the CLI's update, the hand edit, the MCP update: each once, in that order.
    std::vector<std::string> expected = {"TaskTreeInitialized", "TaskCreated", "TaskUpdated", "TaskChangedExternally",
                                         "TaskUpdated"};
    EXPECT_EQ(types, expected) << events.dump().substr(0, 1500);
    EXPECT_EQ(sandbox.sc({"events", "replay", "--verify"}).exit_code, 0);
}

TEST(Mcp, CliCommandsBetweenAndDuringMcpCallsAreEachRecordedOnceInTheOrderTheyHappened) {
    // The server keeps the tree lock's file, the task-tree state and the store's files open
    // between requests: CLI commands running between (and during) its calls must still take
    // turns with it, the lock file removed by hand halfway through included.
    Sandbox sandbox;
    if (sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
        GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF";
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    Json task = sandbox.sc({"task", "create", "--title", "Shared", "--type", "chore", "--format", "json"}).json();
    std::string id = task["metadata"]["id"];
    constexpr int k_calls = 12;
    std::string input = sandbox.root() + "/requests";
    std::string requests = initialize_request();
    for (int i = 1; i <= k_calls; ++i)
        requests +=
            request(i, "tools/call",
                    {{"name", "task_update"},
                     {"arguments", {{"id", id}, {"updates", {{"add_log_entry", "mcp " + std::to_string(i)}}}}}});
    requests += request(k_calls + 1, "tools/call", {{"name", "task_get"}, {"arguments", {{"id", id}}}});
    sandbox.write(input, requests);
    std::string sc = "'" + std::string(SC_BINARY) + "'";
    // The MCP calls a line at a time, the CLI's in a loop beside them; the lock file removed
    // in the middle.
    std::string script =
        "(\n"
        "  n=0; while IFS= read -r line; do printf '%s\\n' \"$line\"; n=$((n+1));\n"
        "    if [ $n = 7 ]; then find \"$HOME\" -name tasks.lock -delete; fi; sleep 0.03; done < '" +
        input +
        "'; sleep 0.5\n"
        ") | " +
        sc + " mcp > '" + sandbox.root() +
        "/answers' &\n"
        "for i in 1 2 3 4 5 6 7 8; do " +
        sc + " task log " + id +
        " \"cli $i\" >/dev/null || exit 1; sleep 0.02; done\n"
        "wait\n";
    RunResult result = sandbox.run({"sh", "-c", script});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<Json> messages = lines_of(sandbox.read(sandbox.root() + "/answers"));
    ASSERT_EQ(messages.size(), static_cast<size_t>(k_calls + 2));
    for (const Json& message : messages)
        EXPECT_FALSE(message["result"].value("isError", false)) << message.dump().substr(0, 600);
    // Every change once, as what it was: no change of one taken for an outside edit by the
    // other, none lost: the server's last call sees its own, the task in the end all of them
    // (in a slow build the CLI's loop may still run after the server's last call).
    Json events = sandbox.sc({"events", "list", "--format", "json"}).json();
    std::map<std::string, int> types;
    for (const Json& event : events)
        ++types[event["type"].get<std::string>()];
    EXPECT_EQ(types["TaskChangedExternally"], 0) << events.dump().substr(0, 2000);
    EXPECT_EQ(types["TaskUpdated"] + types["TaskLogAppended"], k_calls + 8) << events.dump().substr(0, 2000);
    std::string last = messages.back()["result"]["structuredContent"].dump();
    for (int i = 1; i <= k_calls; ++i)
        EXPECT_NE(last.find("mcp " + std::to_string(i)), std::string::npos) << i;
    std::string final_task = sandbox.sc({"task", "get", id, "--format", "json"}).out;
    for (int i = 1; i <= k_calls; ++i)
        EXPECT_NE(final_task.find("mcp " + std::to_string(i)), std::string::npos) << i;
    for (int i = 1; i <= 8; ++i)
        EXPECT_NE(final_task.find("cli " + std::to_string(i)), std::string::npos) << i;
    // The seqs follow the order of the changes: a replay rebuilds the tree as it is.
    EXPECT_EQ(sandbox.sc({"events", "replay", "--verify"}).exit_code, 0);
    EXPECT_EQ(sandbox.sc({"telemetry", "check"}).exit_code, 0);
}

TEST(Mcp, ACallWaitsForTheTreeLockHeldByAnotherProcessAfterItsFileWasRemovedAndMadeAgain) {
    // The server keeps the lock file open between requests. Removed by hand and made again by
    // another process that holds it, the next call must wait for that process, not lock the
    // removed file it still has open.
    Sandbox sandbox;
    if (sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
        GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF";
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    Json task = sandbox.sc({"task", "create", "--title", "Shared", "--type", "chore", "--format", "json"}).json();
    std::string id = task["metadata"]["id"];
    auto update = [&](int call, const std::string& priority) {
        return request(call, "tools/call",
                       {{"name", "task_update"}, {"arguments", {{"id", id}, {"updates", {{"priority", priority}}}}}});
    };
    std::string answers = sandbox.root() + "/answers";
    std::map<std::string, std::string> requests = {
        {"init", initialize_request()}, {"first", update(1, "high")}, {"second", update(2, "low")}};
    // Each step waits for what it needs instead of sleeping a guess (a slow build, ASan, a
    // loaded machine): the holder starts once the first update is answered, and the second
    // update is sent once the holder has the lock, which it keeps for a second before counting
    // the answers given so far.
    std::string held = sandbox.root() + "/held";
    std::string hold =
        "wait_for() { i=0; while [ ! -e \"$1\" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; }\n"
        "answered() { i=0; while [ $i -lt 600 ]; do n=$(wc -l < \"" +
        answers +
        "\" 2>/dev/null); [ \"${n:-0}\" -ge \"$1\" ] && return; sleep 0.05; i=$((i+1)); done; }\n"
        "answered 2; lock=$(find \"$HOME\" -name tasks.lock); rm \"$lock\"; flock \"$lock\" sh -c "
        "'touch \"" +
        held + "\"; sleep 1; wc -l < \"" + answers + "\" > \"" + sandbox.root() +
        "/answered-while-held\"' &\nwait_for \"" + held + "\"";
    std::string script = "send() { cat \"" + sandbox.root() + "/request-$1\"; }\n";
    for (const auto& [name, text] : requests)
        sandbox.write(sandbox.root() + "/request-" + name, text);
    script += "{ send init; send first; " + hold + "; send second; answered 3; } | '" + std::string(SC_BINARY) +
              "' mcp > \"" + answers + "\"\n";
    RunResult result = sandbox.run({"sh", "-c", script});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<Json> messages = lines_of(sandbox.read(answers));
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[2]["result"]["isError"], false) << messages[2].dump();
    // initialize and the first update: the second waited for the holder.
    std::string counted = sandbox.read(sandbox.root() + "/answered-while-held");
    counted.erase(std::remove_if(counted.begin(), counted.end(), ::isspace), counted.end());
    EXPECT_EQ(counted, "2");
    EXPECT_EQ(sandbox.sc({"events", "replay", "--verify"}).exit_code, 0);
}

TEST(Mcp, TaskGetAnswersTheCliTaskByteForByteInBothFormsForEveryKindOfTask) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    Json parent = sandbox
                      .sc({"parent", "create", "--title", "Parent \"quoted\" \\ back", "--type", "feature", "--subtask",
                           "First step", "--format", "json"})
                      .json();
    ASSERT_TRUE(parent.is_array()) << parent.dump();
    std::string parent_id = parent[0]["metadata"]["id"];
    std::string subtask_id = parent[1]["metadata"]["id"];
    // By hand: text that needs escaping (quotes, backslashes, a tab, control bytes), UTF-8
    // beyond ASCII, and a frontmatter of several kinds of values.
    std::string odd_id = "odd-text-12A";
    sandbox.write(sandbox.tasks_root() + "/current/" + odd_id + ".task.md",
                  "# \"Odd\" \xc3\xa9t\xc3\xa9 \\ \xf0\x9f\x9a\x80\n\n---\ntype: chore\nstatus: todo\n"
                  "tags:\n  - a\n  - \"b c\"\npriority: 3\ndone: false\n---\n\n\n"
                  "## Instruction\nA\ttab, a \\ and a \"quote\"\x01.\n\n## Tasks\n- [ ] one\n\n## Log\n");
    std::vector<std::pair<std::string, Json>> calls = {
        {odd_id, {{"id", odd_id}}},
        {parent_id, {{"id", parent_id}}},
        {subtask_id, {{"id", subtask_id}, {"parent_id", parent_id}}},
        {odd_id, {{"id", odd_id}, {"format", "summary"}}},
    };
    std::string input = initialize_request();
    for (size_t i = 0; i < calls.size(); ++i)
        input += request(static_cast<int>(i + 1), "tools/call", {{"name", "task_get"}, {"arguments", calls[i].second}});
    input +=
        request(9, "tools/call", {{"name", "task_get"}, {"arguments", {{"id", subtask_id}, {"parent_id", odd_id}}}});
    RunResult result = sandbox.sc({"mcp"}, input);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<std::string> lines;  // the responses
    size_t warnings = 0;             // the odd file lacks `area`: a warning for each call that reads it
    std::istringstream stream(result.out);
    for (std::string line; std::getline(stream, line);) {
        if (Json::parse(line).contains("id"))
            lines.push_back(line);
        else if (line.find("required field \\\"area\\\" is missing") != std::string::npos)
            ++warnings;
    }
    ASSERT_EQ(lines.size(), calls.size() + 2) << result.out.substr(0, 2000);
    EXPECT_EQ(warnings, 2u) << result.out.substr(0, 2000);
    for (size_t i = 0; i < calls.size(); ++i) {
        const std::string& line = lines[i + 1];
        Json message = Json::parse(line);
        // The line is what dump() writes of the message: compact, members in order.
        EXPECT_EQ(line, message.dump()) << calls[i].first;
        const Json& answer = message["result"];
        EXPECT_EQ(answer["isError"], false) << line.substr(0, 600);
        Json expected = sandbox.sc({"task", "get", calls[i].first, "--format", "json"}).json();
        if (calls[i].second.contains("format"))
            expected["document"].erase("sections");
        EXPECT_EQ(answer["structuredContent"]["success"], true);
        EXPECT_EQ(answer["structuredContent"]["data"], expected) << calls[i].first;
        // The text block is the same data, serialised as dump() serialises it.
        EXPECT_EQ(answer["content"][0]["text"].get<std::string>(), answer["structuredContent"].dump());
    }
    Json refused = Json::parse(lines.back())["result"];
    EXPECT_EQ(refused["isError"], true);
    EXPECT_EQ(refused["content"][0]["text"], "task " + subtask_id + " is not a subtask of " + odd_id +
                                                 "\nhint: leave parent_id out, or give the parent the task belongs to");
}

TEST(Mcp, TaskListFiltersStatusAndPriorityAsTheFrontmatterHoldsThemAndAnswersTheCliEntries) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    // By hand: statuses and priorities of every kind task_list's filters meet (a string, a
    // number, a nested value, a string with an escape).
    std::vector<std::pair<std::string, std::string>> tasks = {
        {"plain-high-12A", "status: todo\npriority: high\n"},
        {"done-high-12A", "status: done\npriority: high\n"},
        {"numbered-12A", "status: 3\npriority: 2\n"},
        {"nested-12A", "status: todo\npriority:\n  level: high\n"},
        {"escaped-12A", "status: todo\npriority: \"hi\\\"gh\"\n"},
        {"archived-low-12A", "status: archived\npriority: low\n"},
    };
    for (const auto& [id, fields] : tasks)
        sandbox.write(sandbox.tasks_root() + "/current/" + id + ".task.md",
                      "# Task " + id + "\n\n---\ntype: chore\narea: general\n" + fields +
                          "---\n\n\n## Instruction\nWords.\n\n## Log\n");
    std::vector<Json> calls = {
        Json::object(),
        {{"priority", "high"}},
        {{"include_completed", true}, {"include_content", true}},
        {{"include_completed", true}, {"priority", "low"}},
        Json::object(),  // again: from the listing cache this time
    };
    std::string input = initialize_request();
    for (size_t i = 0; i < calls.size(); ++i)
        input += request(static_cast<int>(i + 1), "tools/call", {{"name", "task_list"}, {"arguments", calls[i]}});
    RunResult result = sandbox.sc({"mcp"}, input);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<Json> messages;  // the responses (warnings about the odd values come as notifications)
    for (Json& message : lines_of(result.out))
        if (message.contains("id"))
            messages.push_back(std::move(message));
    ASSERT_EQ(messages.size(), calls.size() + 1) << result.out.substr(0, 2000);
    std::map<std::string, Json> cli;
    for (const Json& task : sandbox.sc({"task", "list", "--include-parents", "--format", "json"}).json())
        cli[task["metadata"]["id"]] = task;
    std::vector<std::vector<std::string>> expected = {
        {"escaped-12A", "nested-12A", "numbered-12A", "plain-high-12A"},
        {"plain-high-12A"},
        {"archived-low-12A", "done-high-12A", "escaped-12A", "nested-12A", "numbered-12A", "plain-high-12A"},
        {"archived-low-12A"},
        {"escaped-12A", "nested-12A", "numbered-12A", "plain-high-12A"},
    };
    for (size_t i = 0; i < calls.size(); ++i) {
        const Json& structured = messages[i + 1]["result"]["structuredContent"];
        std::vector<std::string> ids;
        for (const Json& task : structured["data"]) {
            std::string id = task["metadata"]["id"];
            ids.push_back(id);
            Json entry = cli[id];
            if (!calls[i].value("include_content", false))
                entry["document"].erase("sections");
            EXPECT_EQ(task, entry) << id;
        }
        std::sort(ids.begin(), ids.end());
        EXPECT_EQ(ids, expected[i]) << calls[i].dump();
        EXPECT_EQ(structured["message"], std::to_string(expected[i].size()) + " tasks");
        EXPECT_EQ(messages[i + 1]["result"]["content"][0]["text"].get<std::string>(), structured.dump());
    }
}

/// Writes `count` task files by hand (faster than `sc task create` for a big tree).
void write_tasks(Sandbox& sandbox, int count) {
    for (int i = 0; i < count; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "bulk-%04d-12A", i);
        sandbox.write(sandbox.tasks_root() + "/current/" + id + ".task.md",
                      std::string("# Bulk ") + id +
                          "\n\n---\ntype: chore\nstatus: todo\narea: general\n---\n\n\n"
                          "## Instruction\nSome words.\n\n## Tasks\n\n## Deliverable\n\n## Log\n");
    }
}

TEST(Mcp, ProgressComesBeforeTheResponseWhenTheRequestCarriesAProgressToken) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    write_tasks(sandbox, 40);
    std::string input =
        initialize_request() +
        request(1, "tools/call",
                {{"name", "task_list"}, {"arguments", Json::object()}, {"_meta", {{"progressToken", "list-1"}}}}) +
        request(2, "tools/call", {{"name", "task_list"}, {"arguments", Json::object()}});
    RunResult result = sandbox.sc({"mcp"}, input);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<Json> messages = lines_of(result.out);
    ASSERT_GE(messages.size(), 4u);
    // initialize's answer, then progress notifications, then the list; the second list, which
    // asked for none, gets none.
    std::vector<int64_t> progress;
    size_t at = 1;
    for (; at < messages.size() && messages[at].value("method", "") == "notifications/progress"; ++at) {
        EXPECT_EQ(messages[at]["params"]["progressToken"], "list-1");
        EXPECT_EQ(messages[at]["params"]["total"], 40);
        progress.push_back(messages[at]["params"]["progress"]);
    }
    EXPECT_GE(progress.size(), 5u);
    EXPECT_LE(progress.size(), 11u);
    EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()) &&
                std::adjacent_find(progress.begin(), progress.end()) == progress.end())
        << "progress must increase";
    ASSERT_EQ(messages.size(), at + 2) << result.out.substr(0, 3000);
    EXPECT_EQ(messages[at]["id"], 1);
    EXPECT_EQ(messages[at]["result"]["structuredContent"]["data"].size(), 40u);
    EXPECT_EQ(messages[at + 1]["id"], 2);
}

TEST(Mcp, ACancelledCallGetsNoResponseAndTheServerAnswersTheNextRequest) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    write_tasks(sandbox, 3000);
    std::map<std::string, std::string> requests = {
        {"init", initialize_request()},
        {"warm", request(1, "tools/call", {{"name", "task_get"}, {"arguments", {{"id", "bulk-0000-12A"}}}})},
        {"list", request(2, "tools/call", {{"name", "task_list"}, {"arguments", {{"include_content", true}}}})},
        {"cancel", R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2,"reason":"x"}})"
                   "\n"},
        {"ping", request(3, "ping", Json::object())}};
    // The listing of 3,000 files takes tens of milliseconds; the cancellation follows it at once.
    RunResult result = mcp_script(
        sandbox, requests,
        {"send init", "send warm",
         "cat \"" + sandbox.root() + "/request-list\" \"" + sandbox.root() + "/request-cancel\"", "send ping"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<Json> messages = lines_of(result.out);
    std::vector<Json> ids;
    for (const Json& message : messages)
        ids.push_back(message.value("id", Json()));
    EXPECT_EQ(ids, (std::vector<Json> {0, 1, 3})) << "no response for the cancelled request 2";
    if (sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
        return;
    // Stopped, not finished unseen: its span ends as cancelled, when it had started.
    Json traces = sandbox.sc({"traces", "list", "--errors", "--format", "json"}).json();
    for (const Json& trace : traces)
        if (trace["root"] == "tools/call task_list") {
            Json spans = sandbox.sc({"traces", "show", trace["trace_id"], "--format", "json"}).json()["spans"];
            EXPECT_EQ(spans[0]["attributes"]["error.type"], "cancelled") << spans[0].dump();
        }
}

TEST(Mcp, TaskTransformExtractsAndAdoptsAsItsSchemaPromises) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.sc({"init"}).exit_code, 0);
    Json view = sandbox
                    .sc({"parent", "create", "--title", "Search revamp", "--type", "feature", "--subtask", "Index",
                         "Query", "--format", "json"})
                    .json();
    std::string parent = view[0]["metadata"]["id"];
    std::string subtask = view[1]["metadata"]["id"];
    std::string loose = sandbox.sc({"task", "create", "--title", "Ranking", "--type", "feature", "--format", "json"})
                            .json()["metadata"]["id"];
    std::string input =
        initialize_request() +
        request(1, "tools/call",
                {{"name", "task_transform"},
                 {"arguments", {{"id", subtask}, {"parent_id", parent}, {"operation", "extract"}}}}) +
        request(2, "tools/call",
                {{"name", "task_transform"},
                 {"arguments",
                  {{"id", loose},
                   {"operation", "adopt"},
                   {"target_parent_id", parent},
                   {"after", view[2]["metadata"]["id"]}}}}) +
        request(3, "tools/call",
                {{"name", "task_transform"}, {"arguments", {{"id", "no-such-11A"}, {"operation", "adopt"}}}});
    RunResult result = sandbox.sc({"mcp"}, input);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<Json> messages = lines_of(result.out);
    ASSERT_EQ(messages.size(), 4u) << result.out.substr(0, 2000);
    Json extracted = messages[1]["result"]["structuredContent"]["data"];
    EXPECT_EQ(extracted["metadata"]["id"], subtask.substr(3));
    EXPECT_EQ(extracted, sandbox.sc({"task", "get", subtask.substr(3), "--format", "json"}).json());
    Json adopted = messages[2]["result"]["structuredContent"]["data"];
    EXPECT_EQ(adopted["metadata"]["parentTask"], parent);
    EXPECT_EQ(adopted["metadata"]["id"], "03_" + loose) << "after the last subtask (02)";
    EXPECT_EQ(adopted, sandbox.sc({"task", "get", loose, "--format", "json"}).json());
    EXPECT_EQ(messages[3]["result"]["isError"], true);
    EXPECT_NE(messages[3]["result"]["content"][0]["text"].get<std::string>().find("adopt needs target_parent_id"),
              std::string::npos);
    if (sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
        return;
    // Recorded as their own events, which replay to the live tree.
    EXPECT_EQ(sandbox.sc({"events", "list", "--type", "TaskExtracted", "--format", "json"}).json().size(), 1u);
    EXPECT_EQ(sandbox.sc({"events", "list", "--type", "TaskAdopted", "--format", "json"}).json().size(), 1u);
    RunResult replayed = sandbox.sc({"events", "replay", "--verify"});
    EXPECT_EQ(replayed.exit_code, 0) << replayed.out << replayed.err;
}

}  // namespace
}  // namespace sc::e2e
