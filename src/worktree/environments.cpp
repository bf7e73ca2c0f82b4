#include "worktree/environments.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <optional>

namespace sc::worktree {

namespace {

bool is_folder(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool exists(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    return text;
}

std::optional<std::string> first_line_of(const std::string& path) {
    FILE* file = std::fopen(path.c_str(), "re");
    if (file == nullptr)
        return std::nullopt;
    char buffer[4096];
    bool got = std::fgets(buffer, sizeof buffer, file) != nullptr;
    std::fclose(file);
    if (!got)
        return std::nullopt;
    return trim(buffer);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace

std::vector<EnvironmentInfo> parse_worktree_list(const std::string& porcelain) {
    std::vector<EnvironmentInfo> entries;
    bool first = true;
    for (const std::string& line : lines_of(porcelain)) {
        if (line.rfind("worktree ", 0) == 0) {
            EnvironmentInfo info;
            info.path = line.substr(9);
            info.main = first;
            first = false;
            entries.push_back(std::move(info));
            continue;
        }
        if (entries.empty())
            continue;
        EnvironmentInfo& info = entries.back();
        if (line.rfind("HEAD ", 0) == 0) {
            info.head = line.substr(5);
        } else if (line.rfind("branch ", 0) == 0) {
            info.branch = line.substr(7);
            if (info.branch.rfind("refs/heads/", 0) == 0)
                info.branch = info.branch.substr(11);
            if (info.branch.rfind("task/", 0) == 0)
                info.env_id = info.branch.substr(5);
        } else if (line.rfind("prunable", 0) == 0) {
            info.missing = true;
        }
    }
    for (EnvironmentInfo& info : entries)
        if (!info.missing && !is_folder(info.path))
            info.missing = true;
    return entries;
}

Result<Environments> Environments::open(const std::string& main_root) {
    Environments environments(main_root);
    // The project was resolved by finding `.git` (tasks/project.cpp); outside git the main
    // root is the project folder and has none. A stat instead of a git call: dispatch's
    // start-up counts.
    if (!exists(main_root + "/.git"))
        return make_error(ErrorCode::not_found, main_root + " is not in a git repository",
                          "environments are git worktrees: run `git init` and commit once, or work in a repository");
    return environments;
}

std::string Environments::path_for(const std::string& env_id) const {
    const std::string& main = m_git.main_root();
    size_t slash = main.find_last_of('/');
    std::string parent = slash == std::string::npos || slash == 0 ? "/" : main.substr(0, slash);
    std::string name = m_git.repository_name() + "-" + branch_for(env_id);
    for (char& c : name)
        if (std::strchr("/\\:*?\"<>| \t", c) != nullptr)
            c = '-';
    return (parent == "/" ? "" : parent) + "/" + name;
}

Result<std::string> Environments::base_branch(const std::string& base) const {
    if (!base.empty()) {
        bool known = SC_TRY(m_git.probe({"rev-parse", "--verify", "--quiet", base + "^{commit}"}, {.base = base}));
        if (!known)
            return make_error(ErrorCode::not_found, "the base " + base + " is not a branch or commit of the repository",
                              "name a branch that exists (git branch --list)");
        return base;
    }
    GitOutput head = SC_TRY(m_git.run({"symbolic-ref", "--quiet", "--short", "HEAD"}));
    std::string branch = trim(head.out);
    if (head.code != 0 || branch.empty())
        return std::string("HEAD");  // a detached main checkout: start from where it is
    return branch;
}

Result<std::vector<EnvironmentInfo>> Environments::worktrees() const {
    std::string listed = SC_TRY(m_git.must({"worktree", "list", "--porcelain"}));
    return parse_worktree_list(listed);
}

void Environments::add_state(EnvironmentInfo& info, const std::string& base) const {
    VcsRefs refs {.head = info.branch, .base = base, .revision = info.head, .work_tree = info.path};
    if (!info.missing) {
        Result<GitOutput> status = m_git.run({"status", "--porcelain", "--untracked-files=normal"}, refs, info.path);
        if (status.ok() && status->code == 0) {
            info.changed_files = static_cast<int>(lines_of(status->out).size());
            info.dirty = info.changed_files > 0;
        }
    }
    if (!info.branch.empty() && !base.empty() && info.branch != base) {
        Result<GitOutput> counts = m_git.run({"rev-list", "--left-right", "--count", base + "..." + info.branch}, refs);
        if (counts.ok() && counts->code == 0) {
            std::string text = trim(counts->out);
            size_t tab = text.find_first_of("\t ");
            if (tab != std::string::npos) {
                info.behind = std::atoi(text.substr(0, tab).c_str());
                info.ahead = std::atoi(text.substr(tab + 1).c_str());
            }
        }
    }
    std::string target = info.branch.empty() ? info.head : info.branch;
    if (!target.empty()) {
        Result<GitOutput> last = m_git.run({"log", "-1", "--format=%H%x1f%s%x1f%cI", target, "--"}, refs);
        if (last.ok() && last->code == 0) {
            std::string text = trim(last->out);
            size_t first = text.find('\x1f');
            size_t second = first == std::string::npos ? first : text.find('\x1f', first + 1);
            if (second != std::string::npos) {
                info.last_commit.sha = text.substr(0, first);
                info.last_commit.subject = text.substr(first + 1, second - first - 1);
                info.last_commit.time = text.substr(second + 1);
            }
        }
    }
}

Result<std::vector<EnvironmentInfo>> Environments::list(bool with_state) const {
    std::vector<EnvironmentInfo> entries = SC_TRY(worktrees());
    if (with_state) {
        Result<std::string> found_base = base_branch();
        std::string base = found_base.ok() ? found_base.value() : std::string();
        for (EnvironmentInfo& info : entries)
            add_state(info, info.main ? std::string() : base);
    }
    return entries;
}

Result<EnvironmentInfo> Environments::find(const std::string& env_id, bool with_state) const {
    std::vector<EnvironmentInfo> entries = SC_TRY(worktrees());
    for (EnvironmentInfo& info : entries)
        if (!info.main && info.env_id == env_id) {
            if (with_state) {
                Result<std::string> base = base_branch();
                add_state(info, base.ok() ? base.value() : std::string());
            }
            return info;
        }
    return make_error(ErrorCode::not_found, "task " + env_id + " has no environment",
                      "create it with `sc env " + env_id + "`");
}

std::optional<EnvironmentInfo> Environments::registered_at(const std::string& env_id) const {
    // What `git worktree list` reads, read directly: the folder's `.git` file names its
    // admin folder under the main repository's .git/worktrees/, whose `gitdir` points back at
    // the folder, and whose HEAD is on the task's branch. A git process costs 2-20 ms; these
    // three small files, microseconds: reusing an environment is dispatch's common path.
    const std::string path = path_for(env_id);
    std::optional<std::string> dot_git = first_line_of(path + "/.git");
    if (!dot_git || dot_git->rfind("gitdir: ", 0) != 0)
        return std::nullopt;
    std::string admin = dot_git->substr(8);
    if (admin.rfind(m_git.main_root() + "/.git/worktrees/", 0) != 0)
        return std::nullopt;
    std::optional<std::string> back = first_line_of(admin + "/gitdir");
    std::optional<std::string> head = first_line_of(admin + "/HEAD");
    if (!back || *back != path + "/.git" || !head || *head != "ref: refs/heads/" + branch_for(env_id))
        return std::nullopt;
    EnvironmentInfo info;
    info.env_id = env_id;
    info.branch = branch_for(env_id);
    info.path = path;
    // The branch's commit when it is a loose ref (a packed one is left out: not worth a git).
    info.head = first_line_of(m_git.main_root() + "/.git/refs/heads/" + info.branch).value_or("");
    return info;
}

Result<EnsureResult> Environments::ensure(const std::string& env_id, const std::string& base_name) {
    EnsureResult result;
    const std::string branch = branch_for(env_id);
    const std::string path = path_for(env_id);
    if (std::optional<EnvironmentInfo> registered = registered_at(env_id)) {
        result.environment = std::move(*registered);
        return result;  // reused
    }
    std::vector<EnvironmentInfo> entries = SC_TRY(worktrees());
    for (EnvironmentInfo& info : entries) {
        if (info.main || info.branch != branch)
            continue;
        if (!info.missing) {
            result.environment = info;
            return result;  // reused
        }
        // Deleted by hand: git still lists it and would refuse the branch; forget it first.
        // Committed work is on the branch, so nothing is lost.
        SC_TRY(m_git.must({"worktree", "prune"}, {.head = branch, .work_tree = info.path}));
        result.pruned = true;
    }
    if (exists(path))
        return make_error(ErrorCode::already_exists,
                          path + " is in the way: it exists but is not the worktree of task " + env_id,
                          "move or delete it, then run `sc env " + env_id + "` again");
    result.base = SC_TRY(base_branch(base_name));
    VcsRefs refs {.head = branch, .base = result.base, .work_tree = path};
    bool has_commit = SC_TRY(m_git.probe({"rev-parse", "--verify", "--quiet", "HEAD^{commit}"}, refs));
    if (!has_commit && base_name.empty())
        return make_error(ErrorCode::conflict,
                          "the repository has no commit yet, so a worktree has nothing to start from",
                          "commit something first (git commit --allow-empty -m init)");
    result.branch_existed = SC_TRY(m_git.probe({"show-ref", "--verify", "--quiet", "refs/heads/" + branch}, refs));
    std::vector<std::string> add = {"worktree", "add"};
    if (result.branch_existed) {
        add.insert(add.end(), {path, branch});  // back on its branch: the work is still there
    } else {
        add.insert(add.end(), {"-b", branch, path, result.base});
    }
    SC_TRY(m_git.must(add, refs, {},
                      result.branch_existed
                          ? "the branch " + branch + " may be checked out elsewhere: see `git worktree list`"
                          : "see `git worktree list` and `git branch --list 'task/*'`"));
    result.created = true;
    EnvironmentInfo info;
    info.env_id = env_id;
    info.branch = branch;
    info.path = path;
    Result<GitOutput> head = m_git.run({"rev-parse", "HEAD"}, refs, path);
    if (head.ok() && head->code == 0)
        info.head = trim(head->out);
    result.environment = std::move(info);
    return result;
}

Result<CloseResult> Environments::close(const std::string& env_id, const CloseOptions& options) {
    CloseResult result;
    result.env_id = env_id;
    result.branch = branch_for(env_id);
    result.forced = options.force;
    std::optional<EnvironmentInfo> found;
    for (EnvironmentInfo& info : SC_TRY(worktrees()))
        if (!info.main && info.branch == result.branch)
            found = info;
    bool branch_known = SC_TRY(
        m_git.probe({"show-ref", "--verify", "--quiet", "refs/heads/" + result.branch}, {.head = result.branch}));
    if (!found && !branch_known)
        return make_error(ErrorCode::not_found, "task " + env_id + " has no environment",
                          "`sc env list` shows the environments there are");
    std::string base = SC_TRY(base_branch());
    EnvironmentInfo info = found.value_or(EnvironmentInfo {});
    if (!found) {
        info.env_id = env_id;
        info.branch = result.branch;
        info.path = path_for(env_id);
        info.missing = true;
    }
    add_state(info, base);
    result.path = info.path;
    result.head = info.last_commit.sha.empty() ? info.head : info.last_commit.sha;
    result.folder_was_missing = info.missing;
    if (info.dirty && !options.force)
        return make_error(ErrorCode::conflict,
                          "the worktree " + info.path + " has uncommitted changes (" +
                              std::to_string(info.changed_files) + (info.changed_files == 1 ? " file" : " files") + ")",
                          "commit or stash them there, or pass --force to throw them away");
    if (info.dirty)
        result.discarded_files = info.changed_files;
    if (!options.keep_branch && info.ahead > 0) {
        if (!options.force)
            return make_error(ErrorCode::conflict,
                              "the branch " + result.branch + " has " + std::to_string(info.ahead) +
                                  (info.ahead == 1 ? " commit" : " commits") + " not merged into " + base,
                              "merge it first, pass --keep-branch to remove only the worktree, or --force to delete "
                              "the branch anyway");
        result.unmerged_commits = info.ahead;
    }
    VcsRefs refs {.head = result.branch, .base = base, .revision = result.head, .work_tree = info.path};
    if (found && !info.missing) {
        std::vector<std::string> remove = {"worktree", "remove"};
        if (options.force)
            remove.push_back("--force");
        remove.push_back(info.path);
        SC_TRY(m_git.must(remove, refs));
    } else if (found) {
        SC_TRY(m_git.must({"worktree", "prune"}, refs));
    }
    if (!options.keep_branch && branch_known) {
        // Merged (checked above) or forced: -D, since git's own merge check looks at HEAD,
        // not at the base the environment came from.
        SC_TRY(m_git.must({"branch", "-D", result.branch}, refs));
        result.branch_deleted = true;
    }
    return result;
}

}  // namespace sc::worktree
