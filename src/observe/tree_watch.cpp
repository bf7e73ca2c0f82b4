#include "observe/tree_watch.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <unordered_map>
#include <utility>

#include "observe/tree_model.hpp"

#ifdef __linux__
#include <sys/inotify.h>
#endif

namespace sc::observe {

namespace {

class PollingWatch final : public TreeWatch {
public:
    explicit PollingWatch(tasks::TreeRoots roots) : m_roots(std::move(roots)) {}
    TreeChanges drain() override { return TreeChanges {}; }
    [[nodiscard]] const tasks::TreeRoots& roots() const override { return m_roots; }

private:
    tasks::TreeRoots m_roots;
};

#ifdef __linux__

// What a folder's watch reports: entries created, written, renamed or removed in it, and the
// folder itself going away.
constexpr uint32_t k_events = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE |
                              IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

class InotifyWatch final : public TreeWatch {
public:
    explicit InotifyWatch(tasks::TreeRoots roots) : m_roots(std::move(roots)) {}
    ~InotifyWatch() override { close_fd(); }
    InotifyWatch(const InotifyWatch&) = delete;
    InotifyWatch& operator=(const InotifyWatch&) = delete;

    /// Watches every folder of the trees as they are now; false when inotify refuses.
    bool arm() {
        close_fd();
        m_folders.clear();
        m_incomplete = false;
        m_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (m_fd < 0)
            return false;
        for (auto kind : {tasks::TreeKind::store, tasks::TreeKind::project_local}) {
            const std::string& root = kind == tasks::TreeKind::store ? m_roots.store : m_roots.project_local;
            if (!root.empty() && !add(kind, root, ""))
                return false;
        }
        return true;
    }

    TreeChanges drain() override {
        TreeChanges changes;
        changes.anything = m_incomplete || m_fd < 0;
        alignas(struct inotify_event) char buffer[65536];
        while (!changes.anything) {
            ssize_t got = ::read(m_fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;  // EAGAIN: nothing more queued
            for (char* at = buffer; at < buffer + got;) {
                const auto* event = reinterpret_cast<const struct inotify_event*>(at);
                at += sizeof(struct inotify_event) + event->len;
                // A hidden entry (a tool's cache folder, the lock file) or a temporary of an
                // atomic write is no part of the tree (tree_model.cpp lists nothing under it, and
                // no folder under it is watched): not even a hidden folder made or removed is a
                // change. An overflow names nothing, so it is never skipped here.
                if (event->len > 0 && (event->mask & IN_Q_OVERFLOW) == 0 && is_ignored_name(event->name))
                    continue;
                if ((event->mask &
                     (IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_ISDIR)) != 0) {
                    changes.anything = true;  // a folder came or went, or events were lost
                    break;
                }
                if (event->len == 0)
                    continue;  // about the watched folder itself (its attributes)
                std::string name = event->name;
                auto folder = m_folders.find(event->wd);
                if (folder == m_folders.end()) {
                    changes.anything = true;
                    break;
                }
                const auto& [kind, relative] = folder->second;
                changes.files.insert(model_key(kind, relative.empty() ? name : relative + "/" + name));
            }
        }
        if (changes.anything) {
            changes.files.clear();
            // Re-armed before the owner checks the whole tree: whatever changes during that
            // check is queued on the new watch.
            arm();
        }
        return changes;
    }

    [[nodiscard]] const tasks::TreeRoots& roots() const override { return m_roots; }

private:
    void close_fd() {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

    /// Watches `relative` (a folder of the tree rooted at `root`) and the folders under it.
    bool add(tasks::TreeKind kind, const std::string& root, const std::string& relative) {
        std::string path = relative.empty() ? root : root + "/" + relative;
        int wd = ::inotify_add_watch(m_fd, path.c_str(), k_events | IN_ONLYDIR | IN_DONT_FOLLOW);
        if (wd < 0) {
            // Gone meanwhile, or no tree yet: answered with "anything" (and another try)
            // until it is there. Any other failure (fs.inotify.max_user_watches) gives up.
            if (errno == ENOENT || errno == ENOTDIR) {
                m_incomplete = true;
                return true;
            }
            return false;
        }
        m_folders[wd] = {kind, relative};
        DIR* directory = ::opendir(path.c_str());
        if (directory == nullptr) {
            m_incomplete = true;
            return true;
        }
        std::vector<std::string> folders;
        while (dirent* entry = ::readdir(directory)) {
            if (entry->d_name[0] == '.')
                continue;
            bool folder = entry->d_type == DT_DIR;
            if (entry->d_type == DT_UNKNOWN) {
                struct stat info {};
                folder = ::fstatat(::dirfd(directory), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 &&
                         S_ISDIR(info.st_mode);
            }
            if (folder)
                folders.push_back(relative.empty() ? entry->d_name : relative + "/" + entry->d_name);
        }
        ::closedir(directory);
        for (const std::string& folder : folders)
            if (!add(kind, root, folder))
                return false;
        return true;
    }

    tasks::TreeRoots m_roots;
    int m_fd = -1;
    bool m_incomplete = false;  // some folder could not be watched: every drain says "anything"
    std::unordered_map<int, std::pair<tasks::TreeKind, std::string>> m_folders;  // wd -> (tree, folder)
};

#endif

}  // namespace

std::unique_ptr<TreeWatch> TreeWatch::start(const tasks::TreeRoots& roots) {
#if SC_TREE_WATCH_INOTIFY
    if (std::unique_ptr<TreeWatch> watch = start_inotify(roots))
        return watch;
#endif
    return start_polling(roots);
}

std::unique_ptr<TreeWatch> TreeWatch::start_inotify(const tasks::TreeRoots& roots) {
#ifdef __linux__
    auto watch = std::make_unique<InotifyWatch>(roots);
    if (watch->arm())
        return watch;
#else
    (void)roots;
#endif
    return nullptr;
}

std::unique_ptr<TreeWatch> TreeWatch::start_polling(const tasks::TreeRoots& roots) {
    return std::make_unique<PollingWatch>(roots);
}

}  // namespace sc::observe
