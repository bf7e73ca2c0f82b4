#pragma once
// JSON-RPC 2.0 as MCP uses it: one message (or, in protocol 2025-03-26 only, a batch) per
// newline-delimited line. Building replies and serialising them never throws, whatever bytes a
// tool or a task file holds: invalid UTF-8 is replaced, not fatal.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sc::mcp {

using Json = nlohmann::ordered_json;

/// The error codes of JSON-RPC 2.0 that MCP uses for protocol faults. Tool failures are not
/// protocol faults: they are results with `isError`.
enum class RpcError : int {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
};

/// The serialised form of a message: compact, one line, invalid UTF-8 replaced by U+FFFD.
std::string dump(const Json& message);

Json make_result(const Json& id, Json result);
Json make_error(const Json& id, RpcError code, std::string message, const Json& data = Json());
Json make_notification(std::string method, Json params);

/// What one JSON value received on the wire is.
enum class MessageKind {
    request,       // method and id
    notification,  // method, no id
    response,      // result or error and an id: an answer to a request of ours (we send none)
    invalid,       // anything else: answered with -32600
};

struct Classified {
    MessageKind kind = MessageKind::invalid;
    std::string problem;  // for invalid: what is wrong, for the error message
};

/// Checks the JSON-RPC 2.0 envelope (`"jsonrpc": "2.0"`, a string method, an id that is a
/// string or an integer, params an object when present).
Classified classify(const Json& message);

/// Valid JSON text without the whitespace between tokens: the pretty-printed output of the
/// CLI's streaming writers, on one line as stdio framing needs, byte for byte what dump()
/// writes of the same value.
std::string minify(std::string_view json);

/// The id as text for traces and logs ("7", "\"abc\"").
std::string id_text(const Json& id);

}  // namespace sc::mcp
