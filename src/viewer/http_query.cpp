#include "viewer/http_query.hpp"

#include "server/security.hpp"
#include "util/text.hpp"

namespace sc::viewer {

namespace {

std::string decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size() && sc::text::hex_digit_value(text[i + 1]) >= 0 &&
                   sc::text::hex_digit_value(text[i + 2]) >= 0) {
            out +=
                static_cast<char>(sc::text::hex_digit_value(text[i + 1]) * 16 + sc::text::hex_digit_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// "localhost:4318" -> "localhost", "[::1]:80" -> "[::1]".
std::string host_name_of(std::string_view host) {
    std::string lower = text::to_lower_ascii(text::trim(host));
    if (!lower.empty() && lower.front() == '[') {
        size_t close = lower.find(']');
        return close == std::string::npos ? "" : lower.substr(0, close + 1);
    }
    return lower.substr(0, lower.find(':'));
}

}  // namespace

std::map<std::string, std::string> parse_query(std::string_view query) {
    std::map<std::string, std::string> parameters;
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty())
            continue;
        size_t equals = pair.find('=');
        std::string name = decode(pair.substr(0, equals));
        std::string value = equals == std::string_view::npos ? "" : decode(pair.substr(equals + 1));
        parameters.emplace(std::move(name), std::move(value));
    }
    return parameters;
}

Result<Page> read_page(const std::map<std::string, std::string>& parameters, size_t fallback, size_t most) {
    Page page;
    page.limit = fallback;
    if (auto limit = parameters.find("limit"); limit != parameters.end()) {
        const std::string& text = limit->second;
        if (text.empty() || text.size() > 7 || text.find_first_not_of("0123456789") != std::string::npos ||
            std::stoul(text) == 0)
            return make_error(ErrorCode::invalid_argument, "limit \"" + text + "\" is not a whole number above 0",
                              "e.g. limit=100 (at most " + std::to_string(most) + ")");
        page.limit = std::min<size_t>(std::stoul(text), most);
    }
    if (auto cursor = parameters.find("cursor"); cursor != parameters.end() && !cursor->second.empty()) {
        const std::string& text = cursor->second;
        if (text.size() < 2 || text.size() > 12 || text[0] != 'o' ||
            text.find_first_not_of("0123456789", 1) != std::string::npos)
            return make_error(ErrorCode::invalid_argument, "cursor \"" + text + "\" is not one this server gave",
                              "pass the nextCursor of the previous answer unchanged, or leave cursor out");
        page.offset = static_cast<size_t>(std::stoull(text.substr(1)));
    }
    return page;
}

void keep_page(Json& result, Json& items, const Page& page) {
    size_t total = items.size();
    Json kept = Json::array();
    for (size_t i = page.offset; i < total && i < page.offset + page.limit; ++i)
        kept.push_back(std::move(items[i]));
    items = std::move(kept);
    result["total"] = total;
    if (page.offset + page.limit < total)
        result["nextCursor"] = "o" + std::to_string(page.offset + page.limit);
}

bool request_allowed(const server::Request& request, const std::string& bound_host, std::string* why) {
    std::optional<std::string_view> host = request.header("Host");
    std::string name = host ? host_name_of(*host) : "";
    std::string bound = host_name_of(bound_host);
    bool host_ok = !name.empty() &&
                   (server::is_loopback_host(name) || name == bound || (bound.size() > 2 && "[" + bound + "]" == name));
    if (!host_ok) {
        *why = "the Host header \"" + std::string(host.value_or("")) +
               "\" does not name this server: open the viewer at http://127.0.0.1:PORT/ui/";
        return false;
    }
    server::OriginPolicy policy;
    if (!bound.empty() && !server::is_loopback_host(bound))
        for (const char* scheme : {"http://", "https://"})
            policy.allowed.push_back(std::string(scheme) + std::string(host.value_or("")));
    if (!server::origin_allowed(request, policy)) {
        *why = "requests from the page of another site (Origin \"" +
               std::string(request.header("Origin").value_or("")) + "\") are refused";
        return false;
    }
    return true;
}

void add_safety_headers(server::Response& response) {
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("X-Frame-Options", "DENY");
    response.set_header("Referrer-Policy", "no-referrer");
    response.set_header("Content-Security-Policy",
                        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
}

// With a charset parameter: cpp-httplib compresses "application/json" exactly, with Brotli at
// its slowest quality when the browser accepts it, which took 27 s for a 10,000-span trace
// (3 MB) on a loaded machine; the viewer is served on this machine, where size costs nothing.
constexpr const char* k_json_type = "application/json; charset=utf-8";

void answer_error(server::Response& response, const Error& error) {
    int status = 500;
    switch (error.code) {
        case ErrorCode::invalid_argument:
        case ErrorCode::parse:
            status = 400;
            break;
        case ErrorCode::not_found:
            status = 404;
            break;
        default:
            break;
    }
    Json body = {{"success", false},
                 {"error", {{"code", error_code_name(error.code)}, {"message", error.message}, {"hint", error.hint}}}};
    response.status = status;
    response.content_type = k_json_type;
    response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void answer_json(server::Response& response, Json body) {
    response.status = 200;
    response.content_type = k_json_type;
    response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace sc::viewer
