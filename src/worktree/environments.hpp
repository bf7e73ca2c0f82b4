#pragma once
// Task environments (docs/sessions.md): one git worktree and branch per task, a subtask sharing
// its parent's. Named as Scopecraft names them, so a user can switch between the two tools:
// the branch `task/<env-id>` and the folder `<main-parent>/<main-name>-task-<env-id>` beside
// the main checkout. Unlike Scopecraft, creating after a close reuses the branch, and closing
// refuses to lose uncommitted or unmerged work unless forced.

#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "worktree/git.hpp"

namespace sc::worktree {

struct LastCommit {
    std::string sha;
    std::string subject;
    std::string time;  // committer date, ISO 8601
};

/// One worktree of the repository, as git lists it, with its state.
struct EnvironmentInfo {
    std::string env_id;  // from the branch `task/<id>`; empty for other worktrees
    std::string branch;  // short name; empty when detached
    std::string path;
    std::string head;       // commit
    bool main = false;      // the main checkout
    bool missing = false;   // registered, but its folder is gone (deleted by hand)
    bool dirty = false;     // uncommitted changes (tracked or untracked files)
    int changed_files = 0;  // how many, when dirty
    int ahead = 0;          // commits on the branch that the base has not
    int behind = 0;         // commits on the base that the branch has not
    LastCommit last_commit;
};

struct EnsureResult {
    EnvironmentInfo environment;
    bool created = false;         // false: an existing worktree was reused
    bool branch_existed = false;  // created on a branch that was already there (after a close)
    bool pruned = false;          // a worktree deleted by hand was forgotten first
    std::string base;             // the branch a new worktree started from
};

struct CloseOptions {
    bool force = false;
    bool keep_branch = false;
};

struct CloseResult {
    std::string env_id;
    std::string branch;
    std::string path;
    std::string head;  // the branch's last commit: recoverable with `git branch <name> <head>`
    bool branch_deleted = false;
    bool forced = false;
    int discarded_files = 0;   // uncommitted files a forced close threw away
    int unmerged_commits = 0;  // commits not in the base, deleted with the branch when forced
    bool folder_was_missing = false;
};

class Environments {
public:
    /// `main_root`: the main working tree (tasks::ProjectPaths::main_root). Fails when it is
    /// not in a git repository.
    static Result<Environments> open(const std::string& main_root);

    static std::string branch_for(const std::string& env_id) { return "task/" + env_id; }
    /// `<dirname(main)>/<basename(main)>-task-<env-id>`, characters git or a shell would
    /// stumble on (`/\:*?"<>|` and blanks) replaced by `-`, as Scopecraft does.
    [[nodiscard]] std::string path_for(const std::string& env_id) const;
    /// The branch new worktrees start from: `base` when given, else the main checkout's
    /// current branch (Scopecraft assumed `main`).
    Result<std::string> base_branch(const std::string& base = {}) const;

    /// Creates the task's worktree and branch, or reuses them.
    Result<EnsureResult> ensure(const std::string& env_id, const std::string& base = {});
    /// Every worktree git knows, the main checkout first, each with its state.
    Result<std::vector<EnvironmentInfo>> list(bool with_state = true) const;
    /// The task's worktree; ErrorCode::not_found when it has none.
    Result<EnvironmentInfo> find(const std::string& env_id, bool with_state = false) const;
    /// Removes the worktree (and its branch unless kept). Refuses (ErrorCode::conflict) with
    /// uncommitted changes or commits not merged into the base, unless forced.
    Result<CloseResult> close(const std::string& env_id, const CloseOptions& options);

    [[nodiscard]] const Git& git() const { return m_git; }

private:
    explicit Environments(std::string main_root) : m_git(std::move(main_root)) {}
    Result<std::vector<EnvironmentInfo>> worktrees() const;
    /// The task's worktree when git's own files say it is registered, on its branch, in its
    /// folder; nullopt for anything else (then git is asked).
    [[nodiscard]] std::optional<EnvironmentInfo> registered_at(const std::string& env_id) const;
    void add_state(EnvironmentInfo& info, const std::string& base) const;

    Git m_git;
};

/// Parses `git worktree list --porcelain`.
std::vector<EnvironmentInfo> parse_worktree_list(const std::string& porcelain);

}  // namespace sc::worktree
