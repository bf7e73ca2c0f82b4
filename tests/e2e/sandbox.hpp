#pragma once
// A throwaway world for one end-to-end test: a temporary HOME, a project folder that is a git
// repository, and a way to run the real `sc` binary in it and capture what it prints.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// Whether these tests run against a sanitizer build (ASan maps terabytes of shadow memory, so no
// address-space cap fits it, and each of its processes starts many times slower).
#if defined(__SANITIZE_ADDRESS__)
#define SC_E2E_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SC_E2E_SANITIZED 1
#endif
#endif
#ifndef SC_E2E_SANITIZED
#define SC_E2E_SANITIZED 0
#endif

namespace sc::e2e {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;

    /// stdout parsed as JSON (fails the test if it is not JSON).
    [[nodiscard]] nlohmann::ordered_json json() const;
};

/// The start of a command line that runs `strace` (add its options, then the program). In a
/// sanitizer build LeakSanitizer cannot run under ptrace and fails every traced process that
/// reaches its exit, so leak checks are off there; ASan's other checks stay on.
inline std::vector<std::string> strace_command() {
    return {"env", "ASAN_OPTIONS=detect_leaks=0", "strace"};
}

class Sandbox {
public:
    Sandbox();
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    /// Runs `sc ARGS` with the project as working folder and the sandbox's environment.
    RunResult sc(const std::vector<std::string>& arguments, const std::string& input = "") const;
    /// Runs `sc ARGS` under `ulimit -v address_space_kib` (not in a sanitizer build, which maps
    /// terabytes of shadow memory) and a 60 s time limit; `seconds` gets its wall time.
    RunResult sc_bounded(const std::vector<std::string>& arguments, int address_space_kib, double* seconds) const;
    /// Runs any program (e.g. git) the same way.
    RunResult run(const std::vector<std::string>& argv, const std::string& input = "") const;
    /// Starts a program in the background the same way (plus `extra` in its environment), its
    /// input and output on /dev/null and its stderr on `err_fd`; returns its pid (the caller
    /// waits for it).
    [[nodiscard]] pid_t start(const std::vector<std::string>& argv, int err_fd,
                              const std::map<std::string, std::string>& extra = {}) const;

    void set_env(const std::string& name, const std::string& value) { m_environment[name] = value; }
    void unset_env(const std::string& name) { m_environment.erase(name); }
    /// The environment every run gets (for a helper that starts a long-running process).
    [[nodiscard]] const std::map<std::string, std::string>& environment() const { return m_environment; }

    [[nodiscard]] const std::string& root() const { return m_root; }
    [[nodiscard]] const std::string& home() const { return m_home; }
    [[nodiscard]] const std::string& project() const { return m_project; }
    /// ~/.scopecraft/projects/<encoded project>/tasks
    [[nodiscard]] std::string tasks_root() const;

    std::string read(const std::string& path) const;
    void write(const std::string& path, const std::string& content) const;
    /// Every file under a folder, as relative path -> content (for comparing trees); hidden
    /// entries (lock files) are left out.
    std::map<std::string, std::string> snapshot(const std::string& folder) const;

private:
    std::string m_root;
    std::string m_home;
    std::string m_project;
    std::map<std::string, std::string> m_environment;
};

}  // namespace sc::e2e
