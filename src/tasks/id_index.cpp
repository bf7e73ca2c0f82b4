#include "tasks/id_index.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "tasks/folder_pass.hpp"
#include "tasks/id_index_blocks.hpp"
#include "tasks/layout.hpp"
#include "util/files.hpp"

namespace sc::tasks {

namespace {

using namespace id_blocks;

/// The file system's clock: touching the lock file gives the timestamp any change made from now
/// on gets at the earliest (docs/layout.md, "The listing cache"). -1 when it cannot be read.
int64_t file_system_now(const std::string& root) {
    std::string lock = root + "/" + std::string(k_lock_filename);
    int fd = ::open(lock.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    // Twice: where the kernel keeps multigrain timestamps (Linux 6.13 and later on ext4, XFS,
    // Btrfs and tmpfs), a change made right after its stamp was read gets a fine-grained stamp,
    // and every stamp given after it is at least as late. The first touch and read set the lock
    // file's stamp to the current tick, so the second gives a stamp inside the tick: folders
    // changed earlier in the tick (this command's own create) are then older than the
    // reference, and no later change can share their stamps. Elsewhere both touches give the
    // tick itself, and what changed within it is listed again, as a single touch would have it.
    struct stat info {};
    int64_t now = -1;
    for (int touch = 0; touch < 2; ++touch) {
        if (::futimens(fd, nullptr) != 0 || ::fstat(fd, &info) != 0) {
            now = -1;
            break;
        }
        FolderStamp stamp = FolderStamp::of(info);
        now = std::max<int64_t>(1, std::min(stamp.ctime_nanos, stamp.mtime_nanos));
    }
    ::close(fd);
    return now;
}

bool older_than(const FolderStamp& stamp, int64_t reference, int64_t margin) {
    return reference > 0 && std::max(stamp.mtime_nanos, stamp.ctime_nanos) < reference - margin;
}

void append_ids_of(std::string& out, std::string_view filename) {
    std::optional<TaskFileName> name = parse_task_filename(filename);
    if (!name)
        return;
    out += name->id;
    out += k_end;
    if (!name->sequence.empty()) {  // found by its id without `NN_` too (ids_in_use)
        out += name->base_id;
        out += k_end;
    }
}

// A `.tasks/` tree may sit on another file system than the lock file that stamps the reference
// time: its folders need two seconds more of age (FAT's granularity), as in the listing cache.
constexpr int64_t k_other_tree_margin_nanos = 2'000'000'000;

}  // namespace

FolderStamp FolderStamp::of(const struct stat& info) {
    FolderStamp stamp;
    stamp.mtime_nanos = static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    stamp.ctime_nanos = static_cast<int64_t>(info.st_ctim.tv_sec) * 1'000'000'000 + info.st_ctim.tv_nsec;
    stamp.inode = static_cast<uint64_t>(info.st_ino);
    stamp.links = static_cast<uint64_t>(info.st_nlink);
    return stamp;
}

IdIndex IdIndex::open(const TaskTree& tree, Options options) {
    IdIndex index;
    index.m_root = tree.store().path;
    index.m_path = path_for(index.m_root);
    index.m_given_reference = options.reference_nanos;
    index.remove_stale_temporaries();
    index.load();
    index.m_by_key.reserve(index.m_stored.size() + 16);
    for (const TreeRoot& root : tree.roots()) {
        bool store = root.kind == TreeKind::store;
        if (!store)
            index.m_local_root = root.path;
        index.walk(root, store ? 's' : 'l', store ? 0 : k_other_tree_margin_nanos);
    }
    return index;
}

IdIndex::~IdIndex() {
    if (m_map != nullptr)
        ::munmap(const_cast<char*>(m_map), m_map_size);
}

IdIndex::IdIndex(IdIndex&& other) noexcept {
    *this = std::move(other);
}

IdIndex& IdIndex::operator=(IdIndex&& other) noexcept {
    if (this == &other)
        return *this;
    if (m_map != nullptr)
        ::munmap(const_cast<char*>(m_map), m_map_size);
    m_root = std::move(other.m_root);
    m_local_root = std::move(other.m_local_root);
    m_path = std::move(other.m_path);
    m_map = std::exchange(other.m_map, nullptr);
    m_map_size = std::exchange(other.m_map_size, 0);
    m_inode = other.m_inode;
    m_committed = other.m_committed;
    m_records_on_disk = other.m_records_on_disk;
    m_rewrite = other.m_rewrite;
    m_stored = std::move(other.m_stored);
    // The folders' views point into their own strings (deque elements never move) or the map.
    m_folders = std::move(other.m_folders);
    m_by_key = std::move(other.m_by_key);
    m_forgotten = std::move(other.m_forgotten);
    m_reference = other.m_reference;
    m_given_reference = other.m_given_reference;
    m_listed = other.m_listed;
    m_stats_passed = other.m_stats_passed;
    return *this;
}

int64_t IdIndex::clock_after_change() const {
    return m_given_reference != 0 ? m_given_reference : file_system_now(m_root);
}

bool IdIndex::settled(const FolderStamp& stamp, int64_t now, char letter) {
    return older_than(stamp, now, letter == 's' ? 0 : k_other_tree_margin_nanos);
}

int64_t IdIndex::reference() {
    if (m_given_reference != 0)
        return m_given_reference;
    if (m_reference == 0)
        m_reference = file_system_now(m_root);
    return m_reference;
}

bool IdIndex::list_folder(int root_fd, const std::string& relative, Folder& folder, bool task_folder) {
    // The reference first, then the folder's stamps, then its names: a change made after the
    // reference gets stamps at or after it, so a folder stored as older cannot have changed
    // since its names were read without its stamps showing it.
    (void)reference();
    int fd = ::openat(root_fd, relative.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        ::close(fd);
        return false;
    }
    DIR* directory = ::fdopendir(fd);
    if (directory == nullptr) {
        ::close(fd);
        return false;
    }
    folder.stamp = FolderStamp::of(info);
    while (dirent* entry = ::readdir(directory)) {
        if (entry->d_name[0] == '.')
            continue;  // hidden: ours (the lock, the caches), never tasks (read_folder skips them)
        unsigned char type = entry->d_type;
        if (type == DT_UNKNOWN) {
            struct stat entry_info {};
            if (::fstatat(::dirfd(directory), entry->d_name, &entry_info, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            type = S_ISREG(entry_info.st_mode) ? DT_REG : S_ISDIR(entry_info.st_mode) ? DT_DIR : DT_LNK;
        }
        std::string_view name(entry->d_name);
        if (type == DT_REG) {
            if (task_folder && name == k_overview_file_name)
                folder.parent = true;
            if (files::temporary_owner(name) != 0)
                folder.temporaries = true;
            append_ids_of(folder.owned_ids, name);
        } else if (type == DT_DIR && !task_folder) {
            folder.owned_folders += name;
            folder.owned_folders += k_end;
        }
    }
    ::closedir(directory);
    folder.owned_ids = sorted_block({folder.owned_ids});
    // Sorted too: the walk then visits a folder's subfolders in the order the folder pass keeps
    // them (FolderPass::find's hint), whatever order the file system lists them in.
    folder.owned_folders = sorted_block({folder.owned_folders});
    folder.ids = folder.owned_ids;
    folder.folders = folder.owned_folders;
    return true;
}

IdIndex::Folder* IdIndex::visit_folder(int root_fd, char letter, const std::string& relative, int64_t margin) {
    // Task folders sit inside workflow folders and archive months; they are not looked into
    // further (Scanner::scan_task_folder).
    size_t depth = static_cast<size_t>(std::count(relative.begin(), relative.end(), '/'));
    bool task_folder = depth == 2 || (depth == 1 && !(relative.compare(0, 8, "archive/") == 0 &&
                                                      is_month_folder(std::string_view(relative).substr(8))));
    // Stat-ed already by this operation's folder pass (the outside-edit check's scope), under
    // the lock this index is used under: taken from there, not stat-ed twice.
    struct stat info {};
    FolderPass* pass = FolderPass::current();
    bool passed = pass != nullptr && pass->find(m_walk_root, relative, info);
    if (!passed && (::fstatat(root_fd, relative.c_str(), &info, 0) != 0 || !S_ISDIR(info.st_mode)))
        return nullptr;
    m_stats_passed += passed ? 1 : 0;
    FolderStamp stamp = FolderStamp::of(info);
    Folder& folder = m_folders.emplace_back();
    folder.key.reserve(2 + relative.size());
    folder.key.append(1, letter).append(1, ':').append(relative);
    m_by_key.emplace(folder.key, m_folders.size() - 1);
    auto stored = m_stored.find(folder.key);
    if (stored != m_stored.end() && stored->second.stamp == stamp) {
        folder.stamp = stamp;
        folder.parent = stored->second.parent;
        folder.temporaries = stored->second.temporaries;
        folder.ids = stored->second.ids;
        folder.folders = stored->second.folders;
        for (std::string_view added : stored->second.added)
            folder.added.emplace_back(added);
        folder.stored_added = folder.added.size();
        folder.storable = true;
        folder.known = true;
        return &folder;
    }
    folder.listed = true;
    folder.changed = true;
    ++m_listed;
    if (!list_folder(root_fd, relative, folder, task_folder)) {
        folder.storable = false;
        return &folder;
    }
    folder.known = true;
    folder.storable = older_than(folder.stamp, reference(), margin);
    return &folder;
}

void IdIndex::walk(const TreeRoot& root, char letter, int64_t margin) {
    int root_fd = ::open(root.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return;  // no tree: no ids
    m_walk_root = root.path;
    for (const char* workflow : {"current", "backlog", "archive"}) {
        Folder* top = visit_folder(root_fd, letter, workflow, margin);
        if (top == nullptr)
            continue;
        bool archive = std::string_view(workflow) == "archive";
        std::string_view names = top->folders;
        std::string relative;  // one buffer each for every folder's path (no string a folder)
        std::string task_path;
        for (size_t at = 0; at < names.size();) {
            size_t end = names.find(k_end, at);
            std::string_view name = names.substr(at, end - at);
            at = end + 1;
            relative.assign(workflow).append(1, '/').append(name);
            Folder* inner = visit_folder(root_fd, letter, relative, margin);
            if (inner == nullptr || !archive || !is_month_folder(name))
                continue;
            std::string_view tasks = inner->folders;  // an archive month: its task folders
            for (size_t at_task = 0; at_task < tasks.size();) {
                size_t end_task = tasks.find(k_end, at_task);
                task_path.assign(relative).append(1, '/').append(tasks.substr(at_task, end_task - at_task));
                (void)visit_folder(root_fd, letter, task_path, margin);
                at_task = end_task + 1;
            }
        }
    }
    ::close(root_fd);
    m_walk_root = {};
}

void IdIndex::visit(std::string_view prefix, const std::function<void(std::string_view)>& on_id) const {
    for (const Folder& folder : m_folders) {
        if (folder.parent) {
            std::string_view name = std::string_view(folder.key).substr(folder.key.rfind('/') + 1);
            if (name.substr(0, prefix.size()) == prefix)
                on_id(name);
        }
        scan_sorted(folder.ids, prefix, on_id);
        for (const std::string& added : folder.added)
            scan_unsorted(added, prefix, on_id);
    }
}

void IdIndex::created(std::string_view relative_path) {
    size_t slash = relative_path.rfind('/');
    if (slash == std::string_view::npos || m_root.empty())
        return;
    std::string key = "s:" + std::string(relative_path.substr(0, slash));
    auto found = m_by_key.find(key);
    if (found == m_by_key.end())
        return;  // a folder this create made: listed next time
    Folder& folder = m_folders[found->second];
    if (!folder.storable)
        return;  // not known to be whole before the create: listed next time
    // The folder held the known names when open() checked it, and sc holds the tree lock, so the
    // create is the one change sc made since; its new stamps are kept only when older than a
    // clock read now (a later change gets later stamps), else it is listed again next time.
    int64_t now = m_given_reference != 0 ? m_given_reference : file_system_now(m_root);
    struct stat info {};
    std::string path = m_root + "/" + key.substr(2);
    FolderStamp stamp;
    if (::stat(path.c_str(), &info) == 0)
        stamp = FolderStamp::of(info);
    // A file adds no link; a folder made meanwhile by a writer that does not lock does.
    if (stamp.inode != folder.stamp.inode || stamp.links != folder.stamp.links || !older_than(stamp, now, 0)) {
        folder.storable = false;
        return;
    }
    std::string ids;
    append_ids_of(ids, relative_path.substr(slash + 1));
    if (ids.empty())
        return;
    folder.stamp = stamp;
    folder.changed = true;
    folder.added.push_back(std::move(ids));
}

bool IdIndex::without_temporaries(std::string_view relative_folder) const {
    auto found = m_by_key.find("s:" + std::string(relative_folder));
    return found != m_by_key.end() && m_folders[found->second].known && !m_folders[found->second].temporaries;
}

void IdIndex::forget(std::string_view relative_folder) {
    std::string key = "s:" + std::string(relative_folder);
    if (auto found = m_by_key.find(key); found != m_by_key.end()) {
        m_folders[found->second].storable = false;
        m_folders[found->second].changed = false;
    }
    m_forgotten.push_back(std::move(key));
}

}  // namespace sc::tasks
