#include "e2e/sandbox.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "util/files.hpp"

namespace sc::e2e {

namespace fs = std::filesystem;

nlohmann::ordered_json RunResult::json() const {
    auto parsed = nlohmann::ordered_json::parse(out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << "stdout is not JSON:\n" << out << "\nstderr:\n" << err;
    return parsed;
}

Sandbox::Sandbox() {
    char pattern[] = "/tmp/sc-e2e-XXXXXX";
    char* made = ::mkdtemp(pattern);
    if (made == nullptr)
        throw std::runtime_error("mkdtemp failed");
    m_root = made;
    m_home = m_root + "/home";
    m_project = m_root + "/project";
    fs::create_directories(m_home);
    fs::create_directories(m_project);
    m_environment = {
        {"HOME", m_home},
        {"PATH", "/usr/local/bin:/usr/bin:/bin"},
        {"TZ", "UTC"},
        {"LANG", "C.UTF-8"},
        {"NO_COLOR", "1"},
        {"GIT_CONFIG_NOSYSTEM", "1"},
        {"GIT_AUTHOR_NAME", "e2e"},
        {"GIT_AUTHOR_EMAIL", "e2e@localhost"},
        {"GIT_COMMITTER_NAME", "e2e"},
        {"GIT_COMMITTER_EMAIL", "e2e@localhost"},
    };
    RunResult init = run({"git", "init", "-q", m_project});
    if (init.exit_code != 0)
        throw std::runtime_error("git init failed: " + init.err);
}

Sandbox::~Sandbox() {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
}

RunResult Sandbox::sc_bounded(const std::vector<std::string>& arguments, int address_space_kib, double* seconds) const {
    std::string command = "exec timeout 60 " + std::string(SC_BINARY);
    if (!SC_E2E_SANITIZED)
        command = "ulimit -v " + std::to_string(address_space_kib) + "; " + command;
    for (const std::string& argument : arguments)
        command += " '" + argument + "'";
    const auto start = std::chrono::steady_clock::now();
    RunResult result = run({"bash", "-c", command});
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

std::string Sandbox::tasks_root() const {
    // The encoding rule of docs/layout.md: path parts joined by '-', other characters '_'.
    std::string encoded;
    for (const auto& part : fs::path(m_project)) {
        std::string text = part.string();
        if (text == "/" || text.empty())
            continue;
        for (char& c : text)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
                c = '_';
        encoded += (encoded.empty() ? "" : "-") + text;
    }
    for (char& c : encoded)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return m_home + "/.scopecraft/projects/" + encoded + "/tasks";
}

RunResult Sandbox::sc(const std::vector<std::string>& arguments, const std::string& input) const {
    std::vector<std::string> argv {SC_BINARY};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run(argv, input);
}

RunResult Sandbox::run(const std::vector<std::string>& argv, const std::string& input) const {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    std::vector<std::string> environment_strings;
    for (const auto& [name, value] : m_environment)
        environment_strings.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (std::string& entry : environment_strings)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_copy = argv;
    std::vector<char*> args;
    for (std::string& arg : argv_copy)
        args.push_back(arg.data());
    args.push_back(nullptr);

    pid_t child = ::fork();
    if (child == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        if (::chdir(m_project.c_str()) != 0)
            ::_exit(126);
        ::execvpe(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (!input.empty()) {
        // The command may exit without reading its input (a refused option): the write then
        // fails with EPIPE, and the SIGPIPE it raises must not kill the test. Blocked here and
        // taken back if it came, so children started elsewhere keep the default disposition.
        sigset_t pipe_signal, previous;
        sigemptyset(&pipe_signal);
        sigaddset(&pipe_signal, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
        ssize_t written = ::write(in_pipe[1], input.data(), input.size());
        if (written < 0 && errno == EPIPE) {
            timespec no_wait {0, 0};
            while (::sigtimedwait(&pipe_signal, nullptr, &no_wait) == SIGPIPE) {
            }
        }
        ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    }
    ::close(in_pipe[1]);

    RunResult result;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_count = 2;
    char buffer[65536];
    while (open_count > 0) {
        if (::poll(fds, 2, -1) < 0)
            break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
                continue;
            }
            (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(got));
        }
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

pid_t Sandbox::start(const std::vector<std::string>& argv, int err_fd,
                     const std::map<std::string, std::string>& extra) const {
    std::map<std::string, std::string> all = m_environment;
    for (const auto& [name, value] : extra)
        all[name] = value;
    std::vector<std::string> environment;
    for (const auto& [name, value] : all)
        environment.push_back(name + "=" + value);
    std::vector<std::string> argv_copy = argv;
    std::vector<char*> args, envp;
    for (std::string& arg : argv_copy)
        args.push_back(arg.data());
    args.push_back(nullptr);
    for (std::string& entry : environment)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    pid_t child = ::fork();
    if (child == 0) {
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(err_fd, 2);
        if (::chdir(m_project.c_str()) != 0)
            ::_exit(126);
        ::execve(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    return child;
}

std::string Sandbox::read(const std::string& path) const {
    auto content = files::read(path);
    EXPECT_TRUE(content.ok()) << path;
    return content.ok() ? content.value() : std::string();
}

void Sandbox::write(const std::string& path, const std::string& content) const {
    fs::create_directories(fs::path(path).parent_path());
    ASSERT_TRUE(files::write_atomic(path, content).ok()) << path;
}

std::map<std::string, std::string> Sandbox::snapshot(const std::string& folder) const {
    std::map<std::string, std::string> files_by_path;
    if (!fs::exists(folder))
        return files_by_path;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        std::string relative = fs::relative(entry.path(), folder).string();
        if (entry.path().filename().string().rfind('.', 0) == 0)
            continue;  // lock files and other hidden entries are not part of a tree
        if (entry.is_directory())
            files_by_path[relative + "/"] = "";
        else
            files_by_path[relative] = read(entry.path().string());
    }
    return files_by_path;
}

}  // namespace sc::e2e
