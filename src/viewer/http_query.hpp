#pragma once
// The small pieces every viewer route shares: query-string parameters, the bounded page of a
// listing (limit + cursor, as the MCP tools page), and who may call the viewer at all (Host and
// Origin, against DNS rebinding; no CORS).

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/http.hpp"
#include "util/result.hpp"

namespace sc::viewer {

using Json = nlohmann::ordered_json;

/// "a=1&b=x%20y" -> {a: "1", b: "x y"} ('+' is a space); the first value of a repeated name.
std::map<std::string, std::string> parse_query(std::string_view query);

/// A listing's bounds: `limit` (default `fallback`, at most `most`) and `cursor` ("o<offset>",
/// what the previous answer's nextCursor said).
struct Page {
    size_t offset = 0;
    size_t limit = 100;
};
Result<Page> read_page(const std::map<std::string, std::string>& parameters, size_t fallback, size_t most);

/// Keeps [offset, offset + limit) of `items` and sets result["total"] and, when more remain,
/// result["nextCursor"].
void keep_page(Json& result, Json& items, const Page& page);

/// Whether the request may be served: its Host names this machine (or the address the server
/// was bound to), so a page of another site that a rebinding DNS points here is refused; and
/// its Origin, when present, is this machine's.
bool request_allowed(const server::Request& request, const std::string& bound_host, std::string* why);

/// The headers every viewer answer carries: no sniffing, no framing, a Content-Security-Policy
/// that allows only the viewer's own scripts, and no referrer.
void add_safety_headers(server::Response& response);

/// {"success": false, "error": {...}} with the status that fits the error's code.
void answer_error(server::Response& response, const Error& error);
/// {"success": true, "data": ...} (and "warnings" when any), as JSON.
void answer_json(server::Response& response, Json body);

}  // namespace sc::viewer
