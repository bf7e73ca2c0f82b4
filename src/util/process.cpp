#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace sc::process {

namespace {

// The highest descriptor a child closes: sc opens a handful, and a loop of close() calls is
// the portable way (close_range is Linux-only).
constexpr int k_max_fd = 1024;

std::vector<std::string> child_environment(const std::vector<EnvChange>& changes) {
    std::vector<std::string> entries;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        std::string_view name = text.substr(0, text.find('='));
        bool replaced =
            std::any_of(changes.begin(), changes.end(), [&](const EnvChange& change) { return change.name == name; });
        if (!replaced)
            entries.emplace_back(text);
    }
    for (const EnvChange& change : changes) {
        // A name given twice: the last change wins.
        entries.erase(std::remove_if(entries.begin(), entries.end(),
                                     [&](const std::string& entry) {
                                         return entry.compare(0, change.name.size() + 1, change.name + "=") == 0;
                                     }),
                      entries.end());
        if (change.value)
            entries.push_back(change.name + "=" + *change.value);
    }
    return entries;
}

void close_pair(int fds[2]) {
    for (int i = 0; i < 2; ++i)
        if (fds[i] >= 0)
            ::close(fds[i]);
}

}  // namespace

std::optional<std::string> find_program(const std::string& name) {
    if (name.empty())
        return std::nullopt;
    if (name.find('/') != std::string::npos)
        return ::access(name.c_str(), X_OK) == 0 ? std::optional<std::string>(name) : std::nullopt;
    const char* path = ::getenv("PATH");
    std::string_view folders = path != nullptr ? path : "/usr/bin:/bin";
    while (true) {
        size_t colon = folders.find(':');
        std::string folder(folders.substr(0, colon));
        std::string candidate = (folder.empty() ? "." : folder) + "/" + name;
        struct stat info {};
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (colon == std::string_view::npos)
            return std::nullopt;
        folders.remove_prefix(colon + 1);
    }
}

Result<Child> spawn(const SpawnOptions& options) {
    if (options.argv.empty())
        return make_error(ErrorCode::invalid_argument, "no program to run");
    std::optional<std::string> program = find_program(options.argv[0]);
    if (!program)
        return make_error(ErrorCode::not_found, "cannot run " + options.argv[0] + ": no such program",
                          "install it, or put the folder that holds it in PATH");
    // Everything the child needs is built before fork: after it only async-signal-safe calls.
    std::vector<std::string> arguments = options.argv;
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::vector<std::string> environment = child_environment(options.env);
    std::vector<char*> envp;
    for (std::string& entry : environment)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, status_pipe[2] = {-1, -1};
    auto fail = [&](const char* what) {
        int saved = errno;
        close_pair(in_pipe), close_pair(out_pipe), close_pair(err_pipe), close_pair(status_pipe);
        return make_error(ErrorCode::io, std::string(what) + " for " + options.argv[0] + ": " + std::strerror(saved));
    };
    if ((options.in == Stdio::pipe && ::pipe(in_pipe) != 0) || (options.out == Stdio::pipe && ::pipe(out_pipe) != 0) ||
        (options.err == Stdio::pipe && ::pipe(err_pipe) != 0) || ::pipe(status_pipe) != 0)
        return fail("cannot make a pipe");
    for (int fd :
         {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], status_pipe[0], status_pipe[1]})
        if (fd >= 0)
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    int out_file = -1, err_file = -1;
    if (options.out == Stdio::file) {
        out_file = ::open(options.out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (out_file < 0)
            return fail(("cannot open " + options.out_file).c_str());
    }
    if (options.err == Stdio::file) {
        err_file = options.err_file == options.out_file && out_file >= 0
                       ? out_file
                       : ::open(options.err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (err_file < 0) {
            if (out_file >= 0)
                ::close(out_file);
            return fail(("cannot open " + options.err_file).c_str());
        }
    }

    pid_t pid = ::fork();
    if (pid < 0) {
        if (out_file >= 0)
            ::close(out_file);
        if (err_file >= 0 && err_file != out_file)
            ::close(err_file);
        return fail("cannot fork");
    }
    if (pid == 0) {
        // The child: undo what the parent may have set (held-back signals, ignored ones).
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2})
            ::signal(sig, SIG_DFL);
        if (options.new_session)
            ::setsid();
        else if (options.new_process_group)
            ::setpgid(0, 0);
        auto take = [](int fd, int target) {
            if (fd >= 0 && fd != target)
                ::dup2(fd, target);
        };
        int null_fd = -1;
        auto null_for = [&](int flags) {
            if (null_fd < 0)
                null_fd = ::open("/dev/null", flags);
            return null_fd;
        };
        if (options.in == Stdio::pipe)
            take(in_pipe[0], 0);
        else if (options.in == Stdio::null)
            take(::open("/dev/null", O_RDONLY), 0);
        if (options.out == Stdio::pipe)
            take(out_pipe[1], 1);
        else if (options.out == Stdio::file)
            take(out_file, 1);
        else if (options.out == Stdio::null)
            take(null_for(O_WRONLY), 1);
        if (options.err == Stdio::pipe)
            take(err_pipe[1], 2);
        else if (options.err == Stdio::file)
            take(err_file, 2);
        else if (options.err == Stdio::null)
            take(null_for(O_WRONLY), 2);
        for (int fd = 3; fd < k_max_fd; ++fd) {
            if (fd == status_pipe[1])
                continue;
            if (std::find(options.keep_fds.begin(), options.keep_fds.end(), fd) != options.keep_fds.end()) {
                ::fcntl(fd, F_SETFD, 0);
                continue;
            }
            ::close(fd);
        }
        if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) {
            int error = errno;
            ssize_t ignored = ::write(status_pipe[1], &error, sizeof error);
            (void)ignored;
            ::_exit(127);
        }
        ::execve(program->c_str(), argv.data(), envp.data());
        int error = errno;
        ssize_t ignored = ::write(status_pipe[1], &error, sizeof error);
        (void)ignored;
        ::_exit(127);
    }
    // The parent: the status pipe closes on a successful exec and carries errno otherwise.
    ::close(status_pipe[1]);
    status_pipe[1] = -1;
    if (out_file >= 0)
        ::close(out_file);
    if (err_file >= 0 && err_file != out_file)
        ::close(err_file);
    if (options.new_process_group)
        ::setpgid(pid, pid);  // also here, so a signal sent right after spawn reaches the group
    int child_errno = 0;
    ssize_t got;
    do {
        got = ::read(status_pipe[0], &child_errno, sizeof child_errno);
    } while (got < 0 && errno == EINTR);
    ::close(status_pipe[0]);
    status_pipe[0] = -1;
    if (got == static_cast<ssize_t>(sizeof child_errno)) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        close_pair(in_pipe), close_pair(out_pipe), close_pair(err_pipe);
        bool cwd_failed = !options.cwd.empty() && child_errno == ENOENT && ::access(options.cwd.c_str(), F_OK) != 0;
        if (cwd_failed)
            return make_error(ErrorCode::not_found,
                              "cannot run " + options.argv[0] + " in " + options.cwd + ": the folder does not exist");
        return make_error(child_errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                          "cannot run " + options.argv[0] + ": " + std::strerror(child_errno));
    }
    Child child;
    child.pid = pid;
    if (options.in == Stdio::pipe) {
        ::close(in_pipe[0]);
        child.in = in_pipe[1];
    }
    if (options.out == Stdio::pipe) {
        ::close(out_pipe[1]);
        child.out = out_pipe[0];
    }
    if (options.err == Stdio::pipe) {
        ::close(err_pipe[1]);
        child.err = err_pipe[0];
    }
    return child;
}

namespace {

Exit exit_of(int status) {
    Exit exit;
    if (WIFSIGNALED(status)) {
        exit.signaled = true;
        exit.signal = WTERMSIG(status);
    } else {
        exit.code = WEXITSTATUS(status);
    }
    return exit;
}

}  // namespace

Result<std::optional<Exit>> wait(pid_t pid, int64_t timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int delay_us = 200;
    while (true) {
        int status = 0;
        pid_t done = ::waitpid(pid, &status, timeout_ms < 0 ? 0 : WNOHANG);
        if (done == pid)
            return std::optional<Exit>(exit_of(status));
        if (done < 0) {
            if (errno == EINTR)
                continue;
            return make_error(ErrorCode::io,
                              "cannot wait for process " + std::to_string(pid) + ": " + std::strerror(errno));
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return std::optional<Exit>();
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
        delay_us = std::min(delay_us * 2, 20000);
    }
}

bool alive(pid_t pid) {
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

Result<Captured> run(SpawnOptions options, const std::string& input, size_t max_bytes) {
    options.in = input.empty() ? Stdio::null : Stdio::pipe;
    options.out = Stdio::pipe;
    options.err = Stdio::pipe;
    Child child = SC_TRY(spawn(options));
    if (child.in >= 0) {
        // Small inputs (a prompt, a commit message): written whole before reading. A child
        // that exits without reading gets its SIGPIPE ignored here.
        auto previous = ::signal(SIGPIPE, SIG_IGN);
        size_t written = 0;
        while (written < input.size()) {
            ssize_t n = ::write(child.in, input.data() + written, input.size() - written);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            written += static_cast<size_t>(n);
        }
        ::close(child.in);
        ::signal(SIGPIPE, previous);
    }
    Captured captured;
    pollfd fds[2] = {{child.out, POLLIN, 0}, {child.err, POLLIN, 0}};
    int open = 2;
    char buffer[16384];
    while (open > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
                continue;
            }
            std::string& into = i == 0 ? captured.out : captured.err;
            size_t room = into.size() < max_bytes ? max_bytes - into.size() : 0;
            into.append(buffer, std::min(room, static_cast<size_t>(got)));
        }
    }
    std::optional<Exit> exit = SC_TRY(wait(child.pid));
    captured.exit = exit.value_or(Exit {});
    return captured;
}

Result<std::vector<std::string>> split_command(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quote == '\'') {
            if (c == '\'')
                quote = 0;
            else
                word += c;
            continue;
        }
        if (quote == '"') {
            if (c == '"')
                quote = 0;
            else if (c == '\\' && i + 1 < line.size() && std::strchr("\"\\$`", line[i + 1]) != nullptr)
                word += line[++i];
            else
                word += c;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word)
                words.push_back(std::move(word));
            word.clear();
            in_word = false;
            continue;
        }
        in_word = true;
        if (c == '\'' || c == '"')
            quote = c;
        else if (c == '\\' && i + 1 < line.size())
            word += line[++i];
        else
            word += c;
    }
    if (quote != 0)
        return make_error(
            ErrorCode::invalid_argument,
            std::string("the command line has an unterminated ") + (quote == '\'' ? "'" : "\"") + " quote: " + line,
            "close the quote");
    if (in_word)
        words.push_back(std::move(word));
    return words;
}

std::string shell_quote(const std::string& word) {
    std::string quoted = "'";
    for (char c : word) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    return quoted + "'";
}

}  // namespace sc::process
