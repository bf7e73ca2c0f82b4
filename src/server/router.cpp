#include "server/router.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace sc::server {

std::optional<std::string_view> Request::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (text::to_lower_ascii(key) == text::to_lower_ascii(name))
            return std::string_view(value);
    return std::nullopt;
}

std::string Request::media_type() const {
    std::optional<std::string_view> type = header("Content-Type");
    if (!type)
        return "";
    std::string_view value = *type;
    size_t semicolon = value.find(';');
    if (semicolon != std::string_view::npos)
        value = value.substr(0, semicolon);
    return text::to_lower_ascii(text::trim(value));
}

std::string_view status_reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "";
    }
}

void Router::add(Route route) {
    std::vector<Route>& routes = m_routes[route.path];
    for (Route& existing : routes)
        if (existing.method == route.method) {
            existing = std::move(route);
            return;
        }
    routes.push_back(std::move(route));
}

const Route* Router::find(std::string_view method, std::string_view path) const {
    auto found = m_routes.find(path);
    if (found == m_routes.end())
        return nullptr;
    for (const Route& route : found->second)
        if (route.method == method || (method == "HEAD" && route.method == "GET"))
            return &route;
    return nullptr;
}

std::vector<const Route*> Router::on_path(std::string_view path) const {
    std::vector<const Route*> routes;
    auto found = m_routes.find(path);
    if (found != m_routes.end())
        for (const Route& route : found->second)
            routes.push_back(&route);
    return routes;
}

size_t Router::largest_body_limit() const {
    size_t largest = 0;
    for (const auto& [path, routes] : m_routes)
        for (const Route& route : routes)
            largest = std::max(largest, route.max_body_bytes);
    return largest;
}

std::string Router::allowed_methods(std::string_view path) const {
    std::vector<std::string> methods;
    for (const Route* route : on_path(path)) {
        methods.push_back(route->method);
        if (route->method == "GET")
            methods.emplace_back("HEAD");
    }
    std::sort(methods.begin(), methods.end());
    std::string allowed;
    for (const std::string& method : methods)
        allowed += (allowed.empty() ? "" : ", ") + method;
    return allowed;
}

}  // namespace sc::server
