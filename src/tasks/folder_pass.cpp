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
    m_stats.push_back({static_cast<uint32_t>(m_paths.size()), static_cast<uint32_t>(key.size()),
                       static_cast<uint64_t>(info.st_ino), static_cast<uint64_t>(info.st_nlink), info.st_mtim,
                       info.st_ctim});
    m_paths += key;
}

bool FolderPass::find(std::string_view root, std::string_view relative, struct stat& info) const {
    std::string whole;
    std::string_view key = relative;
    if (root != m_root) {
        whole.assign(root).append(1, '/').append(relative);
        key = whole;
    }
    const Kept* found = nullptr;
    if (!m_sorted) {
        // Kept out of order (a `.tasks/` tree beside the store's): looked through, the latest
        // stat of a folder first.
        for (auto kept = m_stats.rbegin(); kept != m_stats.rend() && found == nullptr; ++kept)
            if (path_of(*kept) == key)
                found = &*kept;
    } else if (m_next < m_stats.size() && path_of(m_stats[m_next]) == key) {
        found = &m_stats[m_next++];
    } else {
        auto at =
            std::lower_bound(m_stats.begin(), m_stats.end(), key,
                             [this](const Kept& kept, std::string_view wanted) { return path_of(kept) < wanted; });
        if (at != m_stats.end() && path_of(*at) == key) {
            found = &*at;
            m_next = static_cast<size_t>(at - m_stats.begin()) + 1;
        }
    }
    if (found == nullptr)
        return false;
    info = {};
    info.st_mode = S_IFDIR;  // only folders are kept
    info.st_ino = static_cast<ino_t>(found->inode);
    info.st_nlink = static_cast<nlink_t>(found->links);
    info.st_mtim = found->mtime;
    info.st_ctim = found->ctime;
    return true;
}

}  // namespace sc::tasks
