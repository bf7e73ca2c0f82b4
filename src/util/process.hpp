#pragma once
// Starting child processes (git, the agent, the session supervisor) behind one small seam:
// fork + execve, POSIX only. The child's environment is this process's, with the changes a
// caller lists (TRACEPARENT, the agent's OTEL_* variables), so nothing global is modified.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace sc::process {

/// What a standard stream of the child is connected to.
enum class Stdio {
    inherit,  // ours
    null,     // /dev/null
    pipe,     // a pipe whose other end the caller reads (stdout/stderr) or writes (stdin)
    file,     // a file opened for appending (created 0600)
};

struct EnvChange {
    std::string name;
    std::optional<std::string> value;  // nullopt: removed from the child's environment
};

struct SpawnOptions {
    std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
    std::string cwd;                // empty: ours
    std::vector<EnvChange> env;
    Stdio in = Stdio::inherit;
    Stdio out = Stdio::inherit;
    Stdio err = Stdio::inherit;
    std::string out_file;            // with Stdio::file
    std::string err_file;            // with Stdio::file (may equal out_file: one descriptor)
    bool new_process_group = false;  // the child leads its own group: a timeout kills it whole
    bool new_session = false;        // setsid(): no controlling terminal, survives its starter's
    std::vector<int> keep_fds;       // descriptors the child keeps (others are close-on-exec)
};

struct Child {
    pid_t pid = -1;
    int in = -1;   // with Stdio::pipe
    int out = -1;  // with Stdio::pipe
    int err = -1;  // with Stdio::pipe
};

/// How a child ended.
struct Exit {
    bool signaled = false;
    int code = 0;    // exit status when !signaled
    int signal = 0;  // the signal that ended it when signaled
    /// The shell's convention: the code, or 128 + the signal.
    [[nodiscard]] int shell_code() const { return signaled ? 128 + signal : code; }
};

/// Starts a child. ErrorCode::not_found when the program does not exist (the message names
/// it), io for other failures.
Result<Child> spawn(const SpawnOptions& options);

/// Waits for the child; with `timeout_ms` >= 0 gives up after that long (nullopt).
Result<std::optional<Exit>> wait(pid_t pid, int64_t timeout_ms = -1);

/// Whether a process (or, with a negative id, a process group) exists.
bool alive(pid_t pid);

struct Captured {
    Exit exit;
    std::string out;
    std::string err;
};

/// Runs a child to its end with stdout and stderr captured (each cut at `max_bytes`, the rest
/// read and dropped, so a flood never fills memory) and `input` on stdin.
Result<Captured> run(SpawnOptions options, const std::string& input = {}, size_t max_bytes = 16u << 20);

/// Looks a program name up in PATH as execvp would; the name itself when it holds a '/'.
std::optional<std::string> find_program(const std::string& name);

/// Splits a command line the way a POSIX shell splits words: blanks separate, single and
/// double quotes and backslashes group (no expansion). ErrorCode::invalid_argument for an
/// unterminated quote.
Result<std::vector<std::string>> split_command(const std::string& line);

/// One word quoted for a POSIX shell ('...' with ' written '\'').
std::string shell_quote(const std::string& word);

}  // namespace sc::process
