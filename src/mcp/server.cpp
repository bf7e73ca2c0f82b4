#include "mcp/server.hpp"

#include <unistd.h>

#include <algorithm>
#include <exception>

#include "mcp/schema_check.hpp"
#include "util/json_string.hpp"

namespace sc::mcp {

namespace {

// RFC 5424 severities, in MCP's order.
constexpr const char* k_levels[] = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};

int level_index(const std::string& level) {
    for (int i = 0; i < 8; ++i)
        if (level == k_levels[i])
            return i;
    return -1;
}

// Ids a session remembers to refuse reuse; beyond this, the oldest are not tracked (bounded
// memory for a server that runs for days).
constexpr size_t k_max_remembered_ids = 100000;

const Json& empty_object() {
    static const Json empty = Json::object();
    return empty;
}

std::string tool_error_text(const Error& error) {
    std::string text = error.describe();
    if (!error.hint.empty())
        text += "\nhint: " + error.hint;
    return text;
}

}  // namespace

Server::Server(ServerOptions options, std::vector<Tool> tools, HostSettings host)
    : m_options(std::move(options)), m_tools(std::move(tools)), m_host(std::move(host)) {}

std::vector<std::string> Server::handle(std::string_view text) {
    std::vector<std::string> out;
    try {
        Json message = Json::parse(text.begin(), text.end(), nullptr, false);
        if (message.is_discarded()) {
            out.push_back(dump(make_error(nullptr, RpcError::parse_error,
                                          "parse error: the message is not valid JSON "
                                          "(or not valid UTF-8)")));
            return out;
        }
        if (message.is_array()) {
            // Batches exist only in protocol 2025-03-26.
            if (m_version != "2025-03-26") {
                out.push_back(dump(
                    make_error(nullptr, RpcError::invalid_request,
                               "JSON-RPC batches are not supported in protocol version " +
                                   (m_version.empty() ? std::string("negotiation (before initialize)") : m_version))));
                return out;
            }
            if (message.empty()) {
                out.push_back(dump(make_error(nullptr, RpcError::invalid_request, "an empty batch")));
                return out;
            }
            std::string responses;
            for (const Json& item : message) {
                std::string response = item.is_object() && item.value("method", "") == "initialize"
                                           ? dump(make_error(item.value("id", Json()), RpcError::invalid_request,
                                                             "initialize must not be part of a batch"))
                                           : serialise(handle_message(item, out));
                if (!response.empty())
                    responses += (responses.empty() ? "[" : ",") + response;
            }
            if (!responses.empty())
                out.push_back(responses + "]");
            return out;
        }
        std::string response = serialise(handle_message(message, out));
        if (!response.empty())
            out.push_back(std::move(response));
    } catch (const std::exception& exception) {
        out.push_back(
            dump(make_error(nullptr, RpcError::internal_error, std::string("internal error: ") + exception.what())));
    }
    return out;
}

std::string Server::serialise(const Json& response) {
    if (response.is_discarded())
        return std::exchange(m_serialised, std::string());
    return response.is_null() ? std::string() : dump(response);
}

std::string Server::too_large(size_t size, size_t limit) const {
    return dump(make_error(nullptr, RpcError::invalid_request,
                           "message of " + std::to_string(size) + " bytes or more refused: the limit is " +
                               std::to_string(limit) + " bytes"));
}

Json Server::handle_message(const Json& message, std::vector<std::string>& out) {
    Classified kind = classify(message);
    Json id = message.is_object() && message.contains("id") ? message["id"] : Json();
    if (!id.is_string() && !id.is_number_integer())
        id = nullptr;
    switch (kind.kind) {
        case MessageKind::invalid:
            return make_error(id, RpcError::invalid_request, "invalid request: " + kind.problem);
        case MessageKind::response:
            return nullptr;  // we send no requests, so there is nothing to match it with
        case MessageKind::notification:
            handle_notification(message);
            return nullptr;
        case MessageKind::request:
            break;
    }
    std::string method = message["method"].get<std::string>();
    if (method.rfind("notifications/", 0) == 0)
        return make_error(id, RpcError::invalid_request,
                          "invalid request: " + method + " is a notification and must not carry an id");
    std::string key = dump(id);
    if (m_seen.count(key) > 0)
        return make_error(id, RpcError::invalid_request,
                          "invalid request: id " + key + " was already used in this session");
    if (m_seen.size() < k_max_remembered_ids)
        m_seen.insert(key);
    {
        std::lock_guard lock(m_cancel_mutex);
        std::string running = id_text(id);
        if (m_cancel_pending.erase(running) > 0)
            return nullptr;  // cancelled before it started: no response, as for any cancelled request
        m_running = std::move(running);
        m_cancelled.store(false);
    }
    Json response = handle_request(message, out);
    std::lock_guard lock(m_cancel_mutex);
    m_running.clear();
    // "Receivers of a cancellation SHOULD NOT send a response for the cancelled request."
    return m_cancelled.exchange(false) ? Json() : response;
}

void Server::cancel(const std::string& request_id) {
    std::lock_guard lock(m_cancel_mutex);
    if (request_id == m_running)
        m_cancelled.store(true);
    else if (m_cancel_pending.size() < 1000)
        m_cancel_pending.insert(request_id);
}

Json Server::handle_request(const Json& request, std::vector<std::string>& out) {
    const Json& id = request["id"];
    std::string method = request["method"].get<std::string>();
    // Read in place: a copy of params (and of the arguments in it) cost every call an
    // allocation per member.
    auto found = request.find("params");
    const Json& params = found != request.end() ? *found : empty_object();
    if (method == "ping")
        return make_result(id, Json::object());
    if (method == "initialize")
        return observed(method, id, params, [&] { return initialize(id, params); });
    if (!m_initialized)
        return make_error(id, RpcError::invalid_request,
                          "the session is not initialized: send initialize first (only ping may come before it)");
    if (method == "tools/list")
        return observed(method, id, params, [&] { return list_tools(id, params); });
    if (method == "tools/call")
        return call_tool(id, params, out);
    if (method == "logging/setLevel")
        return observed(method, id, params, [&] { return set_level(id, params); });
    return make_error(id, RpcError::method_not_found, "method not found: " + method);
}

void Server::handle_notification(const Json& notification) {
    const std::string method = notification["method"].get<std::string>();
    if (method == "notifications/initialized")
        m_ready = true;
    // notifications/cancelled reaches cancel() as it is read (during the request it names, or
    // before that request starts); here, in order, it can only concern a request already
    // answered (ignored, as the specification allows). Unknown notifications are ignored, as JSON-RPC requires.
}

Json Server::initialize(const Json& id, const Json& params) {
    if (m_initialized)
        return make_error(id, RpcError::invalid_request, "invalid request: the session is already initialized");
    auto requested = params.find("protocolVersion");
    if (requested == params.end() || !requested->is_string())
        return make_error(id, RpcError::invalid_params, "invalid params: initialize needs a string protocolVersion");
    // The client's version when we speak it, else our newest; the client decides whether to go on.
    m_version = k_protocol_versions[0];
    for (const char* version : k_protocol_versions)
        if (requested->get<std::string>() == version)
            m_version = version;
    if (auto client = params.find("clientInfo"); client != params.end() && client->is_object())
        m_client_name = client->value("name", "");
    m_initialized = true;
    Json result = Json::object();
    result["protocolVersion"] = m_version;
    result["capabilities"] = {{"logging", Json::object()}, {"tools", {{"listChanged", false}}}};
    Json info = {{"name", m_options.name}, {"version", m_options.version}};
    if (m_version != "2024-11-05" && m_version != "2025-03-26")
        info["title"] = "Scopecraft (sc)";
    result["serverInfo"] = std::move(info);
    result["instructions"] =
        "Scopecraft task management: task_* and parent_* tools work on the project's Markdown task files; "
        "events_list, traces_*, metrics, logs and task_history query its telemetry store.";
    return make_result(id, std::move(result));
}

Json Server::list_tools(const Json& id, const Json& params) {
    size_t start = 0;
    if (auto cursor = params.find("cursor"); cursor != params.end()) {
        const std::string text = cursor->is_string() ? cursor->get<std::string>() : "";
        if (text.size() < 2 || text[0] != 't' || text.size() > 8 ||
            text.find_first_not_of("0123456789", 1) != std::string::npos ||
            std::stoul(text.substr(1)) >= m_tools.size())
            return make_error(id, RpcError::invalid_params, "invalid params: unknown cursor " + dump(*cursor));
        start = std::stoul(text.substr(1));
    }
    Json tools = Json::array();
    size_t end = std::min(m_tools.size(), start + m_options.page_size);
    for (size_t i = start; i < end; ++i)
        tools.push_back(m_tools[i].describe());
    Json result = {{"tools", std::move(tools)}};
    if (end < m_tools.size())
        result["nextCursor"] = "t" + std::to_string(end);
    return make_result(id, std::move(result));
}

Json Server::call_tool(const Json& id, const Json& params, std::vector<std::string>& out) {
    auto name = params.find("name");
    if (name == params.end() || !name->is_string())
        return make_error(id, RpcError::invalid_params, "invalid params: tools/call needs a string name");
    auto tool = std::find_if(m_tools.begin(), m_tools.end(), [&](const Tool& t) { return t.name == *name; });
    if (tool == m_tools.end())
        return make_error(id, RpcError::invalid_params, "invalid params: unknown tool " + dump(*name));
    auto given = params.find("arguments");
    const Json& arguments = given != params.end() ? *given : empty_object();
    if (!arguments.is_object())
        return make_error(id, RpcError::invalid_params, "invalid params: arguments must be an object");

    RequestInfo info = request_info("tools/call", tool->name, id, params);
    // Input validation errors are tool results the model can correct, not protocol faults.
    std::string problem = check_schema(tool->input_schema, arguments);
    CallOutcome outcome =
        problem.empty() ? run_request(m_host, info, [&](ToolCall& call) { return tool->run(arguments, call); })
                        : CallOutcome {sc::make_error(ErrorCode::invalid_argument, "invalid arguments: " + problem,
                                                      "see the tool's inputSchema"),
                                       {},
                                       {}};
    for (const Error& warning : outcome.warnings)
        log(out, "warning", warning);
    Json result = Json::object();
    if (!outcome.result.ok()) {
        result["content"] = Json::array({{{"type", "text"}, {"text", tool_error_text(outcome.result.error())}}});
        result["isError"] = true;
        return make_result(id, std::move(result));
    }
    // The structured content serialised once (or by the tool itself), and the response built
    // as text around it: the same bytes dump() writes of {"content": [{"type": "text", "text":
    // dump(structured)}], "structuredContent": structured, "isError": false}, which serialised
    // the data twice, once escaped inside a string, and went through a JSON tree to do it.
    // The text block is the same data for clients older than structuredContent (2025-06-18);
    // every tool declares an outputSchema, so every successful result carries
    // structuredContent (older clients ignore the member).
    std::string structured = outcome.serialised.empty() ? dump(outcome.result.value()) : std::move(outcome.serialised);
    m_serialised.clear();
    m_serialised.reserve(2 * structured.size() + 128);
    m_serialised += R"({"jsonrpc":"2.0","id":)";
    m_serialised += dump(id);
    m_serialised += R"(,"result":{"content":[{"type":"text","text":)";
    json::append_string(m_serialised, structured);
    m_serialised += R"(}],"structuredContent":)";
    m_serialised += structured;
    m_serialised += R"(,"isError":false}})";
    return Json(Json::value_t::discarded);
}

RequestInfo Server::request_info(const std::string& method, const std::string& target, const Json& id,
                                 const Json& params) const {
    RequestInfo info;
    info.method = method;
    info.target = target;
    info.request_id = id_text(id);
    info.session_id = m_options.session_id;
    info.protocol_version = m_version;
    info.client_name = m_client_name;
    if (auto meta = params.find("_meta"); meta != params.end() && meta->is_object()) {
        auto text = [&](const char* key) {
            auto found = meta->find(key);
            return found != meta->end() && found->is_string() ? found->get<std::string>() : std::string();
        };
        info.traceparent = text("traceparent");
        info.tracestate = text("tracestate");
        if (auto token = meta->find("progressToken");
            token != meta->end() && (token->is_string() || token->is_number_integer()))
            info.progress_token = *token;
    }
    info.transport = m_host.transport;
    info.emit = m_emit;
    info.cancelled = &m_cancelled;
    if (m_input_check)
        info.check_input = &m_input_check;
    return info;
}

Json Server::observed(const std::string& method, const Json& id, const Json& params,
                      const std::function<Json()>& answer) {
    Json response;
    // The span's outcome: a JSON-RPC error ends it as an error of that code.
    run_request(m_host, request_info(method, "", id, params), [&](ToolCall&) -> Result<Json> {
        response = answer();
        if (auto error = response.find("error"); error != response.end())
            return sc::make_error(ErrorCode::invalid_argument, error->value("message", ""));
        return Json();
    });
    return response;
}

Json Server::set_level(const Json& id, const Json& params) {
    std::string level =
        params.contains("level") && params["level"].is_string() ? params["level"].get<std::string>() : "";
    int index = level_index(level);
    if (index < 0)
        return make_error(id, RpcError::invalid_params,
                          "invalid params: level must be one of debug, info, notice, warning, error, critical, "
                          "alert, emergency");
    m_log_threshold = index;
    return make_result(id, Json::object());
}

void Server::log(std::vector<std::string>& out, const std::string& level, const Error& problem) const {
    std::string text = problem.describe() + (problem.hint.empty() ? "" : " (hint: " + problem.hint + ")");
    // stderr unless --quiet, as every sc process reports; the client only at or above its level.
    if (!m_host.globals.quiet) {
        std::string line = "sc-server: " + level + ": " + text + "\n";
        [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
    }
    if (level_index(level) >= m_log_threshold)
        out.push_back(
            dump(make_notification("notifications/message", {{"level", level}, {"logger", "sc"}, {"data", text}})));
}

}  // namespace sc::mcp
