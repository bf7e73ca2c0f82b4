#include <gtest/gtest.h>

#include "sessions/agent.hpp"
#include "sessions/session_record.hpp"
#include "sessions/stream_json.hpp"

namespace sc::sessions {
namespace {

TEST(StreamJson, ToolUsesArePairedWithTheirResultsAndTheResultGivesTheTotals) {
    StreamJsonParser parser;
    EXPECT_TRUE(parser.feed(R"({"type":"system","subtype":"init","session_id":"9b2e","model":"m1"})").empty());
    EXPECT_TRUE(parser
                    .feed(R"({"type":"assistant","message":{"id":"a","model":"m1","content":[)"
                          R"({"type":"tool_use","id":"t1","name":"Bash","input":{}},)"
                          R"({"type":"tool_use","id":"t2","name":"Edit","input":{}}],)"
                          R"("usage":{"input_tokens":8,"output_tokens":41}},"session_id":"9b2e"})")
                    .empty());
    // The same message again (one line per content block when streaming): counted once.
    (void)parser.feed(R"({"type":"assistant","message":{"id":"a","content":[],"usage":{"input_tokens":8}}})");
    std::vector<ToolUse> done = parser.feed(
        R"({"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true}]}})");
    ASSERT_EQ(done.size(), 1U);
    EXPECT_EQ(done[0].name, "Bash");
    EXPECT_TRUE(done[0].failed);
    EXPECT_EQ(parser.tally().tokens.input, 8);
    EXPECT_EQ(parser.tally().tokens.output, 41);
    (void)parser.feed("garbage");
    (void)parser.feed(R"(["an array"])");
    (void)parser.feed(R"({"type":"rate_limit_event"})");
    (void)parser.feed(R"({"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":6,)"
                      R"("total_cost_usd":0.41,"usage":{"input_tokens":120,"output_tokens":900,)"
                      R"("cache_read_input_tokens":5},"errors":["too many turns"]})");
    const StreamTally& tally = parser.tally();
    EXPECT_EQ(tally.agent_session_id, "9b2e");
    EXPECT_EQ(tally.model, "m1");
    EXPECT_EQ(tally.tools_used, 2);
    EXPECT_EQ(tally.tools_failed, 1);
    EXPECT_EQ(tally.assistant_messages, 1);
    EXPECT_EQ(tally.bad_lines, 2);
    EXPECT_EQ(tally.turns, 6);
    EXPECT_EQ(tally.cost_usd, 0.41);
    EXPECT_EQ(tally.tokens.input, 120);
    EXPECT_EQ(tally.tokens.cache_read, 5);
    EXPECT_TRUE(tally.result_is_error);
    EXPECT_EQ(tally.result_subtype, "error_max_turns");
    EXPECT_EQ(tally.result_text, "too many turns");
    std::vector<ToolUse> open = parser.unfinished();
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(open[0].name, "Edit");
    EXPECT_FALSE(open[0].finished);
}

TEST(Agent, TheCommandComesFromTheEnvironmentThenTheConfigThenTheDefault) {
    MapEnvironment environment;
    config::Values values;
    config::Value configured;
    configured.text = "claude --model 'opus 4'";
    configured.file = "/p/.scopecraft/config.yaml";
    configured.line = 3;
    values["sessions.agent_command"] = configured;
    Result<AgentCommand> from_config = resolve_agent_command(environment, &values);
    ASSERT_TRUE(from_config.ok());
    EXPECT_EQ(from_config->words, (std::vector<std::string> {"claude", "--model", "opus 4"}));
    EXPECT_EQ(from_config->origin, "/p/.scopecraft/config.yaml:3");
    environment.set("SCOPECRAFT_AGENT", "/bin/agent -v");
    EXPECT_EQ(resolve_agent_command(environment, &values)->origin, "SCOPECRAFT_AGENT");
    MapEnvironment empty;
    EXPECT_EQ(resolve_agent_command(empty, nullptr)->words, (std::vector<std::string> {"claude"}));
    environment.set("SCOPECRAFT_AGENT", "   ");
    EXPECT_EQ(resolve_agent_command(environment, nullptr).error().message,
              "the agent command (SCOPECRAFT_AGENT) is empty");
}

TEST(Agent, ArgumentsForAutonomousAndInteractiveRunsAndResumes) {
    AgentCommand command {{"claude"}, "default"};
    LaunchSpec spec;
    spec.agent_session_id = "u-1";
    spec.allowed_tools = {"Bash", "Edit"};
    EXPECT_EQ(agent_argv(command, spec),
              (std::vector<std::string> {"claude", "--print", "--output-format", "stream-json", "--verbose",
                                         "--session-id", "u-1", "--allowedTools", "Bash", "Edit"}));
    LaunchSpec interactive;
    interactive.interactive = true;
    interactive.resume = "u-0";
    interactive.prompt = "-do it";
    EXPECT_EQ(agent_argv(command, interactive),
              (std::vector<std::string> {"claude", "--resume", "u-0", "--", "-do it"}));
}

TEST(Agent, TheEnvironmentCarriesTheTraceAndWithTelemetryClaudeCodesVariables) {
    AgentEnvironmentSpec spec;
    spec.session_id = "detached-x-1";
    spec.task_id = "x";
    spec.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    std::vector<process::EnvChange> plain = agent_environment(spec);
    auto value_of = [](const std::vector<process::EnvChange>& env,
                       const std::string& name) -> std::optional<std::string> {
        for (const auto& change : env)
            if (change.name == name)
                return change.value.value_or("<removed>");
        return std::nullopt;
    };
    EXPECT_EQ(value_of(plain, "TRACEPARENT"), spec.traceparent);
    EXPECT_EQ(value_of(plain, "TRACESTATE"), "<removed>");
    EXPECT_EQ(value_of(plain, "CLAUDE_CODE_ENABLE_TELEMETRY"), std::nullopt);
    spec.otlp_endpoint = "http://127.0.0.1:4318";
    spec.otlp_token = "s3cret";
    spec.resource_attributes = "team=web";
    std::vector<process::EnvChange> on = agent_environment(spec);
    EXPECT_EQ(value_of(on, "CLAUDE_CODE_ENABLE_TELEMETRY"), "1");
    EXPECT_EQ(value_of(on, "OTEL_EXPORTER_OTLP_PROTOCOL"), "http/json");
    EXPECT_EQ(value_of(on, "OTEL_EXPORTER_OTLP_HEADERS"), "Authorization=Bearer s3cret");
    EXPECT_EQ(value_of(on, "OTEL_RESOURCE_ATTRIBUTES"),
              "team=web,scopecraft.session.id=detached-x-1,scopecraft.task.id=x");
}

TEST(Agent, TheBuiltInPromptNamesTheTaskItsParentAndWhatToDo) {
    Result<Prompt> prompt = build_prompt(std::nullopt, {{"taskId", "01_form-12B"},
                                                        {"taskTitle", "Form"},
                                                        {"taskInstruction", "Build it."},
                                                        {"parentId", "login-12A"},
                                                        {"parentTitle", "Login"}});
    ASSERT_TRUE(prompt.ok());
    EXPECT_EQ(prompt->text,
              "You are working on the task 01_form-12B: Form.\nIt is a subtask of login-12A (Login).\n\n"
              "## Instruction\n\nBuild it.\n\nYou are in the task's own git worktree. Record progress "
              "with `sc task log 01_form-12B \"...\"` and finish with `sc task complete 01_form-12B` "
              "once the deliverable is there.\n");
    Result<std::optional<std::string>> escape = find_mode_file("/tmp", "../etc/passwd", true);
    ASSERT_FALSE(escape.ok());
    EXPECT_EQ(escape.error().code, ErrorCode::unsafe_path);
}

TEST(SessionRecord, RoundTripsAndRefusesIdsThatAreNotFileNames) {
    SessionRecord record;
    record.id = "detached-x-12A-1";
    record.task_id = "x-12A";
    record.exec = Exec::tmux;
    record.outcome = Outcome::timed_out;
    record.exit_code = 143;
    record.agent_session_id = "u-1";
    Result<SessionRecord> back = SessionRecord::from_json(nlohmann::json::parse(record.to_json().dump()), "r");
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->exec, Exec::tmux);
    EXPECT_EQ(back->outcome, Outcome::timed_out);
    EXPECT_EQ(back->exit_code, 143);
    EXPECT_EQ(back->type(), "autonomous-task");
    EXPECT_FALSE(is_safe_id("../x"));
    EXPECT_FALSE(is_safe_id(".hidden"));
    EXPECT_FALSE(is_safe_id("a/b"));
    EXPECT_TRUE(is_safe_id("detached-x-12A-1796582383596"));
}

}  // namespace
}  // namespace sc::sessions
