// End-to-end: `sc watch` (the watch service) running beside the commands. With it, `task list`
// stats only the files it names, and prints what it prints without it after every kind of
// outside edit; a service that is killed, restarted, or whose log overflowed makes the next
// command walk the whole tree, never an error (docs/commands.md, "sc watch").

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

/// `sc watch` started in the sandbox's project, until stopped.
class WatchProcess {
public:
    explicit WatchProcess(const Sandbox& sandbox, const std::map<std::string, std::string>& extra = {}) {
        int err_pipe[2];
        if (::pipe2(err_pipe, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe failed");
        std::vector<std::string> argv {SC_BINARY, "watch"};
        m_pid = sandbox.start(argv, err_pipe[1], extra);
        ::close(err_pipe[1]);
        int fd = err_pipe[0];
        m_reader = std::thread([this, fd] {
            char buffer[4096];
            ssize_t got = 0;
            while ((got = ::read(fd, buffer, sizeof buffer)) > 0) {
                std::lock_guard lock(m_mutex);
                m_err.append(buffer, static_cast<size_t>(got));
            }
            ::close(fd);
        });
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        static const std::regex k_watching("watching .* on (\\S+)");
        while (std::chrono::steady_clock::now() < deadline) {
            std::smatch match;
            std::string text = err();
            if (std::regex_search(text, match, k_watching)) {
                m_socket = match[1].str();
                m_exact = text.find("no inotify here") == std::string::npos;
                return;
            }
            if (::waitpid(m_pid, &m_status, WNOHANG) == m_pid) {
                m_pid = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    ~WatchProcess() {
        stop(SIGKILL);
        if (m_reader.joinable())
            m_reader.join();
    }
    WatchProcess(const WatchProcess&) = delete;
    WatchProcess& operator=(const WatchProcess&) = delete;

    [[nodiscard]] bool started() const { return !m_socket.empty(); }
    /// False in a build whose service answers "anything" every time (SC_TREE_WATCH_INOTIFY=OFF).
    [[nodiscard]] bool exact() const { return m_exact; }
    [[nodiscard]] const std::string& socket() const { return m_socket; }
    /// Sends `signal` and waits for the exit: its code, or 128 + the signal that ended it.
    int stop(int signal = SIGTERM) {
        if (m_pid > 0) {
            ::kill(m_pid, signal);
            ::waitpid(m_pid, &m_status, 0);
            m_pid = -1;
        }
        if (m_reader.joinable())
            m_reader.join();  // all it wrote is in err()
        return WIFEXITED(m_status) ? WEXITSTATUS(m_status) : 128 + WTERMSIG(m_status);
    }
    /// Sends a signal and returns at once (SIGSTOP: a service that accepts but never answers).
    void signal(int number) const {
        if (m_pid > 0)
            ::kill(m_pid, number);
    }
    [[nodiscard]] std::string err() const {
        std::lock_guard lock(m_mutex);
        return m_err;
    }

private:
    pid_t m_pid = -1;
    int m_status = 0;
    std::string m_socket;
    bool m_exact = false;
    std::thread m_reader;
    mutable std::mutex m_mutex;
    std::string m_err;
};

/// Files changed so far become older than the reference time of any later listing (see
/// listing_cache_test.cpp).
void settle() {
    ::usleep(30'000);
}

class Watch : public ::testing::Test {
protected:
    void SetUp() override {
        // The default (10 ms) is for people; a sanitizer build's service takes longer to answer,
        // and these tests count the stats of exact answers.
        m_sandbox.set_env("SCOPECRAFT_WATCH_TIMEOUT_MS", "5000");
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
        for (int i = 0; i < k_tasks; ++i)
            ASSERT_EQ(m_sandbox
                          .sc({"--no-telemetry", "task", "create", "--title", "Watched task " + std::to_string(i),
                               "--status", "todo"})
                          .exit_code,
                      0);
        settle();
    }

    std::string tasks() const { return m_sandbox.tasks_root(); }
    std::vector<std::string> task_files() const {
        std::vector<std::string> found;
        for (const auto& entry : fs::directory_iterator(tasks() + "/current"))
            if (entry.path().string().ends_with(".task.md"))
                found.push_back(entry.path().string());
        std::sort(found.begin(), found.end());
        return found;
    }

    /// `sc [--no-telemetry] task list --format json`.
    RunResult list(bool telemetry) const {
        std::vector<std::string> arguments {"task", "list", "--format", "json", "--all"};
        if (!telemetry)
            arguments.insert(arguments.begin(), "--no-telemetry");
        return m_sandbox.sc(arguments);
    }
    /// The same listing with the listing cache deleted first: every file read.
    std::string truth(bool telemetry) const {
        fs::remove(tasks() + "/.sc-listing-cache");
        return list(telemetry).out;
    }
    /// How many task files the listing stat-ed (strace), with its output.
    size_t stats_of_list(bool telemetry, std::string* out = nullptr) const {
        std::string trace = m_sandbox.root() + "/stats.trace";
        std::vector<std::string> argv = strace_command();
        argv.insert(argv.end(), {"-f", "-qq", "-e", "trace=/stat", "-o", trace, SC_BINARY});
        if (!telemetry)
            argv.push_back("--no-telemetry");
        argv.insert(argv.end(), {"task", "list", "--format", "json", "--all"});
        RunResult result = m_sandbox.run(argv);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        if (out != nullptr)
            *out = result.out;
        std::ifstream lines(trace);
        size_t count = 0;
        for (std::string line; std::getline(lines, line);)
            count += line.find(".task.md\"") != std::string::npos ? 1 : 0;
        return count;
    }

    static constexpr int k_tasks = 12;
    Sandbox m_sandbox;
};

TEST_F(Watch, WithTheServiceAListingStatsOnlyTheFilesItNamesAndPrintsWhatItPrintsWithout) {
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        std::string expected = truth(telemetry);
        WatchProcess watch(m_sandbox);
        ASSERT_TRUE(watch.started()) << watch.err();
        std::string out;
        EXPECT_GE(stats_of_list(telemetry, &out), size_t {k_tasks}) << "the first asks with no token: a whole walk";
        EXPECT_EQ(out, expected);
        size_t stats = stats_of_list(telemetry, &out);
        EXPECT_EQ(out, expected);
        if (watch.exact()) {
            EXPECT_EQ(stats, 0u) << "nothing changed since the last listing";
        } else {
            EXPECT_GE(stats, size_t {k_tasks}) << "the polling watch answers anything";
        }
        EXPECT_EQ(watch.stop(), 0);
        EXPECT_NE(watch.err().find("stopped"), std::string::npos) << watch.err();
    }
}

TEST_F(Watch, AnInPlaceEditOfTheSameSizeWithinTheSameSecondRightBeforeTheListingIsSeen) {
    WatchProcess watch(m_sandbox);
    ASSERT_TRUE(watch.started()) << watch.err();
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        ASSERT_EQ(list(telemetry).exit_code, 0);
        ASSERT_EQ(list(telemetry).exit_code, 0);
        for (int round = 0; round < 5; ++round) {
            // The same size, the same mtime second, no settle: only the service can tell.
            std::string file = task_files()[static_cast<size_t>(round)];
            std::string content = m_sandbox.read(file);
            size_t status = content.find("status: todo");
            ASSERT_NE(status, std::string::npos);
            content.replace(status, 12, "status: done");
            m_sandbox.write(file, content);
            RunResult listed = list(telemetry);
            ASSERT_EQ(listed.exit_code, 0) << listed.err;
            EXPECT_EQ(listed.out, truth(telemetry)) << "round " << round;
            content.replace(status, 12, "status: todo");
            m_sandbox.write(file, content);
            EXPECT_EQ(list(telemetry).out, truth(telemetry)) << "round " << round << ", back";
        }
    }
}

TEST_F(Watch, AFileInANewFolderARenameOverAFileAndAFileReplacedByAFolderAreListed) {
    WatchProcess watch(m_sandbox);
    ASSERT_TRUE(watch.started()) << watch.err();
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        ASSERT_EQ(list(telemetry).exit_code, 0);
        std::vector<std::string> files = task_files();
        // A parent folder made by hand, with its overview and a subtask.
        std::string parent = tasks() + "/current/hand-made-" + std::string(telemetry ? "on" : "off") + "-11Z";
        fs::create_directories(parent);
        m_sandbox.write(parent + "/_overview.md",
                        "---\ntitle: Hand made\ntype: feature\nstatus: todo\n---\n\n# Hand made\n");
        m_sandbox.write(parent + "/01_sub-11Y.task.md", "---\ntitle: Sub\ntype: chore\nstatus: todo\n---\n\n# Sub\n");
        RunResult listed = list(telemetry);
        EXPECT_NE(listed.out.find("\"Sub\""), std::string::npos) << listed.out;
        EXPECT_EQ(listed.out, truth(telemetry));
        // A rename over a task file (what editors and git do).
        std::string replaced = m_sandbox.read(files[0]);
        std::string title = std::string("# Renamed over, telemetry ") + (telemetry ? "on" : "off");
        replaced.replace(0, replaced.find('\n'), title);
        m_sandbox.write(files[0] + ".new", replaced);
        fs::rename(files[0] + ".new", files[0]);
        listed = list(telemetry);
        EXPECT_NE(listed.out.find(title.substr(2)), std::string::npos);
        EXPECT_EQ(listed.out, truth(telemetry));
        // A file replaced by a folder of the same name.
        fs::remove(files[1]);
        fs::create_directories(files[1]);
        listed = list(telemetry);
        EXPECT_EQ(listed.exit_code, 0) << listed.err;
        EXPECT_EQ(listed.out, truth(telemetry));
        fs::remove(files[1]);
        m_sandbox.write(files[1], replaced);
        fs::remove_all(parent);
        EXPECT_EQ(list(telemetry).out, truth(telemetry));
    }
}

TEST_F(Watch, AHiddenFolderMadeOrFilledInTheTreeDoesNotMakeTheNextListingWalkTheTree) {
    WatchProcess watch(m_sandbox);
    ASSERT_TRUE(watch.started()) << watch.err();
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        std::string expected = truth(telemetry);
        ASSERT_EQ(list(telemetry).exit_code, 0);
        if (watch.exact()) {
            ASSERT_EQ(stats_of_list(telemetry), 0u);
        }
        // A tool's cache at the tree's root and an editor's folder in current/: not task files.
        std::string suffix = telemetry ? "-on" : "-off";
        fs::create_directories(tasks() + "/.cache" + suffix + "/objects");
        m_sandbox.write(tasks() + "/.cache" + suffix + "/objects/entry", "cached");
        fs::create_directories(tasks() + "/current/.obsidian" + suffix);
        fs::remove_all(tasks() + "/current/.obsidian" + suffix);
        std::string out;
        size_t stats = stats_of_list(telemetry, &out);
        EXPECT_EQ(out, expected);
        if (watch.exact()) {
            EXPECT_EQ(stats, 0u) << "a hidden folder is no part of the tree";
        } else {
            EXPECT_GE(stats, size_t {k_tasks}) << "the polling watch answers anything";
        }
    }
}

TEST_F(Watch, AGitCheckoutOfAnotherBranchOfTheTreeIsListedAsCheckedOut) {
    auto git = [&](std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(),
                         {"git", "-C", tasks(), "-c", "user.name=t", "-c", "user.email=t@example.com"});
        RunResult result = m_sandbox.run(arguments);
        ASSERT_EQ(result.exit_code, 0) << result.err;
    };
    git({"init", "-q", "-b", "main"});
    git({"add", "current"});
    git({"commit", "-q", "-m", "main"});
    git({"checkout", "-q", "-b", "other"});
    for (const std::string& file : task_files()) {
        std::string content = m_sandbox.read(file);
        content.replace(content.find("status: todo"), 12, "status: done");
        m_sandbox.write(file, content);
    }
    git({"commit", "-q", "-am", "done"});
    git({"checkout", "-q", "main"});
    WatchProcess watch(m_sandbox);
    ASSERT_TRUE(watch.started()) << watch.err();
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        ASSERT_EQ(list(telemetry).exit_code, 0);
        git({"checkout", "-q", "other"});
        RunResult on_other = list(telemetry);
        EXPECT_EQ(on_other.out.find("\"todo\""), std::string::npos) << on_other.out;
        EXPECT_EQ(on_other.out, truth(telemetry));
        git({"checkout", "-q", "main"});
        RunResult on_main = list(telemetry);
        EXPECT_EQ(on_main.out.find("\"done\""), std::string::npos) << on_main.out;
        EXPECT_EQ(on_main.out, truth(telemetry));
    }
}

TEST_F(Watch, AKilledServiceLeavesAStaleSocketAndTheNextListingWalksTheWholeTreeWithTheSameOutput) {
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        std::string socket;
        {
            WatchProcess watch(m_sandbox);
            ASSERT_TRUE(watch.started()) << watch.err();
            socket = watch.socket();
            ASSERT_EQ(list(telemetry).exit_code, 0);
            ASSERT_EQ(list(telemetry).exit_code, 0);
            EXPECT_EQ(watch.stop(SIGKILL), 128 + SIGKILL);
        }
        ASSERT_TRUE(fs::exists(socket)) << "SIGKILL leaves the socket behind";
        std::string file = task_files()[2];
        std::string content = m_sandbox.read(file);
        content.replace(content.find("status: todo"), 12, "status: done");
        m_sandbox.write(file, content);  // an edit no service saw
        std::string out;
        auto started = std::chrono::steady_clock::now();
        EXPECT_GE(stats_of_list(telemetry, &out), size_t {k_tasks});
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10)) << "no hang";
        EXPECT_NE(out.find("\"done\""), std::string::npos);
        EXPECT_EQ(out, truth(telemetry));
        content.replace(content.find("status: done"), 12, "status: todo");
        m_sandbox.write(file, content);
        settle();
    }
}

TEST_F(Watch, AStoppedServiceThatNeverAnswersCostsTheTimeoutAndAWholeWalkNeverAHang) {
    WatchProcess watch(m_sandbox);
    ASSERT_TRUE(watch.started()) << watch.err();
    m_sandbox.unset_env("SCOPECRAFT_WATCH_TIMEOUT_MS");  // the default: 10 ms
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        ASSERT_EQ(list(telemetry).exit_code, 0);
        watch.signal(SIGSTOP);  // connections are still accepted by the kernel, never answered
        std::string file = task_files()[5];
        std::string content = m_sandbox.read(file);
        content.replace(content.find("status: todo"), 12, "status: done");
        m_sandbox.write(file, content);
        auto started = std::chrono::steady_clock::now();
        std::string out;
        EXPECT_GE(stats_of_list(telemetry, &out), size_t {k_tasks});
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10)) << "no hang";
        EXPECT_NE(out.find("\"done\""), std::string::npos);
        watch.signal(SIGCONT);
        EXPECT_EQ(out, truth(telemetry));
        content.replace(content.find("status: done"), 12, "status: todo");
        m_sandbox.write(file, content);
        EXPECT_EQ(list(telemetry).out, truth(telemetry));
    }
}

TEST_F(Watch, ARestartedServiceIsAnotherInstanceAndItsFirstAnswerIsAWholeWalk) {
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        {
            WatchProcess watch(m_sandbox);
            ASSERT_TRUE(watch.started()) << watch.err();
            ASSERT_EQ(list(telemetry).exit_code, 0);
            ASSERT_EQ(list(telemetry).exit_code, 0);
            EXPECT_EQ(watch.stop(), 0);
        }
        std::string file = task_files()[3];
        std::string content = m_sandbox.read(file);
        content.replace(content.find("status: todo"), 12, "status: done");
        m_sandbox.write(file, content);  // while no service runs
        WatchProcess again(m_sandbox);
        ASSERT_TRUE(again.started()) << again.err();
        std::string out;
        EXPECT_GE(stats_of_list(telemetry, &out), size_t {k_tasks}) << "a token of the instance before";
        EXPECT_NE(out.find("\"done\""), std::string::npos);
        EXPECT_EQ(out, truth(telemetry));
        if (again.exact()) {
            EXPECT_EQ(stats_of_list(telemetry, &out), 0u) << "exact again from its own token";
        }
        content.replace(content.find("status: done"), 12, "status: todo");
        m_sandbox.write(file, content);
        settle();
    }
}

TEST_F(Watch, AnOverflowedLogIsAnsweredAnythingAndEveryEditIsListed) {
    WatchProcess watch(m_sandbox, {{"SCOPECRAFT_WATCH_LOG_BOUND", "2"}});
    ASSERT_TRUE(watch.started()) << watch.err();
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        ASSERT_EQ(list(telemetry).exit_code, 0);
        ASSERT_EQ(list(telemetry).exit_code, 0);
        std::vector<std::string> files = task_files();
        for (size_t i = 0; i < 3; ++i) {  // three changes: past the bound of two
            std::string content = m_sandbox.read(files[i]);
            content.replace(content.find("status: todo"), 12, "status: done");
            m_sandbox.write(files[i], content);
        }
        std::string out;
        EXPECT_GE(stats_of_list(telemetry, &out), size_t {k_tasks});
        EXPECT_EQ(out, truth(telemetry));
        for (size_t i = 0; i < 3; ++i) {
            std::string content = m_sandbox.read(files[i]);
            content.replace(content.find("status: done"), 12, "status: todo");
            m_sandbox.write(files[i], content);
        }
        EXPECT_EQ(list(telemetry).out, truth(telemetry));
    }
}

TEST_F(Watch, SearchWithTheServiceFindsAnEditMadeRightBeforeItAndStatsOnlyWhatItNames) {
    WatchProcess watch(m_sandbox);
    ASSERT_TRUE(watch.started()) << watch.err();
    std::string file = task_files()[4];
    for (bool telemetry : {false, true}) {
        SCOPED_TRACE(telemetry ? "telemetry on" : "telemetry off");
        std::vector<std::string> search {"search", "zebra"};
        if (!telemetry)
            search.insert(search.begin(), "--no-telemetry");
        ASSERT_EQ(m_sandbox.sc(search).exit_code, 0);
        ASSERT_EQ(m_sandbox.sc(search).exit_code, 0);
        std::string content = m_sandbox.read(file);
        std::string before = content.substr(0, content.find('\n'));
        std::string word = telemetry ? "# Zebra task on" : "# Zebra task of";
        content.replace(0, content.find('\n'), word);
        m_sandbox.write(file, content);  // no settle: right before the search
        RunResult found = m_sandbox.sc(search);
        ASSERT_EQ(found.exit_code, 0) << found.err;
        EXPECT_NE(found.out.find(word.substr(2)), std::string::npos) << found.out;
        content.replace(0, content.find('\n'), before);
        m_sandbox.write(file, content);
        RunResult gone = m_sandbox.sc(search);
        EXPECT_EQ(gone.out.find("Zebra"), std::string::npos) << gone.out;
        // A task file made and then removed outside sc, each right before a search.
        std::string copy = file.substr(0, file.size() - std::string(".task.md").size()) + "-copy.task.md";
        std::string copied = m_sandbox.read(file);
        copied.replace(0, copied.find('\n'), "# Zebra copy");
        m_sandbox.write(copy, copied);
        RunResult made = m_sandbox.sc(search);
        EXPECT_NE(made.out.find("Zebra copy"), std::string::npos) << made.out;
        ASSERT_EQ(std::remove(copy.c_str()), 0);
        RunResult removed = m_sandbox.sc(search);
        EXPECT_EQ(removed.out.find("Zebra"), std::string::npos) << removed.out;
        // Nothing changed since: with an exact service, no task file is stat-ed.
        std::string trace = m_sandbox.root() + "/search.trace";
        std::vector<std::string> argv = strace_command();
        argv.insert(argv.end(), {"-f", "-qq", "-e", "trace=/stat", "-o", trace, SC_BINARY});
        argv.insert(argv.end(), search.begin(), search.end());
        ASSERT_EQ(m_sandbox.run(argv).exit_code, 0);
        std::ifstream lines(trace);
        size_t stats = 0;
        for (std::string line; std::getline(lines, line);)
            stats += line.find(".task.md\"") != std::string::npos ? 1 : 0;
        if (watch.exact()) {
            EXPECT_EQ(stats, 0u);
        }
    }
}

TEST_F(Watch, GarbageOnTheSocketDoesNotStopTheServiceAndASecondServiceIsRefused) {
    WatchProcess watch(m_sandbox);
    ASSERT_TRUE(watch.started()) << watch.err();
    for (const std::string& bytes : {std::string("GET / HTTP/1.1\r\n\r\n"), std::string(100000, '\xff'),
                                     std::string("sc-watch 1 x y\n"), std::string()}) {
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, watch.socket().c_str(), sizeof address.sun_path - 1);
        ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        [[maybe_unused]] ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        ::close(fd);
    }
    RunResult second = m_sandbox.sc({"watch"});
    EXPECT_EQ(second.exit_code, 1);
    EXPECT_NE(second.err.find("a watch service already runs for this project"), std::string::npos) << second.err;
    ASSERT_EQ(list(false).exit_code, 0);
    std::string out;
    size_t stats = stats_of_list(false, &out);
    if (watch.exact()) {
        EXPECT_EQ(stats, 0u) << "the service still answers";
    }
    EXPECT_EQ(out, truth(false));
    EXPECT_EQ(watch.stop(), 0);
}

}  // namespace
}  // namespace sc::e2e
