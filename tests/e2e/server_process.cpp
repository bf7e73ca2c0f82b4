#include "e2e/server_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <regex>
#include <stdexcept>

namespace sc::e2e {

namespace {

int exit_code_of(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

ServerProcess::ServerProcess(const Sandbox& sandbox, const std::vector<std::string>& arguments,
                             const std::vector<std::string>& global, const std::string& shell,
                             const std::vector<std::string>& subcommand) {
    int err_pipe[2];
    if (::pipe2(err_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    std::vector<std::string> argv {SC_BINARY};
    argv.insert(argv.end(), global.begin(), global.end());
    argv.insert(argv.end(), subcommand.begin(), subcommand.end());
    argv.insert(argv.end(), {"--port", "0"});
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    if (!shell.empty()) {
        std::string command = shell + "; exec";
        for (const std::string& word : argv)
            command += " '" + word + "'";
        argv = {"/bin/sh", "-c", command};
    }
    m_pid = sandbox.start(argv, err_pipe[1]);
    ::close(err_pipe[1]);
    int fd = err_pipe[0];
    std::condition_variable changed;
    m_reader = std::thread([this, fd] {
        char buffer[4096];
        while (true) {
            ssize_t got = ::read(fd, buffer, sizeof buffer);
            if (got <= 0)
                break;
            std::lock_guard lock(m_mutex);
            m_err.append(buffer, static_cast<size_t>(got));
        }
        ::close(fd);
    });
    static const std::regex k_listening("listening on http://[^:]+:([0-9]+)");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        std::smatch match;
        std::string text = err();
        if (std::regex_search(text, match, k_listening)) {
            m_port = std::stoi(match[1].str());
            return;
        }
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_exit = exit_code_of(status);
            m_pid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

ServerProcess::~ServerProcess() {
    if (m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
    }
    if (m_reader.joinable())
        m_reader.join();
}

int ServerProcess::wait(std::chrono::milliseconds timeout) {
    if (m_pid <= 0)
        return m_exit;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_exit = exit_code_of(status);
            m_pid = -1;
            if (m_reader.joinable())
                m_reader.join();
            return m_exit;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    m_exit = -1;
    return -1;
}

int ServerProcess::stop(int signal) {
    if (m_pid <= 0)
        return m_exit;
    ::kill(m_pid, signal);
    return wait(std::chrono::seconds(30));
}

std::string ServerProcess::err() const {
    std::lock_guard lock(m_mutex);
    return m_err;
}

int connect_local(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

HttpResponse parse_http_response(const std::string& text) {
    HttpResponse response;
    size_t head_end = text.find("\r\n\r\n");
    if (text.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos)
        return response;
    size_t line_end = text.find("\r\n");
    response.status = std::atoi(text.substr(9, 3).c_str());
    size_t position = line_end + 2;
    while (position < head_end) {
        size_t end = text.find("\r\n", position);
        std::string line = text.substr(position, end - position);
        size_t colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (char& c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            size_t start = line.find_first_not_of(' ', colon + 1);
            response.headers[name] = start == std::string::npos ? "" : line.substr(start);
        }
        position = end + 2;
    }
    std::string body = text.substr(head_end + 4);
    auto length = response.headers.find("content-length");
    if (length != response.headers.end())
        body = body.substr(0, std::min(body.size(), static_cast<size_t>(std::stoull(length->second))));
    response.body = std::move(body);
    return response;
}

HttpResponse http_exchange(int port, const std::string& bytes, std::chrono::milliseconds timeout) {
    int fd = connect_local(port);
    if (fd < 0)
        return {};
    size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t wrote = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (wrote <= 0)
            break;  // the server may answer (413) before taking the whole body
        sent += static_cast<size_t>(wrote);
    }
    std::string received;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[65536];
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            break;
        pollfd poll_fd {fd, POLLIN, 0};
        if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0)
            break;
        ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0)
            break;
        received.append(buffer, static_cast<size_t>(got));
        // One response is enough: stop when its body is complete.
        HttpResponse partial = parse_http_response(received);
        auto length = partial.headers.find("content-length");
        if (partial.status != 0 && length != partial.headers.end() &&
            received.size() - received.find("\r\n\r\n") - 4 >= std::stoull(length->second))
            break;
    }
    ::close(fd);
    return parse_http_response(received);
}

HttpResponse http_request(int port, const std::string& method, const std::string& path, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          std::chrono::milliseconds timeout) {
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
    for (const auto& [name, value] : headers)
        request += name + ": " + value + "\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    return http_exchange(port, request, timeout);
}

}  // namespace sc::e2e
