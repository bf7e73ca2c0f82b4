#pragma once
// The git command line, one call at a time. Each call is a child span named after the git
// subcommand ("git worktree add"), with the vcs.* attributes of the semantic conventions
// (repository, head and base refs, revision), process.exit.code, and TRACEPARENT set in git's
// environment so that hooks which trace themselves join the same trace.

#include <string>
#include <vector>

#include "util/process.hpp"
#include "util/result.hpp"

namespace sc::worktree {

/// What a git call is about, for its span.
struct VcsRefs {
    std::string head {};       // vcs.ref.head.name: the branch worked on ("task/x-11A")
    std::string base {};       // vcs.ref.base.name: the branch it starts from or merges into
    std::string revision {};   // vcs.ref.head.revision, when known before the call
    std::string work_tree {};  // scopecraft.worktree.path
};

struct GitOutput {
    int code = 0;
    std::string out;
    std::string err;
    /// git's last non-empty stderr line without "fatal: ", for messages.
    [[nodiscard]] std::string reason() const;
};

class Git {
public:
    /// `main_root`: the main working tree, where calls run unless told otherwise.
    explicit Git(std::string main_root);

    /// Runs `git ARGS` in `cwd` (the main root when empty). Fails only when git cannot be
    /// started (not installed: the message says so); a non-zero exit is in the output.
    Result<GitOutput> run(const std::vector<std::string>& args, const VcsRefs& refs = {},
                          const std::string& cwd = {}) const;
    /// A question git answers with its exit code (`show-ref --verify`): true for 0. A "no" is
    /// not an error on the span.
    Result<bool> probe(const std::vector<std::string>& args, const VcsRefs& refs = {}) const;
    /// Like run, but a non-zero exit is an error carrying git's reason and `hint`.
    Result<std::string> must(const std::vector<std::string>& args, const VcsRefs& refs = {},
                             const std::string& cwd = {}, const std::string& hint = {}) const;

    [[nodiscard]] const std::string& main_root() const { return m_main_root; }
    /// vcs.repository.name: the main root's folder name.
    [[nodiscard]] const std::string& repository_name() const { return m_name; }

private:
    Result<GitOutput> call(const std::vector<std::string>& args, const VcsRefs& refs, const std::string& cwd,
                           bool answer_in_exit_code) const;

    std::string m_main_root;
    std::string m_name;
};

}  // namespace sc::worktree
