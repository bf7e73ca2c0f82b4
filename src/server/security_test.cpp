#include "server/security.hpp"

#include <gtest/gtest.h>

#include "server/router.hpp"

namespace sc::server {
namespace {

TEST(Security, OnlyLoopbackAddressesCountAsLoopback) {
    for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"})
        EXPECT_TRUE(is_loopback_host(host)) << host;
    for (const char* host : {"0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1", ""})
        EXPECT_FALSE(is_loopback_host(host)) << host;
}

TEST(Security, BearerTokenMustMatchExactlyWithTheBearerScheme) {
    EXPECT_TRUE(bearer_matches("Bearer abc123", "abc123"));
    EXPECT_TRUE(bearer_matches("bearer  abc123 ", "abc123"));
    EXPECT_FALSE(bearer_matches("Bearer abc1234", "abc123"));
    EXPECT_FALSE(bearer_matches("Bearer abc12", "abc123"));
    EXPECT_FALSE(bearer_matches("Bearer abc124", "abc123"));
    EXPECT_FALSE(bearer_matches("Basic abc123", "abc123"));
    EXPECT_FALSE(bearer_matches("Bearerabc123", "abc123"));
    EXPECT_FALSE(bearer_matches("", "abc123"));
    EXPECT_FALSE(bearer_matches("Bearer ", "")) << "an empty token never matches";
}

TEST(Security, OriginIsAllowedWhenAbsentLocalOrListed) {
    OriginPolicy policy {{"https://app.example.com"}};
    Request request;
    EXPECT_TRUE(origin_allowed(request, policy)) << "no Origin: not a browser";
    for (const char* origin :
         {"http://localhost:5173", "http://127.0.0.1", "https://[::1]:8080", "https://app.example.com"}) {
        request.headers = {{"origin", origin}};
        EXPECT_TRUE(origin_allowed(request, policy)) << origin;
    }
    for (const char* origin : {"http://evil.example", "https://localhost.evil.example", "null", "file://",
                               "http://127.0.0.1.evil.example"}) {
        request.headers = {{"Origin", origin}};
        EXPECT_FALSE(origin_allowed(request, policy)) << origin;
    }
}

TEST(Router, FindsExactPathsAndListsAllowedMethods) {
    Router router;
    router.add({"POST", "/v1/traces", [](const Request&, Response&) {}, 10, {}, true});
    router.add({"GET", "/metrics", [](const Request&, Response&) {}, 0, {}, true});
    EXPECT_NE(router.find("POST", "/v1/traces"), nullptr);
    EXPECT_EQ(router.find("GET", "/v1/traces"), nullptr);
    EXPECT_EQ(router.find("POST", "/v1/traces/"), nullptr);
    EXPECT_NE(router.find("HEAD", "/metrics"), nullptr) << "GET answers HEAD";
    EXPECT_EQ(router.allowed_methods("/v1/traces"), "POST");
    EXPECT_EQ(router.allowed_methods("/metrics"), "GET, HEAD");
    EXPECT_TRUE(router.on_path("/nowhere").empty());
    EXPECT_EQ(router.largest_body_limit(), 10u);
}

TEST(Request, HeadersCompareCaseInsensitivelyAndMediaTypeDropsParameters) {
    Request request;
    request.headers = {{"Content-Type", "Application/JSON; charset=utf-8"}};
    EXPECT_EQ(request.header("content-type").value_or(""), "Application/JSON; charset=utf-8");
    EXPECT_EQ(request.media_type(), "application/json");
    EXPECT_FALSE(request.header("Content-Encoding"));
}

}  // namespace
}  // namespace sc::server
