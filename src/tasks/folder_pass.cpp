#include "tasks/folder_pass.hpp"

#include <algorithm>

#include "tasks/layout.hpp"

namespace sc::tasks {

namespace {

thread_local FolderPass* t_current = nullptr;

}  // namespace

FolderPass::FolderPass(const std::string& store_root) : m_root(store_root) {
    if (store_root.empty())
        return;
    Result<files::FileLock> lock = files::FileLock::acquire(store_root + "/" + std::string(k_lock_filename));
    if (!lock.ok())
        return;  // lock_tree() takes it again and says why it cannot
    m_lock.emplace(std::move(lock).value());
    m_previous = t_current;
    t_current = this;
    m_installed = true;
}

FolderPass::~FolderPass() {
    if (m_installed)
        t_current = m_previous;
}

FolderPass* FolderPass::current() {
    return t_current;
}

bool FolderPass::holds_lock(const std::string& store_root) {
    for (FolderPass* pass = t_current; pass != nullptr; pass = pass->m_previous)
        if (pass->m_root == store_root)
            return true;
    return false;
}

namespace {

/// `path` relative to `root` when it lies inside it, else unchanged (absolute: never equal to
/// a relative one).
std::string_view inside(std::string_view root, std::string_view path) {
    if (!root.empty() && path.size() > root.size() + 1 && path[root.size()] == '/' &&
        path.compare(0, root.size(), root) == 0)
        return path.substr(root.size() + 1);
    return path;
}

}  // namespace

void FolderPass::keep(std::string_view path, const struct stat& info) {
    if (!S_ISDIR(info.st_mode))
        return;
    std::string_view key = inside(m_root, path);
    if (m_sorted && !m_stats.empty() && !(path_of(m_stats.back()) < key))
        m_sorted = false;
    m_stats.push_back({m_paths.size(), key.size(), info});
    m_paths += key;
}

const struct stat* FolderPass::find(std::string_view root, std::string_view relative) const {
    std::string whole;
    std::string_view key = relative;
    if (root != m_root) {
        whole.assign(root).append(1, '/').append(relative);
        key = whole;
    }
    if (!m_sorted) {
        // Kept out of order (a `.tasks/` tree beside the store's): looked through, the latest
        // stat of a folder first.
        for (auto kept = m_stats.rbegin(); kept != m_stats.rend(); ++kept)
            if (path_of(*kept) == key)
                return &kept->info;
        return nullptr;
    }
    if (m_next < m_stats.size() && path_of(m_stats[m_next]) == key)
        return &m_stats[m_next++].info;
    auto found = std::lower_bound(m_stats.begin(), m_stats.end(), key,
                                  [this](const Kept& kept, std::string_view wanted) { return path_of(kept) < wanted; });
    if (found == m_stats.end() || path_of(*found) != key)
        return nullptr;
    m_next = static_cast<size_t>(found - m_stats.begin()) + 1;
    return &found->info;
}

}  // namespace sc::tasks
