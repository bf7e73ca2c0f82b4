#include "ship/http_client.hpp"

#include <curl/curl.h>
#include <zlib.h>

#include <cctype>
#include <mutex>
#include <stdexcept>

namespace sc::ship {

namespace {

size_t collect_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

size_t collect_header(char* data, size_t size, size_t count, void* user) {
    std::string_view line(data, size * count);
    constexpr std::string_view k_name = "retry-after:";
    if (line.size() > k_name.size()) {
        bool match = true;
        for (size_t i = 0; i < k_name.size() && match; ++i)
            match = std::tolower(static_cast<unsigned char>(line[i])) == k_name[i];
        if (match) {
            std::string_view value = line.substr(k_name.size());
            while (!value.empty() && (value.back() == '\r' || value.back() == '\n'))
                value.remove_suffix(1);
            *static_cast<std::string*>(user) = std::string(value);
        }
    }
    return size * count;
}

}  // namespace

CurlHttpClient::CurlHttpClient() {
    // curl_global_init is not thread-safe; the server may start a shipper thread beside others.
    static std::once_flag k_global;
    std::call_once(k_global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    m_handle = curl_easy_init();
    if (m_handle == nullptr)
        throw std::runtime_error("libcurl could not start (curl_easy_init failed)");
}

CurlHttpClient::~CurlHttpClient() {
    curl_easy_cleanup(static_cast<CURL*>(m_handle));
}

HttpResponse CurlHttpClient::post(const HttpRequest& request) {
    auto* curl = static_cast<CURL*>(m_handle);
    HttpResponse response;
    // Reset keeps the connection cache, so requests to one backend reuse one connection.
    curl_easy_reset(curl);
    curl_slist* headers = nullptr;
    std::vector<std::string> lines;
    lines.push_back("Content-Type: " + request.content_type);
    if (!request.content_encoding.empty())
        lines.push_back("Content-Encoding: " + request.content_encoding);
    lines.emplace_back("Expect:");  // no 100-continue round trip for large bodies
    for (const auto& [name, value] : request.headers)
        lines.push_back(name + ": " + value);
    for (const std::string& line : lines)
        headers = curl_slist_append(headers, line.c_str());
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "scopecraft-shipper/" SC_SHIP_VERSION);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.retry_after);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        response.status = static_cast<int>(status);
        char* type = nullptr;
        if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr)
            response.content_type = type;
    } else {
        response.status = 0;
        response.transport_error = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(code));
    }
    curl_slist_free_all(headers);
    return response;
}

std::string gzip(std::string_view bytes) {
    z_stream stream {};
    // 15 window bits + 16: a gzip header and trailer instead of zlib's.
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("zlib could not start");
    std::string out;
    out.resize(deflateBound(&stream, static_cast<uLong>(bytes.size())) + 32);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int result = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (result != Z_STREAM_END)
        throw std::runtime_error("zlib could not compress a batch");
    return out;
}

}  // namespace sc::ship
