#include "server/security.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "util/text.hpp"

namespace sc::server {

bool is_loopback_host(std::string_view host) {
    std::string name = text::to_lower_ascii(text::trim(host));
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']')
        name = name.substr(1, name.size() - 2);
    if (name == "localhost")
        return true;
    in_addr v4 {};
    if (::inet_pton(AF_INET, name.c_str(), &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6 {};
    if (::inet_pton(AF_INET6, name.c_str(), &v6) == 1)
        return std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0;
    return false;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
    if (token.empty())
        return false;
    std::string_view value = text::trim(authorization);
    // The scheme is case-insensitive (RFC 9110 11.1); one space or more before the token.
    if (value.size() < 7 || text::to_lower_ascii(value.substr(0, 6)) != "bearer" ||
        (value[6] != ' ' && value[6] != '\t'))
        return false;
    std::string_view given = text::trim(value.substr(7));
    unsigned char difference = given.size() == token.size() ? 0 : 1;
    for (size_t i = 0; i < token.size(); ++i)
        difference |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
    return difference == 0;
}

namespace {

// "http://localhost:5173" -> "localhost"; "" when the origin is not http(s)://host[:port].
std::string origin_host(std::string_view origin) {
    std::string lower = text::to_lower_ascii(text::trim(origin));
    std::string_view rest = lower;
    if (text::starts_with(rest, "http://"))
        rest.remove_prefix(7);
    else if (text::starts_with(rest, "https://"))
        rest.remove_prefix(8);
    else
        return "";
    if (!rest.empty() && rest.front() == '[') {
        size_t close = rest.find(']');
        return close == std::string_view::npos ? "" : std::string(rest.substr(0, close + 1));
    }
    size_t end = rest.find_first_of(":/");
    return std::string(rest.substr(0, end));
}

}  // namespace

bool origin_allowed(const Request& request, const OriginPolicy& policy) {
    std::optional<std::string_view> origin = request.header("Origin");
    if (!origin)
        return true;
    for (const std::string& allowed : policy.allowed)
        if (text::to_lower_ascii(text::trim(*origin)) == text::to_lower_ascii(allowed))
            return true;
    std::string host = origin_host(*origin);
    return !host.empty() && is_loopback_host(host);
}

}  // namespace sc::server
