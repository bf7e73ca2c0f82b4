#include "observe/tree_model.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::observe {

std::string model_key(tasks::TreeKind tree, const std::string& path) {
    return std::string(tasks::to_string(tree)) + ":" + path;
}

bool is_ignored_name(const std::string& name) {
    return name.empty() || name[0] == '.' || name.find(".tmp-") != std::string::npos;
}

Status TreeModel::apply(const std::vector<tasks::FileChange>& changes) {
    return apply_file_changes_to(m_files, m_folders, changes, [](const std::string& content) { return content; });
}

namespace {

Status read_folder(const std::string& root, const std::string& relative, tasks::TreeKind tree, TreeModel& model,
                   std::map<std::string, std::string>& files, std::set<std::string>& folders) {
    std::string path = relative.empty() ? root : root + "/" + relative;
    DIR* directory = ::opendir(path.c_str());
    if (directory == nullptr)
        return files::from_errno(errno, "reading folder", path);
    std::vector<std::pair<std::string, bool>> entries;
    while (dirent* entry = ::readdir(directory)) {
        std::string name = entry->d_name;
        if (name == "." || name == ".." || is_ignored_name(name))
            continue;
        bool is_folder = entry->d_type == DT_DIR;
        if (entry->d_type == DT_UNKNOWN || entry->d_type == DT_LNK) {
            struct stat info {};
            // Symlinks are not followed: a link out of the tree is not part of it.
            if (::lstat((path + "/" + name).c_str(), &info) != 0 || S_ISLNK(info.st_mode))
                continue;
            is_folder = S_ISDIR(info.st_mode);
        }
        entries.emplace_back(name, is_folder);
    }
    ::closedir(directory);
    for (const auto& [name, is_folder] : entries) {
        std::string child = relative.empty() ? name : relative + "/" + name;
        if (is_folder) {
            folders.insert(model_key(tree, child));
            SC_TRY(read_folder(root, child, tree, model, files, folders));
        } else {
            files[model_key(tree, child)] = SC_TRY(files::read(root + "/" + child));
        }
    }
    return {};
}

}  // namespace

Result<TreeModel> TreeModel::read_live(const tasks::TreeRoots& roots) {
    TreeModel model;
    for (auto tree : {tasks::TreeKind::store, tasks::TreeKind::project_local}) {
        const std::string& root = tree == tasks::TreeKind::store ? roots.store : roots.project_local;
        if (root.empty() || !files::is_directory(root))
            continue;
        SC_TRY(read_folder(root, "", tree, model, model.m_files, model.m_folders));
    }
    return model;
}

Status TreeModel::write_to(const std::string& directory) const {
    SC_TRY(files::make_directories(directory, 0755));
    auto target = [&](const std::string& key) {
        size_t colon = key.find(':');
        std::string tree = key.substr(0, colon);
        std::string path = key.substr(colon + 1);
        return tree == tasks::to_string(tasks::TreeKind::store) ? directory + "/" + path
                                                                : directory + "/.tasks-local/" + path;
    };
    if (std::any_of(m_files.begin(), m_files.end(),
                    [](const auto& file) { return !text::starts_with(file.first, "store:"); }))
        SC_TRY(files::make_directories(directory + "/.tasks-local", 0755));
    for (const std::string& folder : m_folders)
        SC_TRY(files::make_directories(target(folder), 0755));
    for (const auto& [key, content] : m_files)
        SC_TRY(files::create_exclusive(target(key), content, 0644));
    return {};
}

namespace {

// Why two versions of a file differ, for a person: where, and when the live file is not UTF-8
// (an event written by an older `sc` stored such bytes as U+FFFD, so that file can never match
// what it recorded; the next command records the file as it is, in base64).
std::string content_difference(const std::string& recorded, const std::string& live) {
    size_t at = 0;
    while (at < recorded.size() && at < live.size() && recorded[at] == live[at])
        ++at;
    std::string why = " (from byte " + std::to_string(at) + "; events: " + std::to_string(recorded.size()) +
                      " bytes, live: " + std::to_string(live.size()) + " bytes";
    size_t bad = 0;
    if (!text::is_valid_utf8(live, &bad))
        why += "; the live file is not valid UTF-8 at byte " + std::to_string(bad);
    return why + ")";
}

}  // namespace

std::vector<std::string> TreeModel::differences(const TreeModel& live) const {
    std::vector<std::string> lines;
    for (const auto& [key, content] : m_files) {
        auto found = live.m_files.find(key);
        if (found == live.m_files.end())
            lines.push_back("only in events: " + key);
        else if (found->second != content)
            lines.push_back("content differs: " + key + content_difference(content, found->second));
    }
    for (const auto& [key, content] : live.m_files)
        if (m_files.count(key) == 0)
            lines.push_back("only in live tree: " + key);
    for (const std::string& folder : m_folders)
        if (live.m_folders.count(folder) == 0)
            lines.push_back("folder only in events: " + folder);
    for (const std::string& folder : live.m_folders)
        if (m_folders.count(folder) == 0)
            lines.push_back("folder only in live tree: " + folder);
    return lines;
}

}  // namespace sc::observe
