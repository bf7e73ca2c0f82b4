#include "sessions/runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>

namespace sc::sessions {

namespace {

using Clock = std::chrono::steady_clock;

// The self-pipe the signal handler writes to, so poll() wakes up for it.
int g_signal_pipe[2] = {-1, -1};
std::atomic<int> g_received {0};

extern "C" void on_signal(int signal) {
    g_received.store(signal);
    int saved = errno;
    char byte = static_cast<char>(signal);
    ssize_t ignored = ::write(g_signal_pipe[1], &byte, 1);
    (void)ignored;
    errno = saved;
}

class SignalForwarding {
public:
    explicit SignalForwarding(bool interactive) {
        g_received.store(0);
        if (::pipe(g_signal_pipe) == 0) {
            for (int fd : g_signal_pipe) {
                ::fcntl(fd, F_SETFD, FD_CLOEXEC);
                ::fcntl(fd, F_SETFL, O_NONBLOCK);
            }
        }
        struct sigaction action {};
        action.sa_handler = on_signal;
        sigemptyset(&action.sa_mask);
        for (int i = 0; i < 3; ++i)
            ::sigaction(k_signals[i], &action, &m_previous[i]);
        if (interactive) {
            // Ctrl-C at the terminal reaches the agent, which shares our process group and
            // handles it; we wait for it, as a shell does.
            struct sigaction ignore {};
            ignore.sa_handler = SIG_IGN;
            sigemptyset(&ignore.sa_mask);
            ::sigaction(SIGINT, &ignore, nullptr);
            ::sigaction(SIGQUIT, &ignore, &m_previous_quit);
            m_interactive = true;
        }
        // Unblock what a caller may hold back (DeferredSignals), for this run.
        sigset_t set;
        sigemptyset(&set);
        for (int signal : k_signals)
            sigaddset(&set, signal);
        ::sigprocmask(SIG_UNBLOCK, &set, &m_previous_mask);
    }
    ~SignalForwarding() {
        for (int i = 0; i < 3; ++i)
            ::sigaction(k_signals[i], &m_previous[i], nullptr);
        if (m_interactive)
            ::sigaction(SIGQUIT, &m_previous_quit, nullptr);
        ::sigprocmask(SIG_SETMASK, &m_previous_mask, nullptr);
        for (int& fd : g_signal_pipe) {
            if (fd >= 0)
                ::close(fd);
            fd = -1;
        }
    }
    SignalForwarding(const SignalForwarding&) = delete;
    SignalForwarding& operator=(const SignalForwarding&) = delete;

private:
    static constexpr int k_signals[3] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction m_previous[3] {};
    struct sigaction m_previous_quit {};
    sigset_t m_previous_mask {};
    bool m_interactive = false;
};

class Log {
public:
    Log(const std::string& path, int64_t max_bytes) : m_max(max_bytes) {
        if (!path.empty())
            m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    }
    ~Log() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Log(const Log&) = delete;
    Log& operator=(const Log&) = delete;
    void write(std::string_view bytes) {
        if (m_fd < 0)
            return;
        if (m_written + static_cast<int64_t>(bytes.size()) > m_max) {
            if (!m_capped) {
                m_capped = true;
                std::string note = "\n[sc: the log reached its limit of " + std::to_string(m_max) +
                                   " bytes; the rest of the agent's output was read and dropped]\n";
                put(note);
            }
            m_dropped += static_cast<int64_t>(bytes.size());
            return;
        }
        m_written += static_cast<int64_t>(bytes.size());
        put(bytes);
    }
    [[nodiscard]] int64_t written() const { return m_written; }
    [[nodiscard]] int64_t dropped() const { return m_dropped; }

private:
    void put(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return;  // a full disk: the session goes on, its log is short
            bytes.remove_prefix(static_cast<size_t>(n));
        }
    }
    int m_fd = -1;
    int64_t m_max;
    int64_t m_written = 0;
    int64_t m_dropped = 0;
    bool m_capped = false;
};

// Splits a pipe's bytes into lines, never holding more than `max` bytes of one.
class LineSplitter {
public:
    explicit LineSplitter(size_t max) : m_max(max) {}
    template <class Visit>
    void feed(std::string_view bytes, Visit&& visit) {
        while (!bytes.empty()) {
            size_t newline = bytes.find('\n');
            std::string_view part = bytes.substr(0, newline);
            if (!m_skipping) {
                if (m_line.size() + part.size() > m_max) {
                    m_skipping = true;  // too long to be a message: counted, not parsed
                    m_line.clear();
                    ++m_overlong;
                } else {
                    m_line.append(part);
                }
            }
            if (newline == std::string_view::npos)
                return;
            if (!m_skipping)
                visit(std::string_view(m_line));
            m_line.clear();
            m_skipping = false;
            bytes.remove_prefix(newline + 1);
        }
    }
    template <class Visit>
    void finish(Visit&& visit) {
        if (!m_skipping && !m_line.empty())
            visit(std::string_view(m_line));
        m_line.clear();
    }
    [[nodiscard]] int64_t overlong() const { return m_overlong; }

private:
    size_t m_max;
    std::string m_line;
    bool m_skipping = false;
    int64_t m_overlong = 0;
};

int64_t ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

}  // namespace

std::string signal_name(int signal) {
    switch (signal) {
        case SIGHUP:
            return "SIGHUP";
        case SIGINT:
            return "SIGINT";
        case SIGQUIT:
            return "SIGQUIT";
        case SIGILL:
            return "SIGILL";
        case SIGABRT:
            return "SIGABRT";
        case SIGBUS:
            return "SIGBUS";
        case SIGFPE:
            return "SIGFPE";
        case SIGKILL:
            return "SIGKILL";
        case SIGSEGV:
            return "SIGSEGV";
        case SIGPIPE:
            return "SIGPIPE";
        case SIGALRM:
            return "SIGALRM";
        case SIGTERM:
            return "SIGTERM";
        default:
            return "signal " + std::to_string(signal);
    }
}

RunOutcome run_agent(const RunSpec& spec, const RunCallbacks& callbacks) {
    RunOutcome outcome;
    const Clock::time_point start = Clock::now();
    SignalForwarding forwarding(spec.interactive);
    process::SpawnOptions options;
    options.argv = spec.argv;
    options.cwd = spec.cwd;
    options.env = spec.env;
    if (!spec.interactive) {
        options.in = spec.input.empty() ? process::Stdio::null : process::Stdio::pipe;
        options.out = process::Stdio::pipe;
        options.err = process::Stdio::pipe;
        options.new_process_group = true;
    }
    Result<process::Child> spawned = process::spawn(options);
    if (!spawned.ok()) {
        outcome.reason = spawned.error().message;
        outcome.duration_ms = ms_since(start);
        return outcome;
    }
    outcome.spawned = true;
    process::Child child = spawned.value();
    if (callbacks.started)
        callbacks.started(child.pid);
    // The prompt, then end of input. Written before reading: a prompt is small, and an agent
    // that exits without reading it only makes the write fail.
    if (child.in >= 0) {
        auto previous = ::signal(SIGPIPE, SIG_IGN);
        std::string_view left = spec.input;
        while (!left.empty()) {
            ssize_t n = ::write(child.in, left.data(), left.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            left.remove_prefix(static_cast<size_t>(n));
        }
        ::close(child.in);
        ::signal(SIGPIPE, previous);
    }

    Log log(spec.log_path, spec.max_log_bytes);
    StreamJsonParser parser;
    LineSplitter out_lines(spec.max_line_bytes);
    LineSplitter err_lines(4096);
    bool timed_out = false;
    int forwarded = 0;  // the signal we passed on
    std::optional<Clock::time_point> kill_at;
    const std::optional<Clock::time_point> deadline =
        spec.timeout_ms > 0 ? std::optional(start + std::chrono::milliseconds(spec.timeout_ms)) : std::nullopt;
    auto stop_group = [&](int signal) {
        if (spec.interactive)
            ::kill(child.pid, signal);
        else
            ::kill(-child.pid, signal);
        if (signal != SIGKILL && !kill_at)
            kill_at = Clock::now() + std::chrono::milliseconds(spec.grace_ms);
    };
    auto on_line = [&](std::string_view line) {
        for (const ToolUse& use : parser.feed(line))
            if (callbacks.tool_finished)
                callbacks.tool_finished(use);
        if (callbacks.output)
            callbacks.output(line);
    };

    std::optional<process::Exit> exit;
    int out_fd = child.out;
    int err_fd = child.err;
    char buffer[65536];
    while (true) {
        // Wake for output, signals, the deadline and the kill after the grace period.
        int64_t wait_ms = 200;
        auto now = Clock::now();
        if (deadline && !timed_out)
            wait_ms = std::min<int64_t>(
                wait_ms,
                std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now).count()));
        if (kill_at)
            wait_ms = std::min<int64_t>(
                wait_ms,
                std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(*kill_at - now).count()));
        pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {g_signal_pipe[0], POLLIN, 0}};
        int ready = 0;
        if (out_fd < 0 && err_fd < 0 && !exit) {
            // Its output is closed: the agent is ending (or an interactive one runs on). Wait
            // for its exit itself rather than for a poll timeout; a signal still breaks in.
            Result<std::optional<process::Exit>> waited = process::wait(child.pid, std::min<int64_t>(wait_ms, 20));
            if (waited.ok() && waited->has_value())
                exit = **waited;
        } else {
            ready = ::poll(fds, 3, static_cast<int>(wait_ms));
        }
        if (ready < 0 && errno != EINTR)
            break;
        if (ready > 0) {
            for (int i = 0; i < 2; ++i) {
                int& fd = i == 0 ? out_fd : err_fd;
                if (fd < 0 || fds[i].revents == 0)
                    continue;
                ssize_t got = ::read(fd, buffer, sizeof buffer);
                if (got < 0 && errno == EINTR)
                    continue;
                if (got <= 0) {
                    ::close(fd);
                    fd = -1;
                    continue;
                }
                std::string_view bytes(buffer, static_cast<size_t>(got));
                log.write(bytes);
                if (i == 0) {
                    out_lines.feed(bytes, on_line);
                } else {
                    err_lines.feed(bytes, [&](std::string_view line) {
                        if (!line.empty())
                            outcome.stderr_tail = std::string(line.substr(0, 300));
                    });
                }
            }
            if (fds[2].revents != 0) {
                char drained[16];
                while (::read(g_signal_pipe[0], drained, sizeof drained) > 0) {
                }
            }
        }
        if (int received = g_received.exchange(0); received != 0 && forwarded == 0 && !timed_out) {
            forwarded = received;
            // The agent of an interactive run got the terminal's signals itself; pass on
            // only what was sent to us alone (a kill, the supervisor stopped).
            stop_group(spec.interactive && received == SIGINT ? SIGINT : SIGTERM);
        }
        if (deadline && !timed_out && forwarded == 0 && Clock::now() >= *deadline) {
            timed_out = true;
            stop_group(SIGTERM);
        }
        if (kill_at && Clock::now() >= *kill_at) {
            stop_group(SIGKILL);
            kill_at.reset();
        }
        if (!exit) {
            Result<std::optional<process::Exit>> waited = process::wait(child.pid, 0);
            if (waited.ok() && waited->has_value())
                exit = **waited;
        }
        // Done when the agent has exited and its pipes are drained (or nothing reads them:
        // whatever it left running in its group is stopped below).
        if (exit && ((out_fd < 0 && err_fd < 0) || spec.interactive))
            break;
        if (exit && ms_since(start) > 0) {
            // Exited, but a leftover process holds the pipes open: stop the group now.
            if (!spec.interactive)
                ::kill(-child.pid, SIGKILL);
        }
    }
    out_lines.finish(on_line);
    for (int fd : {out_fd, err_fd})
        if (fd >= 0)
            ::close(fd);
    if (!spec.interactive)
        ::kill(-child.pid, SIGKILL);  // anything the agent left running in its group
    if (!exit) {
        Result<std::optional<process::Exit>> waited = process::wait(child.pid);
        if (waited.ok() && waited->has_value())
            exit = **waited;
    }
    outcome.duration_ms = ms_since(start);
    outcome.tally = parser.tally();
    outcome.tally.bad_lines += out_lines.overlong();
    outcome.tally.lines += out_lines.overlong();
    outcome.unfinished = parser.unfinished();
    outcome.log_bytes = log.written();
    outcome.log_bytes_dropped = log.dropped();
    process::Exit ended = exit.value_or(process::Exit {});
    if (ended.signaled)
        outcome.signal = ended.signal;
    else
        outcome.exit_code = ended.code;

    const StreamTally& tally = outcome.tally;
    if (timed_out) {
        outcome.outcome = Outcome::timed_out;
        outcome.reason = "stopped after the timeout of " + std::to_string(spec.timeout_ms) + " ms";
    } else if (forwarded != 0) {
        outcome.outcome = Outcome::interrupted;
        outcome.reason = "interrupted by " + signal_name(forwarded);
    } else if (ended.signaled) {
        outcome.outcome = Outcome::crashed;
        outcome.reason = "the agent was killed by " + signal_name(ended.signal);
    } else if (ended.code != 0) {
        outcome.outcome = Outcome::failure;
        outcome.reason = "the agent exited with code " + std::to_string(ended.code);
        if (tally.has_result && tally.result_is_error)
            outcome.reason += ": " + tally.result_subtype + (tally.result_text.empty() ? "" : ": " + tally.result_text);
        else if (!outcome.stderr_tail.empty())
            outcome.reason += ": " + outcome.stderr_tail;
    } else if (tally.has_result && tally.result_is_error) {
        outcome.outcome = Outcome::failure;
        outcome.reason =
            "the agent reported " + tally.result_subtype + (tally.result_text.empty() ? "" : ": " + tally.result_text);
    } else {
        outcome.outcome = Outcome::success;
    }
    return outcome;
}

}  // namespace sc::sessions
