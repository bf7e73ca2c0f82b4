#include "mcp/json_rpc.hpp"

#include <simdjson.h>

#include <array>
#include <charconv>

namespace sc::mcp {

std::string dump(const Json& message) {
    // A request's id, an integer for most clients, is written up to four times a request (the
    // key of the ids seen, the cancellable request, the span's attribute, the response):
    // nlohmann's serializer sets up an output adapter and reads the locale each time (850
    // instructions); to_chars writes the same digits.
    if (message.is_number_integer()) {
        std::array<char, 24> digits {};
        std::to_chars_result written = message.is_number_unsigned()
                                           ? std::to_chars(digits.begin(), digits.end(), message.get<uint64_t>())
                                           : std::to_chars(digits.begin(), digits.end(), message.get<int64_t>());
        return std::string(digits.data(), written.ptr);
    }
    return message.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string minify(std::string_view json) {
    // simdjson's minifier (the listing of 1,000 tasks is 1 MB of pretty JSON, copied a byte
    // at a time before), or the loop below for what it refuses.
    std::string out(json.size() + simdjson::SIMDJSON_PADDING, '\0');
    size_t length = 0;
    if (simdjson::minify(json.data(), json.size(), out.data(), length) == simdjson::SUCCESS) {
        out.resize(length);
        return out;
    }
    out.clear();
    bool in_string = false;
    for (size_t i = 0; i < json.size(); ++i) {
        char c = json[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < json.size())
                out += json[++i];
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
            out += c;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            out += c;
        }
    }
    return out;
}

Json make_result(const Json& id, Json result) {
    Json message = Json::object();
    message["jsonrpc"] = "2.0";
    message["id"] = id;
    message["result"] = std::move(result);
    return message;
}

Json make_error(const Json& id, RpcError code, std::string text, const Json& data) {
    Json error = Json::object();
    error["code"] = static_cast<int>(code);
    error["message"] = std::move(text);
    if (!data.is_null())
        error["data"] = data;
    Json message = Json::object();
    message["jsonrpc"] = "2.0";
    message["id"] = id;
    message["error"] = std::move(error);
    return message;
}

Json make_notification(std::string method, Json params) {
    Json message = Json::object();
    message["jsonrpc"] = "2.0";
    message["method"] = std::move(method);
    message["params"] = std::move(params);
    return message;
}

Classified classify(const Json& message) {
    if (!message.is_object())
        return {MessageKind::invalid, "a message must be a JSON object"};
    auto version = message.find("jsonrpc");
    if (version == message.end() || !version->is_string() || version->get<std::string>() != "2.0")
        return {MessageKind::invalid, "\"jsonrpc\" must be \"2.0\""};
    auto id = message.find("id");
    bool has_id = id != message.end();
    // MCP narrows JSON-RPC: an id is a string or an integer, never null or fractional.
    if (has_id && !id->is_string() && !id->is_number_integer())
        return {MessageKind::invalid, "\"id\" must be a string or an integer"};
    auto method = message.find("method");
    if (method == message.end()) {
        if (has_id && (message.contains("result") || message.contains("error")))
            return {MessageKind::response, ""};
        return {MessageKind::invalid, "a request needs a string \"method\""};
    }
    if (!method->is_string())
        return {MessageKind::invalid, "\"method\" must be a string"};
    auto params = message.find("params");
    if (params != message.end() && !params->is_object())
        return {MessageKind::invalid, "\"params\" must be an object"};
    return {has_id ? MessageKind::request : MessageKind::notification, ""};
}

std::string id_text(const Json& id) {
    if (id.is_string())
        return id.get<std::string>();
    return dump(id);
}

}  // namespace sc::mcp
