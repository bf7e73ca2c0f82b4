#pragma once
// Where a project's tasks live: the project root, the main repository it belongs to, and the
// per-project store under ~/.scopecraft/projects/<encoded>/ (docs/layout.md).
//
// Resolution reads files only (.git, gitdir:, commondir); it never spawns git, so it costs a
// few stat calls on the command path.

#include <optional>
#include <string>
#include <string_view>

#include "util/environment.hpp"
#include "util/result.hpp"

namespace sc::tasks {

/// How the project root was chosen, for `sc` to explain itself.
enum class RootSource { option, environment, git_repository, current_directory };

struct ProjectPaths {
    std::string project_root;  // absolute, lexically normalised
    RootSource root_source = RootSource::current_directory;
    std::string main_root;        // the git main repository root (or project_root outside git)
    std::string encoded;          // encode_project_path(main_root)
    std::string store_dir;        // ~/.scopecraft/projects/<encoded>
    std::string tasks_dir;        // <store_dir>/tasks
    std::string config_dir;       // <store_dir>/config
    std::string local_tasks_dir;  // <project_root>/.tasks (may not exist)
};

struct ProjectOptions {
    /// `--root-dir` (MCP `init_root`); relative paths are taken from `current_directory`.
    std::optional<std::string> root_dir;
    /// The process's working directory; empty means ask the operating system.
    std::string current_directory;
};

/// Resolves the project: `--root-dir`, then `SCOPECRAFT_ROOT`, then the enclosing git
/// repository's working tree, then the current directory. The store is keyed by the git
/// *main* repository root, so every worktree of a project shares one task tree. HOME comes
/// from `environment`; it is an error when unset. A project whose root is `/` is refused
/// (ErrorCode::invalid_argument): its encoded name is empty.
Result<ProjectPaths> resolve_project(const Environment& environment, const ProjectOptions& options);

/// Scopecraft's store key: the absolute path split on `/`, empty parts dropped, every
/// character outside [a-zA-Z0-9-] replaced by `_`, parts joined by `-`, lower-cased.
std::string encode_project_path(std::string_view absolute_path);

/// The working-tree root and main repository root of the git repository enclosing
/// `directory`, found by walking up for `.git` (a folder, or a worktree's `gitdir:` file
/// whose `commondir` leads to the main repository). nullopt outside any repository.
struct GitRoots {
    std::string work_tree;
    std::string main_root;
};
std::optional<GitRoots> find_git_roots(const std::string& directory);

/// Lexical normalisation of an absolute path: `.` and `..` resolved, repeated and trailing
/// slashes removed. No symlink is followed (Scopecraft does not resolve them either).
std::string normalise_path(std::string_view absolute_path);

}  // namespace sc::tasks
