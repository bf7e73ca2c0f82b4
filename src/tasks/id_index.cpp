#include "tasks/id_index.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "tasks/layout.hpp"
#include "tasks/listing_cache_identity.hpp"  // generated: a digest of the task reading code
#include "util/files.hpp"

#ifndef SC_VERSION_STRING
#define SC_VERSION_STRING "unknown"
#endif

namespace sc::tasks {

namespace {

// Bump the format when the file's layout changes. The version and the digest of the task core
// (the code that turns a file name into ids) change by themselves: an index written by another
// build, which might read names differently, is rebuilt, never read.
constexpr std::string_view k_header =
    "# scopecraft id index, format 1, sc " SC_VERSION_STRING " " SC_LISTING_CACHE_IDENTITY
    " (derived from the task folders; safe to delete)\n";
constexpr const char* k_file_name = ".sc-id-index";
// Names end in NUL, the one byte no file name holds: a name with a newline round-trips.
constexpr char k_end = '\0';

// Records (numbers in decimal, each header line ending in '\n'):
//   F <key bytes> <mtime ns> <ctime ns> <inode> <links> <flags> <ids bytes> <folders bytes>
//     <key>\n<ids><folders>          a folder: its ids (sorted) and subfolders, each name ending
//                                    in NUL;
//                                    flags: 1 a parent's folder (`_overview.md`), 2 it holds
//                                    temporaries (files::temporary_owner)
//   A <key bytes> <mtime ns> <ctime ns> <inode> <links> <ids bytes>
//     <key>\n<ids>                   sc created these ids in the folder; its stamps are now these
//   X <key bytes>\n<key>\n           the folder is to be listed again
//   C <records in this save>         commit; records after the last commit are not read
struct Cursor {
    std::string_view text;
    size_t position = 0;

    template <class Number>
    bool number(Number& value, char after) {
        const char* begin = text.data() + position;
        const char* end = text.data() + text.size();
        auto [next, error] = std::from_chars(begin, end, value);
        if (error != std::errc() || next == end || *next != after)
            return false;
        position = static_cast<size_t>(next - text.data()) + 1;
        return true;
    }
    bool bytes(size_t length, std::string_view& value) {
        if (text.size() - position < length)
            return false;
        value = text.substr(position, length);
        position += length;
        return true;
    }
    bool stamp(FolderStamp& stamp) {
        return number(stamp.mtime_nanos, ' ') && number(stamp.ctime_nanos, ' ') && number(stamp.inode, ' ') &&
               number(stamp.links, ' ');
    }
};

void append_number(std::string& out, int64_t value, char after) {
    char buffer[24];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)error;
    out.append(buffer, end);
    out += after;
}

void append_stamp(std::string& out, const FolderStamp& stamp) {
    append_number(out, stamp.mtime_nanos, ' ');
    append_number(out, stamp.ctime_nanos, ' ');
    append_number(out, static_cast<int64_t>(stamp.inode), ' ');
    append_number(out, static_cast<int64_t>(stamp.links), ' ');
}

/// A block of names, each ending in NUL (empty or ending in NUL: anything else is damage).
bool well_formed(std::string_view block) {
    return block.empty() || block.back() == k_end;
}

/// Calls `on_id` for each name of `block` starting with `prefix` (every name when it is empty).
/// A folder's block is sorted: the names with the prefix are found by a binary search over the
/// bytes (a step backs up to the start of the name it lands in), so a create reads a few pages
/// of a folder of 10,000 tasks instead of all of them.
void scan_sorted(std::string_view block, std::string_view prefix, const std::function<void(std::string_view)>& on_id) {
    size_t low = 0;
    size_t high = block.size();
    while (!prefix.empty() && low < high) {
        size_t middle = low + (high - low) / 2;
        size_t start = middle == 0 ? 0 : block.rfind(k_end, middle - 1);
        start = start == std::string_view::npos || middle == 0 ? 0 : start + 1;
        if (start < low)
            start = low;
        size_t end = block.find(k_end, start);
        if (block.substr(start, end - start) < prefix)
            low = end + 1;
        else
            high = start;
    }
    for (size_t at = low; at < block.size();) {
        size_t end = block.find(k_end, at);
        std::string_view name = block.substr(at, end - at);
        if (name.substr(0, prefix.size()) != prefix)
            break;
        on_id(name);
        at = end + 1;
    }
}

/// The same for a block in no order (the ids sc created since a folder's record was written).
void scan_unsorted(std::string_view block, std::string_view prefix,
                   const std::function<void(std::string_view)>& on_id) {
    for (size_t at = 0; at < block.size();) {
        size_t end = block.find(k_end, at);
        std::string_view name = block.substr(at, end - at);
        if (name.substr(0, prefix.size()) == prefix)
            on_id(name);
        at = end + 1;
    }
}

/// The names of `blocks` as one sorted block.
std::string sorted_block(const std::vector<std::string_view>& blocks) {
    std::vector<std::string_view> names;
    for (std::string_view block : blocks)
        scan_unsorted(block, {}, [&names](std::string_view name) { names.push_back(name); });
    std::sort(names.begin(), names.end());
    std::string out;
    for (std::string_view name : names) {
        out += name;
        out += k_end;
    }
    return out;
}

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

std::string IdIndex::path_for(const std::string& store_root) {
    return store_root + "/" + k_file_name;
}

std::string_view IdIndex::header() {
    return k_header;
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
    return *this;
}

void IdIndex::load() {
    m_rewrite = true;
    int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;  // none yet: rebuilt
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size < static_cast<off_t>(k_header.size())) {
        ::close(fd);
        return;
    }
    void* map = ::mmap(nullptr, static_cast<size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED)
        return;
    m_map = static_cast<const char*>(map);
    m_map_size = static_cast<size_t>(info.st_size);
    m_inode = static_cast<uint64_t>(info.st_ino);
    Cursor cursor {std::string_view(m_map, m_map_size), 0};
    if (cursor.text.substr(0, k_header.size()) != k_header)
        return;  // another format or another build of sc
    cursor.position = k_header.size();
    m_committed = cursor.position;
    // A save's records take effect at its commit: what follows the last commit (a save cut
    // short, or damage) is not read, and the next save writes the file whole.
    struct Pending {
        char kind;
        std::string_view key;
        Stored record;
    };
    std::vector<Pending> pending;
    // About one record per 2 KB at 10,000 tasks: room for them at once, not a rehash per doubling.
    pending.reserve(m_map_size / 2048 + 16);
    m_stored.reserve(m_map_size / 2048 + 16);
    while (cursor.position + 2 <= m_map_size && cursor.text[cursor.position + 1] == ' ') {
        char kind = cursor.text[cursor.position];
        cursor.position += 2;
        if (kind == 'C') {
            size_t count = 0;
            if (!cursor.number(count, '\n') || count != pending.size())
                break;
            for (Pending& record : pending) {
                if (record.kind == 'F') {
                    m_stored.insert_or_assign(record.key, std::move(record.record));
                } else if (record.kind == 'X') {
                    m_stored.erase(record.key);
                } else if (auto found = m_stored.find(record.key); found != m_stored.end()) {
                    found->second.stamp = record.record.stamp;
                    found->second.added.push_back(record.record.ids);
                }
            }
            m_records_on_disk += count;
            pending.clear();
            m_committed = cursor.position;
            continue;
        }
        Pending record {kind, {}, {}};
        size_t key_length = 0;
        size_t ids_length = 0;
        size_t folders_length = 0;
        int flags = 0;
        bool ok = false;
        if (kind == 'F')
            ok = cursor.number(key_length, ' ') && cursor.stamp(record.record.stamp) && cursor.number(flags, ' ') &&
                 cursor.number(ids_length, ' ') && cursor.number(folders_length, '\n');
        else if (kind == 'A')
            ok = cursor.number(key_length, ' ') && cursor.stamp(record.record.stamp) && cursor.number(ids_length, '\n');
        else if (kind == 'X')
            ok = cursor.number(key_length, '\n');
        std::string_view newline;
        ok = ok && cursor.bytes(key_length, record.key) && cursor.bytes(1, newline) && newline == "\n" &&
             cursor.bytes(ids_length, record.record.ids) && cursor.bytes(folders_length, record.record.folders) &&
             well_formed(record.record.ids) && well_formed(record.record.folders) && flags >= 0 && flags <= 3;
        if (!ok)
            break;
        record.record.parent = (flags & 1) != 0;
        record.record.temporaries = (flags & 2) != 0;
        pending.push_back(std::move(record));
    }
    m_rewrite = m_committed != m_map_size;
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
    struct stat info {};
    if (::fstatat(root_fd, relative.c_str(), &info, 0) != 0 || !S_ISDIR(info.st_mode))
        return nullptr;
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
    for (const char* workflow : {"current", "backlog", "archive"}) {
        Folder* top = visit_folder(root_fd, letter, workflow, margin);
        if (top == nullptr)
            continue;
        bool archive = std::string_view(workflow) == "archive";
        std::string_view names = top->folders;
        for (size_t at = 0; at < names.size();) {
            size_t end = names.find(k_end, at);
            std::string_view name = names.substr(at, end - at);
            at = end + 1;
            std::string relative = std::string(workflow) + "/" + std::string(name);
            Folder* inner = visit_folder(root_fd, letter, relative, margin);
            if (inner == nullptr || !archive || !is_month_folder(name))
                continue;
            std::string_view tasks = inner->folders;  // an archive month: its task folders
            for (size_t at_task = 0; at_task < tasks.size();) {
                size_t end_task = tasks.find(k_end, at_task);
                (void)visit_folder(root_fd, letter,
                                   relative + "/" + std::string(tasks.substr(at_task, end_task - at_task)), margin);
                at_task = end_task + 1;
            }
        }
    }
    ::close(root_fd);
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

namespace {

void append_folder_record(std::string& out, std::string_view key, const FolderStamp& stamp, int flags,
                          std::string_view ids, const std::vector<std::string>& added, std::string_view folders) {
    std::string merged;
    if (!added.empty()) {  // a folder's ids are stored sorted (scan_sorted)
        std::vector<std::string_view> blocks {ids};
        blocks.insert(blocks.end(), added.begin(), added.end());
        merged = sorted_block(blocks);
        ids = merged;
    }
    out += "F ";
    append_number(out, static_cast<int64_t>(key.size()), ' ');
    append_stamp(out, stamp);
    append_number(out, flags, ' ');
    append_number(out, static_cast<int64_t>(ids.size()), ' ');
    append_number(out, static_cast<int64_t>(folders.size()), '\n');
    out += key;
    out += '\n';
    out += ids;
    out += folders;
}

}  // namespace

Status IdIndex::save() {
    if (m_root.empty())
        return {};
    size_t live = 0;
    size_t new_records = m_forgotten.size();
    for (const Folder& folder : m_folders) {
        live += folder.storable ? 1 : 0;
        new_records += folder.storable && folder.changed ? 1 : 0;
    }
    if (new_records == 0 && !m_rewrite)
        return {};
    bool append = !m_rewrite && m_records_on_disk + new_records <= 2 * live + 64;
    if (append) {
        // Only after the save this index loaded, with nothing after it: otherwise whole.
        struct stat info {};
        append = ::stat(m_path.c_str(), &info) == 0 && static_cast<uint64_t>(info.st_ino) == m_inode &&
                 static_cast<size_t>(info.st_size) == m_committed;
    }
    if (!append)
        return rewrite();
    std::string out;
    for (const Folder& folder : m_folders) {
        if (!folder.storable || !folder.changed)
            continue;
        if (folder.listed) {
            append_folder_record(out, folder.key, folder.stamp, folder.flags(), folder.ids, folder.added,
                                 folder.folders);
            continue;
        }
        // Taken from the index, then created in by sc: only the new ids and stamps.
        std::string ids;
        for (size_t i = folder.stored_added; i < folder.added.size(); ++i)
            ids += folder.added[i];
        out += "A ";
        append_number(out, static_cast<int64_t>(folder.key.size()), ' ');
        append_stamp(out, folder.stamp);
        append_number(out, static_cast<int64_t>(ids.size()), '\n');
        out += folder.key;
        out += '\n';
        out += ids;
    }
    for (const std::string& key : m_forgotten) {
        out += "X ";
        append_number(out, static_cast<int64_t>(key.size()), '\n');
        out += key;
        out += '\n';
    }
    out += "C ";
    append_number(out, static_cast<int64_t>(new_records), '\n');
    if (!files::append_existing(m_path, out).ok())
        return rewrite();  // part of it may be on disk: written whole
    m_records_on_disk += new_records;
    m_committed += out.size();
    for (Folder& folder : m_folders) {
        folder.changed = false;
        folder.stored_added = folder.added.size();
    }
    m_forgotten.clear();
    return {};
}

void IdIndex::remove_stale_temporaries() const {
    // A rewrite killed before its rename leaves its temporary; hidden, so no walk of the tree
    // meets it: the next create removes those whose owner has ended (the tree's root holds a
    // handful of names, so this is one short read).
    if (DIR* directory = ::opendir(m_root.c_str())) {
        std::string prefix = std::string(k_file_name) + ".tmp-";
        while (dirent* entry = ::readdir(directory))
            if (std::string_view(entry->d_name).substr(0, prefix.size()) == prefix)
                (void)files::remove_if_stale_temporary(m_root, entry->d_name);
        ::closedir(directory);
    }
}

Status IdIndex::rewrite() {
    std::string temporary = m_path + ".tmp-" + std::to_string(::getpid()) + "-0";
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return files::from_errno(errno, "writing the id index", temporary);
    Status status;
    std::string out(k_header);
    size_t records = 0;
    for (const Folder& folder : m_folders) {
        if (!folder.storable)
            continue;
        append_folder_record(out, folder.key, folder.stamp, folder.flags(), folder.ids, folder.added, folder.folders);
        ++records;
        if (out.size() >= (size_t {1} << 20)) {
            if (status.ok())
                status = files::write_all(fd, out, temporary);
            out.clear();
        }
    }
    out += "C ";
    append_number(out, static_cast<int64_t>(records), '\n');
    if (status.ok())
        status = files::write_all(fd, out, temporary);
    if (::close(fd) != 0 && status.ok())
        status = files::from_errno(errno, "writing the id index", temporary);
    if (status.ok() && ::rename(temporary.c_str(), m_path.c_str()) != 0)
        status = files::from_errno(errno, "replacing the id index", m_path);
    if (!status.ok()) {
        ::unlink(temporary.c_str());
        return status;
    }
    // The views still point into the old mapping, valid until this index goes; a second save
    // in the same process writes whole again.
    m_rewrite = true;
    for (Folder& folder : m_folders)
        folder.changed = false;
    m_forgotten.clear();
    return {};
}

}  // namespace sc::tasks
