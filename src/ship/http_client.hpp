#pragma once
// The network seam of the shipper: one POST and its answer. CurlHttpClient is the real one
// (libcurl's easy interface, one connection kept alive between requests); tests of the
// shipper's loop run it against a real local server.

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sc::ship {

struct HttpRequest {
    std::string url;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // already compressed when content_encoding is set
    std::string content_encoding;
    std::chrono::milliseconds timeout {10000};
};

struct HttpResponse {
    int status = 0;  // 0: no answer (connection refused, reset, timed out); see transport_error
    std::string body;
    std::string content_type;
    std::string retry_after;      // the Retry-After header, as sent
    std::string transport_error;  // why there was no answer
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    virtual HttpResponse post(const HttpRequest& request) = 0;
};

class CurlHttpClient final : public HttpClient {
public:
    CurlHttpClient();
    ~CurlHttpClient() override;
    CurlHttpClient(const CurlHttpClient&) = delete;
    CurlHttpClient& operator=(const CurlHttpClient&) = delete;

    HttpResponse post(const HttpRequest& request) override;

private:
    void* m_handle = nullptr;  // CURL*
};

/// gzip (RFC 1952) of `bytes`, for Content-Encoding: gzip.
std::string gzip(std::string_view bytes);

}  // namespace sc::ship
