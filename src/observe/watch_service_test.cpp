// The watch service over its real socket: a change made right before a client asks is in the
// answer (the drain after the request), a stale socket is replaced, and a garbage request or a
// client that says nothing does not stop the service.
#include "observe/watch_service.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "observe/tree_model.hpp"
#include "tasks/watch_client.hpp"
#include "util/peer_uid.hpp"

namespace sc::observe {
namespace {

namespace fs = std::filesystem;

class WatchServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = fs::path("/tmp") / ("sc-watch-test-" + std::to_string(::getpid()));
        fs::remove_all(m_root);
        fs::create_directories(m_root / "tasks" / "current");
        m_options.roots.store = (m_root / "tasks").string();
        m_options.socket_path = (m_root / "watch.sock").string();
        write("current/a-11A.task.md", "# A\n");
    }
    void TearDown() override {
        stop();
        fs::remove_all(m_root);
    }

    void write(const std::string& relative, const std::string& content) {
        std::ofstream(m_root / "tasks" / relative, std::ios::binary | std::ios::trunc) << content;
    }
    void serve() {
        Result<std::unique_ptr<WatchService>> started = WatchService::start(m_options);
        ASSERT_TRUE(started.ok()) << started.error().message;
        m_service = std::move(started.value());
        m_stop.store(false);
        m_thread = std::thread([this] { m_service->run(m_stop); });
    }
    void stop() {
        m_stop.store(true);
        if (m_thread.joinable())
            m_thread.join();
        m_service.reset();
    }
    std::optional<tasks::WatchAnswer> ask(const std::string& token) {
        return tasks::ask_watch(m_options.socket_path, m_options.roots, token, 2000);
    }
    /// Sends `bytes` and returns what comes back before the service closes.
    std::string exchange(const std::string& bytes) {
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::strcpy(address.sun_path, m_options.socket_path.c_str());
        EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        if (!bytes.empty()) {
            [[maybe_unused]] ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
        }
        ::shutdown(fd, SHUT_WR);
        std::string got;
        char buffer[4096];
        ssize_t n = 0;
        while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
            got.append(buffer, static_cast<size_t>(n));
        ::close(fd);
        return got;
    }

    fs::path m_root;
    WatchServiceOptions m_options;
    std::unique_ptr<WatchService> m_service;
    std::atomic<bool> m_stop {false};
    std::thread m_thread;
};

#if SC_TREE_WATCH_INOTIFY
TEST_F(WatchServiceTest, AnEditMadeRightBeforeTheQuestionIsInTheAnswer) {
    serve();
    std::optional<tasks::WatchAnswer> first = ask("");
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->anything) << "no token yet";
    for (int round = 0; round < 20; ++round) {
        write("current/a-11A.task.md", "# A " + std::to_string(round % 10) + "\n");  // same size
        std::optional<tasks::WatchAnswer> next = ask(first->token);
        ASSERT_TRUE(next);
        ASSERT_FALSE(next->anything);
        EXPECT_EQ(next->files, std::vector<std::string> {model_key(tasks::TreeKind::store, "current/a-11A.task.md")});
        first = next;
    }
    std::optional<tasks::WatchAnswer> quiet = ask(first->token);
    ASSERT_TRUE(quiet);
    EXPECT_FALSE(quiet->anything);
    EXPECT_TRUE(quiet->files.empty());
}

TEST_F(WatchServiceTest, TheSocketIsTheUsersAloneAndOtherRootsAreAnsweredAnything) {
    serve();
    struct stat info {};
    ASSERT_EQ(::stat(m_options.socket_path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    std::string token = ask("")->token;
    tasks::TreeRoots other = m_options.roots;
    other.project_local = (m_root / "elsewhere").string();
    std::optional<tasks::WatchAnswer> answer = tasks::ask_watch(m_options.socket_path, other, token, 2000);
    ASSERT_TRUE(answer);
    EXPECT_TRUE(answer->anything);
}
#endif

TEST_F(WatchServiceTest, GarbageAndSilentClientsGetNoAnswerAndTheServiceGoesOn) {
    serve();
    EXPECT_EQ(exchange(""), "");
    EXPECT_EQ(exchange(std::string(10000, 'x')), "");
    EXPECT_EQ(exchange("GET / HTTP/1.1\r\n\r\n"), "");
    EXPECT_EQ(exchange(std::string("sc-watch 1 \0\xff\n", 15)), "");
    std::string answer = exchange("sc-watch 1 0 garbage\n");
    EXPECT_TRUE(answer.starts_with("sc-watch 1 anything ")) << answer;
    // A line longer than any request (256 bytes) is not read to its end.
    EXPECT_EQ(exchange("sc-watch 1 0 " + std::string(300, '1') + "\n"), "");
    // A token with a NUL byte, a seq past 2^64-1 or its instance in capitals is none of the
    // service's: "anything", where the token itself is answered exactly.
    std::string token = ask("")->token;
    std::string roots = tasks::hex16(tasks::roots_digest(m_options.roots));
    if (m_service->exact()) {
        EXPECT_TRUE(exchange("sc-watch 1 " + roots + " " + token + "\n").starts_with("sc-watch 1 files "));
    }
    std::string capitals = token;
    for (char& c : capitals)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (capitals == token)
        capitals = "X" + token.substr(1);  // an instance of no letter a-f, one time in 1,800
    for (const std::string& held : {token + std::string("\0", 1), token.substr(0, 17) + "18446744073709551616",
                                    token + "99999999999999999999999", capitals}) {
        answer = exchange("sc-watch 1 " + roots + " " + held + "\n");
        EXPECT_TRUE(answer.starts_with("sc-watch 1 anything ")) << answer;
    }
    EXPECT_TRUE(ask(""));
}

TEST_F(WatchServiceTest, AnotherUsersRequestGetsNoAnswerAndTheServiceGoesOn) {
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root to connect as another user";
    if (!peer::can_ask())
        GTEST_SKIP() << "this build leaves the check to the socket's mode (SC_PEER_CRED=OFF)";
    serve();
    ::chmod(m_options.socket_path.c_str(), 0666);  // let the other user reach the service's own check
    ::chmod(m_root.c_str(), 0755);
    pid_t child = ::fork();
    if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0)
            ::_exit(3);
        std::string request = tasks::watch_request(tasks::roots_digest(m_options.roots), "");
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::strcpy(address.sun_path, m_options.socket_path.c_str());
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
            ::_exit(4);
        // The service may have closed already (EPIPE): it refuses before reading.
        [[maybe_unused]] ssize_t wrote = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        char buffer[256];
        ::_exit(::read(fd, buffer, sizeof buffer) <= 0 ? 0 : 5);  // closed (or reset) without a word
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0) << "3: no such user, 4: no connection, 5: an answer";
    EXPECT_TRUE(ask("")) << "the service still answers its own user";
}

TEST_F(WatchServiceTest, AStaleSocketIsReplacedAndARunningServiceIsNotTakenOver) {
    {
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::strcpy(address.sun_path, m_options.socket_path.c_str());
        ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        ::close(fd);  // a socket file nobody listens on: what a killed service leaves
    }
    EXPECT_FALSE(ask("")) << "nobody answers: the client walks the tree";
    serve();
    EXPECT_TRUE(ask(""));
    Result<std::unique_ptr<WatchService>> second = WatchService::start(m_options);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().message,
              "a watch service already runs for this project (socket " + m_options.socket_path + ")");
    stop();
    EXPECT_FALSE(fs::exists(m_options.socket_path)) << "removed when the service ends";
    EXPECT_FALSE(ask(""));
}

TEST_F(WatchServiceTest, ThePollingWatchAnswersAnythingEveryTime) {
    m_options.polling = true;
    serve();
    std::string token = ask("")->token;
    std::optional<tasks::WatchAnswer> answer = ask(token);
    ASSERT_TRUE(answer);
    EXPECT_TRUE(answer->anything);
}

}  // namespace
}  // namespace sc::observe
