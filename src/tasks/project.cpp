#include "tasks/project.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <vector>

#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::tasks {

namespace {

std::string parent_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0)
        return "/";
    return path.substr(0, slash);
}

std::string join_path(const std::string& base, std::string_view relative) {
    if (!relative.empty() && relative.front() == '/')
        return normalise_path(relative);
    return normalise_path(base + "/" + std::string(relative));
}

/// Reads the first line of a small git metadata file (`.git`, `commondir`), trimmed.
std::optional<std::string> first_line(const std::string& path) {
    Result<std::string> content = files::read(path);
    if (!content.ok())
        return std::nullopt;
    std::string_view text = content.value();
    size_t newline = text.find('\n');
    if (newline != std::string_view::npos)
        text = text.substr(0, newline);
    return std::string(text::trim(text));
}

std::string current_working_directory() {
    std::vector<char> buffer(4096);
    while (::getcwd(buffer.data(), buffer.size()) == nullptr) {
        if (errno != ERANGE)
            return "/";
        buffer.resize(buffer.size() * 2);
    }
    return buffer.data();
}

}  // namespace

std::string normalise_path(std::string_view absolute_path) {
    std::vector<std::string_view> parts;
    for (std::string_view part : text::split(absolute_path, '/')) {
        if (part.empty() || part == ".")
            continue;
        if (part == "..") {
            if (!parts.empty())
                parts.pop_back();
            continue;
        }
        parts.push_back(part);
    }
    std::string result;
    for (std::string_view part : parts) {
        result += '/';
        result += part;
    }
    return result.empty() ? "/" : result;
}

std::string encode_project_path(std::string_view absolute_path) {
    std::string encoded;
    for (std::string_view part : text::split(absolute_path, '/')) {
        if (part.empty())
            continue;
        if (!encoded.empty())
            encoded += '-';
        // Scopecraft replaces per UTF-16 code unit: one `_` per character of the BMP, two for
        // a character outside it (a 4-byte UTF-8 sequence). Continuation bytes add nothing.
        for (char c : part) {
            auto byte = static_cast<unsigned char>(c);
            if (byte < 0x80) {
                bool keep = std::isalnum(byte) != 0 || c == '-';
                encoded += keep ? static_cast<char>(std::tolower(byte)) : '_';
            } else if ((byte & 0xC0) != 0x80) {
                encoded += (byte & 0xF8) == 0xF0 ? "__" : "_";
            }
        }
    }
    return encoded;
}

std::optional<GitRoots> find_git_roots(const std::string& directory) {
    std::string current = normalise_path(directory);
    for (;;) {
        std::string dot_git = current == "/" ? "/.git" : current + "/.git";
        struct stat info {};
        if (::stat(dot_git.c_str(), &info) == 0) {
            if (S_ISDIR(info.st_mode))
                return GitRoots {current, current};
            // A worktree or submodule: `.git` is a file saying `gitdir: <path>`.
            std::optional<std::string> line = first_line(dot_git);
            if (line && text::starts_with(*line, "gitdir:")) {
                std::string git_dir = join_path(current, text::trim(std::string_view(*line).substr(7)));
                std::optional<std::string> common = first_line(git_dir + "/commondir");
                if (common && !common->empty()) {
                    // The main repository root is the parent of the common git folder, as
                    // `git rev-parse --git-common-dir` would say, resolved against the gitdir
                    // (not the process's directory: Scopecraft 2.1.6's bug).
                    return GitRoots {current, parent_of(join_path(git_dir, *common))};
                }
                // A submodule has no commondir: it is its own project.
                return GitRoots {current, current};
            }
        }
        if (current == "/")
            return std::nullopt;
        current = parent_of(current);
    }
}

Result<ProjectPaths> resolve_project(const Environment& environment, const ProjectOptions& options) {
    std::optional<std::string> home = environment.get("HOME");
    if (!home || home->empty())
        return make_error(ErrorCode::invalid_argument, "HOME is not set, so the task store cannot be found",
                          "set HOME to your home folder");
    std::string cwd = options.current_directory.empty() ? current_working_directory() : options.current_directory;
    cwd = normalise_path(cwd);

    ProjectPaths paths;
    std::optional<std::string> scopecraft_root = environment.get("SCOPECRAFT_ROOT");
    std::optional<GitRoots> git;
    if (options.root_dir && !options.root_dir->empty()) {
        paths.project_root = join_path(cwd, *options.root_dir);
        paths.root_source = RootSource::option;
    } else if (scopecraft_root && !scopecraft_root->empty()) {
        paths.project_root = join_path(cwd, *scopecraft_root);
        paths.root_source = RootSource::environment;
    } else if ((git = find_git_roots(cwd))) {
        paths.project_root = git->work_tree;
        paths.root_source = RootSource::git_repository;
    } else {
        paths.project_root = cwd;
        paths.root_source = RootSource::current_directory;
    }
    if (paths.root_source == RootSource::option || paths.root_source == RootSource::environment) {
        if (!files::is_directory(paths.project_root))
            return make_error(ErrorCode::not_found, "the project root " + paths.project_root + " is not a folder",
                              paths.root_source == RootSource::option ? "check the --root-dir value"
                                                                      : "check the SCOPECRAFT_ROOT variable");
        git = find_git_roots(paths.project_root);
    }
    paths.main_root = git ? git->main_root : paths.project_root;
    paths.encoded = encode_project_path(paths.main_root);
    if (paths.encoded.empty()) {
        // Only `/` encodes to nothing. Scopecraft then keeps the tree in ~/.scopecraft/projects
        // itself, among the other projects (its tasks/ is the store of a project at /tasks);
        // any name we chose could be another path's encoding. Refused, see docs/layout.md.
        return make_error(
            ErrorCode::invalid_argument,
            "the project root is " + paths.main_root + ", the file system root: its task store would be " +
                normalise_path(*home + "/.scopecraft/projects") + " itself, among the other projects' stores",
            "run sc inside a project folder, or name one with --root-dir or SCOPECRAFT_ROOT");
    }
    paths.store_dir = normalise_path(*home + "/.scopecraft/projects/" + paths.encoded);
    paths.tasks_dir = paths.store_dir + "/tasks";
    paths.config_dir = paths.store_dir + "/config";
    paths.local_tasks_dir = (paths.project_root == "/" ? std::string() : paths.project_root) + "/.tasks";
    return paths;
}

}  // namespace sc::tasks
