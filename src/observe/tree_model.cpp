#include "observe/tree_model.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>

#include "tasks/task_tree.hpp"
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
    return apply_file_changes_to(m_files, m_folders, changes, model_content);
}

namespace {
constexpr std::string_view k_oversized_tag {"\0sc-oversized-file ", 20};
}  // namespace

std::string oversized_entry(uint64_t size) {
    return std::string(k_oversized_tag) + std::to_string(size);
}

std::optional<uint64_t> oversized_size(const std::string& content) {
    if (content.size() > k_oversized_tag.size() + 20 || !text::starts_with(content, k_oversized_tag))
        return std::nullopt;
    uint64_t size = 0;
    const char* begin = content.data() + k_oversized_tag.size();
    const char* end = content.data() + content.size();
    auto [next, error] = std::from_chars(begin, end, size);
    if (error != std::errc() || next != end || begin == end)
        return std::nullopt;
    return size;
}

std::vector<std::pair<std::string, uint64_t>> TreeModel::oversized() const {
    std::vector<std::pair<std::string, uint64_t>> found;
    for (const auto& [key, content] : m_files)
        if (std::optional<uint64_t> size = oversized_size(content))
            found.emplace_back(key, *size);
    return found;
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
            // Not read whole past the limit: a 50 MB file would otherwise be held by --verify.
            struct stat info {};
            std::string file = root + "/" + child;
            if (::stat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
                static_cast<uint64_t>(info.st_size) > tasks::k_max_task_file_bytes)
                files[model_key(tree, child)] = oversized_entry(static_cast<uint64_t>(info.st_size));
            else
                files[model_key(tree, child)] = SC_TRY(files::read(file));
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
        if (!oversized_size(content))
            SC_TRY(files::create_exclusive(target(key), content, 0644));
    return {};
}

namespace {

// Why two versions of a file differ, for a person: where, and when the live file is not UTF-8
// (an event written by an older `sc` stored such bytes as U+FFFD, so that file can never match
// what it recorded; the next command records the file as it is, in base64).
std::string content_difference(const std::string& recorded, const std::string& live) {
    if (oversized_size(recorded) || oversized_size(live)) {
        auto described = [](const std::string& content) {
            std::optional<uint64_t> size = oversized_size(content);
            return size ? std::to_string(*size) + " bytes, over 8 MiB, content not recorded"
                        : std::to_string(content.size()) + " bytes";
        };
        return " (events: " + described(recorded) + "; live: " + described(live) + ")";
    }
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
