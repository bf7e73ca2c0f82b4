// The OTLP/HTTP receiver's throughput (issue 15's budget: over 200,000 spans/s on loopback with
// 512-span protobuf requests, with the store's normal durability, on this 2-core machine).
//
// BM_ReceiverOverHttp starts the real sc-server (`serve --port 0`, its own telemetry on, as a
// user runs it) on a fresh store and sends it export requests over keep-alive connections from
// CLIENTS threads, each request 512 spans; every response must be 200 or the benchmark stops
// with an error, and the store must hold every span at the end. BM_DecodeRequest measures the
// in-process part alone (decode, check, write the OTLP JSON line), without HTTP or the store.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "receiver/otlp_request.hpp"

namespace {

namespace trace_service = opentelemetry::proto::collector::trace::v1;

constexpr int k_spans_per_request = 512;

std::string bench_base() {
    const char* base = std::getenv("SC_BENCH_DIR");
    return base != nullptr ? base : "/var/tmp";
}

// 512 spans of one service, shaped like an instrumented HTTP service's: a server span per
// request and client/internal children, six attributes each, ids random.
trace_service::ExportTraceServiceRequest sample_request(uint64_t seed) {
    std::mt19937_64 random(seed);
    auto random_bytes = [&](size_t size) {
        std::string bytes(size, '\0');
        for (char& byte : bytes)
            byte = static_cast<char>(random() & 0xff);
        return bytes;
    };
    trace_service::ExportTraceServiceRequest request;
    auto* resource = request.add_resource_spans();
    for (auto [key, value] :
         std::vector<std::pair<const char*, const char*>> {{"service.name", "checkout"},
                                                           {"service.version", "2.4.1"},
                                                           {"host.name", "web-7"},
                                                           {"telemetry.sdk.language", "nodejs"},
                                                           {"telemetry.sdk.name", "opentelemetry"}}) {
        auto* attribute = resource->mutable_resource()->add_attributes();
        attribute->set_key(key);
        attribute->mutable_value()->set_string_value(value);
    }
    auto* scope = resource->add_scope_spans();
    scope->mutable_scope()->set_name("@opentelemetry/instrumentation-http");
    scope->mutable_scope()->set_version("0.51.1");
    uint64_t start = 1796580000000000000ULL;
    std::string trace_id, parent;
    for (int i = 0; i < k_spans_per_request; ++i) {
        auto* span = scope->add_spans();
        if (i % 8 == 0) {
            trace_id = random_bytes(16);
            parent.clear();
        }
        std::string span_id = random_bytes(8);
        span->set_trace_id(trace_id);
        span->set_span_id(span_id);
        if (!parent.empty())
            span->set_parent_span_id(parent);
        else
            parent = span_id;
        span->set_name(i % 8 == 0 ? "GET /api/cart/:id" : "SELECT cart_items");
        span->set_kind(i % 8 == 0 ? opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER
                                  : opentelemetry::proto::trace::v1::Span::SPAN_KIND_CLIENT);
        span->set_start_time_unix_nano(start + static_cast<uint64_t>(i) * 1000000);
        span->set_end_time_unix_nano(start + static_cast<uint64_t>(i) * 1000000 + 250000);
        auto add = [&](const char* key, auto value) {
            auto* attribute = span->add_attributes();
            attribute->set_key(key);
            if constexpr (std::is_same_v<decltype(value), int>)
                attribute->mutable_value()->set_int_value(value);
            else
                attribute->mutable_value()->set_string_value(value);
        };
        add("http.request.method", "GET");
        add("url.path", "/api/cart/" + std::to_string(i));
        add("http.response.status_code", 200);
        add("server.address", "shop.example.com");
        add("network.peer.address", "10.0.3.17");
        add("db.system", "postgresql");
    }
    return request;
}

class Server {
public:
    explicit Server(const std::string& store) {
        std::string port = "0";
        int err_pipe[2];
        if (::pipe(err_pipe) != 0)
            return;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
        posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
        std::vector<std::string> words = {SC_SERVER_BINARY, "serve", "--port", "0", "--telemetry-dir", store};
        std::vector<char*> argv;
        for (std::string& word : words)
            argv.push_back(word.data());
        argv.push_back(nullptr);
        if (::posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ) != 0)
            m_pid = -1;
        posix_spawn_file_actions_destroy(&actions);
        ::close(err_pipe[1]);
        m_err = err_pipe[0];
        std::string text;
        char buffer[512];
        static const std::regex k_listening("listening on http://[^:]+:([0-9]+)");
        while (m_pid > 0) {
            ssize_t got = ::read(m_err, buffer, sizeof buffer);
            if (got <= 0)
                break;
            text.append(buffer, static_cast<size_t>(got));
            std::smatch match;
            if (std::regex_search(text, match, k_listening)) {
                m_port = std::stoi(match[1].str());
                break;
            }
        }
    }
    ~Server() {
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            int status = 0;
            ::waitpid(m_pid, &status, 0);
        }
        if (m_err >= 0)
            ::close(m_err);
    }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    [[nodiscard]] int port() const { return m_port; }
    /// CPU time (user + system) the server has used so far, in seconds.
    [[nodiscard]] double cpu_seconds() const {
        std::ifstream stat("/proc/" + std::to_string(m_pid) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        size_t close = text.rfind(')');
        if (close == std::string::npos)
            return 0;
        std::istringstream fields(text.substr(close + 2));
        std::string field;
        double ticks = 0;
        for (int index = 3; fields >> field; ++index) {
            if (index == 14 || index == 15)
                ticks += std::stod(field);
            if (index == 15)
                break;
        }
        return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
    }

private:
    pid_t m_pid = -1;
    int m_err = -1;
    int m_port = 0;
};

// One keep-alive connection that posts a body and reads the status of the answer.
class Connection {
public:
    explicit Connection(int port) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
        int one = 1;
        if (m_fd >= 0)
            ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Connection() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // The status code, or 0 when the connection failed.
    int post(const std::string& request) {
        if (m_fd < 0)
            return 0;
        size_t sent = 0;
        while (sent < request.size()) {
            ssize_t wrote = ::send(m_fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (wrote <= 0)
                return 0;
            sent += static_cast<size_t>(wrote);
        }
        std::string answer;
        char buffer[4096];
        while (true) {
            size_t head = answer.find("\r\n\r\n");
            if (head != std::string::npos) {
                size_t length_at = answer.find("Content-Length: ");
                size_t length = length_at == std::string::npos ? 0 : std::stoul(answer.substr(length_at + 16));
                if (answer.size() >= head + 4 + length)
                    break;
            }
            ssize_t got = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (got <= 0)
                return 0;
            answer.append(buffer, static_cast<size_t>(got));
        }
        return answer.size() > 12 ? std::atoi(answer.c_str() + 9) : 0;
    }

private:
    int m_fd = -1;
};

std::string http_post(const std::string& body) {
    return "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

void BM_ReceiverOverHttp(benchmark::State& state) {
    const int clients = static_cast<int>(state.range(0));
    std::string pattern = bench_base() + "/sc-receiver-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        state.SkipWithError("cannot make a store folder");
        return;
    }
    const std::string store = pattern;
    int64_t spans = 0;
    double server_cpu = 0;
    {
        Server server(store);
        if (server.port() == 0) {
            state.SkipWithError("sc-server did not start");
            return;
        }
        // Requests differ in their ids, as a real exporter's do.
        std::vector<std::string> requests;
        for (int i = 0; i < 8; ++i)
            requests.push_back(http_post(sample_request(static_cast<uint64_t>(i) + 1).SerializeAsString()));
        std::vector<std::unique_ptr<Connection>> connections;
        for (int i = 0; i < clients; ++i)
            connections.push_back(std::make_unique<Connection>(server.port()));
        std::atomic<bool> failed {false};
        const double cpu_before = server.cpu_seconds();
        for (auto _ : state) {
            // One round: every client sends one request, in parallel.
            std::vector<std::thread> threads;
            for (int i = 0; i < clients; ++i)
                threads.emplace_back([&, i] {
                    if (connections[static_cast<size_t>(i)]->post(requests[static_cast<size_t>(i) % requests.size()]) !=
                        200)
                        failed = true;
                });
            for (std::thread& thread : threads)
                thread.join();
            if (failed) {
                state.SkipWithError("a request was not answered 200");
                break;
            }
            spans += static_cast<int64_t>(clients) * k_spans_per_request;
        }
        // What the server itself spent, which the load of a shared machine does not inflate
        // the way it inflates wall time: spans per second of the server's CPU.
        server_cpu = server.cpu_seconds() - cpu_before;
    }
    // Every acknowledged span is in the store.
    int64_t stored = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(store + "/traces")) {
        if (!entry.is_regular_file())
            continue;
        std::ifstream file(entry.path());
        std::string line;
        while (std::getline(file, line))
            if (line.find("checkout") != std::string::npos)
                for (size_t at = line.find("\"spanId\""); at != std::string::npos; at = line.find("\"spanId\"", at + 8))
                    ++stored;
    }
    std::filesystem::remove_all(store);
    if (stored != spans && !state.error_occurred())
        state.SkipWithError(
            ("the store holds " + std::to_string(stored) + " spans of " + std::to_string(spans) + " acknowledged")
                .c_str());
    state.SetItemsProcessed(spans);
    state.counters["spans_per_second"] = benchmark::Counter(static_cast<double>(spans), benchmark::Counter::kIsRate);
    if (server_cpu > 0)
        state.counters["spans_per_server_cpu_second"] = static_cast<double>(spans) / server_cpu;
}
BENCHMARK(BM_ReceiverOverHttp)->Arg(1)->Arg(2)->Arg(4)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_DecodeRequest(benchmark::State& state) {
    const bool json = state.range(0) == 1;
    std::string body = sample_request(1).SerializeAsString();
    if (json)
        body = sc::receiver::decode_request(sc::store::Signal::traces, sc::receiver::Encoding::protobuf, body).line;
    const auto encoding = json ? sc::receiver::Encoding::json : sc::receiver::Encoding::protobuf;
    for (auto _ : state) {
        sc::receiver::Decoded decoded = sc::receiver::decode_request(sc::store::Signal::traces, encoding, body);
        if (decoded.accepted != k_spans_per_request) {
            state.SkipWithError("the request was not accepted whole");
            break;
        }
        benchmark::DoNotOptimize(decoded.line.data());
    }
    state.SetItemsProcessed(state.iterations() * k_spans_per_request);
    state.SetLabel(json ? "json" : "protobuf");
}
BENCHMARK(BM_DecodeRequest)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
