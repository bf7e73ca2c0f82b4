// `GET /metrics` of `sc telemetry serve` scraped by a real Prometheus server (Debian's package)
// every second: a few `sc task` commands, then PromQL over Prometheus' HTTP API must return what
// the store says, and follow the next commands.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <optional>
#include <thread>

#include "e2e/sandbox.hpp"
#include "e2e/server_process.hpp"
#include "util/test_requirements.hpp"

namespace sc::e2e {
namespace {

// A port nobody listens on now (the kernel's choice for port 0).
int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

// A program running in the background for the length of a test, its output in a log file;
// stopped with SIGTERM (then SIGKILL) when the test ends.
class Background {
public:
    Background(const std::vector<std::string>& argv, const std::string& log_path,
               const std::vector<std::string>& environment, const std::string& directory)
        : m_log(log_path) {
        m_pid = ::fork();
        if (m_pid == 0) {
            int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(log, 1);
            ::dup2(log, 2);
            int null = ::open("/dev/null", O_RDONLY);
            ::dup2(null, 0);
            if (::chdir(directory.c_str()) != 0)
                ::_exit(126);
            std::vector<std::string> args_copy = argv;
            std::vector<char*> args;
            for (std::string& arg : args_copy)
                args.push_back(arg.data());
            args.push_back(nullptr);
            std::vector<std::string> env_copy = environment;
            std::vector<char*> envp;
            for (std::string& entry : env_copy)
                envp.push_back(entry.data());
            envp.push_back(nullptr);
            ::execvpe(args[0], args.data(), envp.data());
            ::_exit(127);
        }
    }
    ~Background() { stop(); }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    void stop() {
        if (m_pid <= 0)
            return;
        ::kill(m_pid, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            if (::waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
                m_pid = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
        m_pid = -1;
    }
    [[nodiscard]] bool running() const { return m_pid > 0 && ::waitpid(m_pid, nullptr, WNOHANG) == 0; }
    [[nodiscard]] std::string log() const {
        std::ifstream in(m_log);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

private:
    pid_t m_pid = -1;
    std::string m_log;
};

class PrometheusScrape : public ::testing::Test {
protected:
    void SetUp() override {
        if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
            GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF: no metrics or events to export";
        if (::access("/usr/bin/prometheus", X_OK) != 0)
            SC_SKIP_OR_FAIL("prometheus is not installed (Debian package prometheus)");
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/telemetry");
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
        m_month = m_sandbox.run({"date", "+%m"}).out.substr(0, 2);
    }

    std::vector<std::string> environment() const {
        return {"HOME=" + m_sandbox.home(), "PATH=/usr/local/bin:/usr/bin:/bin", "TZ=UTC", "LANG=C.UTF-8",
                "SCOPECRAFT_TELEMETRY_DIR=" + m_sandbox.root() + "/telemetry"};
    }
    void ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        ASSERT_EQ(result.exit_code, 0) << "sc " << arguments.front() << ": " << result.err;
    }
    std::string id(const std::string& name) const { return name + "-" + m_month + "A"; }

    // GET http://127.0.0.1:port/path_and_query; nullopt unless the answer is 200.
    static std::optional<std::string> get(int port, const std::string& path_and_query) {
        HttpResponse response = http_request(port, "GET", path_and_query, "", {}, std::chrono::seconds(5));
        if (response.status != 200)
            return std::nullopt;
        return response.body;
    }

    static std::string url_encode(const std::string& text) {
        static constexpr char k_hex[] = "0123456789ABCDEF";
        std::string out;
        for (unsigned char c : text) {
            if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
                out.push_back(static_cast<char>(c));
            } else {
                out.push_back('%');
                out.push_back(k_hex[c >> 4]);
                out.push_back(k_hex[c & 15]);
            }
        }
        return out;
    }

    // Waits until GET `path` answers 200 (up to `seconds`).
    static bool wait_for(int port, const std::string& path, int seconds) {
        for (int i = 0; i < seconds * 5; ++i) {
            if (get(port, path))
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return false;
    }

    // The value of a PromQL expression that yields one sample, once it equals `expected`;
    // or the last value seen (or "none") after `seconds`.
    static std::string query_until(int prometheus_port, const std::string& expression, const std::string& expected,
                                   int seconds) {
        std::string last = "none";
        for (int i = 0; i < seconds * 4; ++i) {
            auto answer = get(prometheus_port, "/api/v1/query?query=" + url_encode(expression));
            if (answer) {
                auto json = nlohmann::json::parse(*answer, nullptr, false);
                if (!json.is_discarded() && json.value("status", "") == "success") {
                    const auto& result = json["data"]["result"];
                    if (result.is_array() && result.size() == 1)
                        last = result[0]["value"][1].get<std::string>();
                    else if (result.is_array())
                        last = std::to_string(result.size()) + " series";
                    if (last == expected)
                        return last;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
        return last;
    }

    // Starts a real Prometheus scraping 127.0.0.1:target_port every second.
    std::unique_ptr<Background> start_prometheus(int target_port, int& port) {
        port = free_port();
        std::string config = m_sandbox.root() + "/prometheus.yml";
        std::ofstream(config) << "global:\n"
                                 "  scrape_interval: 1s\n"
                                 "  scrape_timeout: 1s\n"
                                 "scrape_configs:\n"
                                 "  - job_name: scopecraft\n"
                                 "    honor_labels: true\n"
                                 "    static_configs:\n"
                                 "      - targets: [\"127.0.0.1:"
                              << target_port << "\"]\n";
        auto prometheus = std::make_unique<Background>(
            std::vector<std::string> {"/usr/bin/prometheus", "--config.file=" + config,
                                      "--web.listen-address=127.0.0.1:" + std::to_string(port),
                                      "--storage.tsdb.path=" + m_sandbox.root() + "/tsdb"},
            m_sandbox.root() + "/prometheus.log", environment(), m_sandbox.root());
        return prometheus;
    }

    Sandbox m_sandbox;
    std::string m_month;
};

TEST_F(PrometheusScrape, PromQlOverARealPrometheusReturnsWhatTheTasksDid) {
    ok({"task", "create", "--title", "Alpha"});
    ok({"task", "create", "--title", "Beta"});
    ok({"task", "create", "--title", "Gamma"});
    ok({"task", "update", id("alpha"), "--status", "done"});
    ok({"task", "list"});

    ServerProcess server(m_sandbox, {});
    ASSERT_TRUE(server.started()) << server.err();
    const int server_port = server.port();
    HttpResponse text = http_request(server_port, "GET", "/metrics");
    ASSERT_EQ(text.status, 200) << text.body;
    EXPECT_EQ(text.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(text.body.find("\nscopecraft_project_task_creations_total 3\n"), std::string::npos) << text.body;
    HttpResponse openmetrics =
        http_request(server_port, "GET", "/metrics", "", {{"Accept", "application/openmetrics-text;version=1.0.0"}});
    ASSERT_EQ(openmetrics.status, 200);
    EXPECT_EQ(openmetrics.headers["content-type"], "application/openmetrics-text; version=1.0.0; charset=utf-8");
    EXPECT_NE(openmetrics.body.find("\n# EOF\n"), std::string::npos) << openmetrics.body;

    int prometheus_port = 0;
    auto prometheus = start_prometheus(server_port, prometheus_port);
    ASSERT_TRUE(wait_for(prometheus_port, "/-/ready", 60)) << prometheus->log();

    // The scrape succeeded (Prometheus parsed our OpenMetrics), and the values are the store's.
    EXPECT_EQ(query_until(prometheus_port, "up{job=\"scopecraft\"}", "1", 30), "1") << prometheus->log();
    EXPECT_EQ(query_until(prometheus_port, "scopecraft_project_task_creations_total", "3", 30), "3");
    EXPECT_EQ(query_until(prometheus_port, "scopecraft_project_task_completions_total", "1", 30), "1");
    EXPECT_EQ(query_until(prometheus_port, "scopecraft_project_tasks{status=\"todo\"}", "2", 30), "2");
    EXPECT_EQ(query_until(prometheus_port, "scopecraft_project_task_cycle_time_seconds_count", "1", 30), "1");
    EXPECT_EQ(query_until(prometheus_port,
                          "sum(scopecraft_operations_total{job=\"scopecraft\",scopecraft_operation=\"task.create\"})",
                          "3", 30),
              "3");
    EXPECT_EQ(query_until(prometheus_port,
                          "scopecraft_operation_duration_seconds_count{scopecraft_operation=\"task.update\"}", "1", 30),
              "1");
    EXPECT_EQ(query_until(prometheus_port, "count(target_info{job=\"scopecraft\"})", "1", 30), "1");

    // The next commands show up in the next scrapes.
    ok({"task", "create", "--title", "Delta"});
    ok({"task", "update", id("beta"), "--status", "done"});
    EXPECT_EQ(query_until(prometheus_port, "scopecraft_project_task_creations_total", "4", 30), "4");
    EXPECT_EQ(query_until(prometheus_port, "scopecraft_project_tasks{status=\"done\"}", "2", 30), "2");
    EXPECT_EQ(query_until(prometheus_port,
                          "sum(scopecraft_operations_total{job=\"scopecraft\",scopecraft_operation=\"task.create\"})",
                          "4", 30),
              "4");
}

}  // namespace
}  // namespace sc::e2e
