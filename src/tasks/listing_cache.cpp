#include "tasks/listing_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "tasks/layout.hpp"
#include "util/files.hpp"

#ifndef SC_VERSION_STRING
#define SC_VERSION_STRING "unknown"
#endif

namespace sc::tasks {

namespace {

// Bump the format when what an entry holds, or how a file is read into one, changes: a cache
// of another format or version is rebuilt, never read.
constexpr std::string_view k_header =
    "# scopecraft listing cache, format 1, sc " SC_VERSION_STRING " (derived from the task files; safe to delete)\n";
constexpr const char* k_file_name = ".sc-listing-cache";

// Records: "E <key bytes> <entry bytes> <size> <inode> <mtime ns> <ctime ns>\n<key>\n<entry>\n",
// "X <key bytes>\n<key>\n" (the file is gone) and "C <records>\n", the commit that ends each
// save. Lengths, not separators, frame keys and entries, so any bytes round-trip; records after
// the last commit are a save that did not finish and are not read.
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
        if (text.size() - position < length + 1 || text[position + length] != '\n')
            return false;
        value = text.substr(position, length);
        position += length + 1;
        return true;
    }
    bool literal(std::string_view expected) {
        if (text.substr(position, expected.size()) != expected)
            return false;
        position += expected.size();
        return true;
    }
};

void append_number(std::string& out, int64_t value, char after) {
    char buffer[24];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)error;
    out.append(buffer, end);
    out += after;
}

}  // namespace

std::string ListingCache::path_for(const std::string& tree_root) {
    return tree_root + "/" + k_file_name;
}

std::string_view ListingCache::header() {
    return k_header;
}

ListingCache ListingCache::open(const std::string& tree_root) {
    ListingCache cache;
    cache.m_root = tree_root;
    cache.m_path = path_for(tree_root);
    cache.load();
    return cache;
}

ListingCache::~ListingCache() {
    if (m_map != nullptr)
        ::munmap(const_cast<char*>(m_map), m_map_size);
}

ListingCache::ListingCache(ListingCache&& other) noexcept {
    *this = std::move(other);
}

ListingCache& ListingCache::operator=(ListingCache&& other) noexcept {
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
    m_slots = std::move(other.m_slots);
    m_owned = std::move(other.m_owned);
    m_removed = std::move(other.m_removed);
    m_reference = other.m_reference;
    m_hits = other.m_hits;
    m_reads = other.m_reads;
    return *this;
}

void ListingCache::load() {
    m_rewrite = true;
    int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;  // none yet (or unreadable): rebuilt
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size < static_cast<off_t>(k_header.size())) {
        ::close(fd);
        return;
    }
    // Mapped, not read: the pages of a large cache come from the page cache a 64 KiB window per
    // fault, where reading it into fresh memory would fault every 4 KiB page (docs/performance.md).
    void* map = ::mmap(nullptr, static_cast<size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED)
        return;
    m_map = static_cast<const char*>(map);
    m_map_size = static_cast<size_t>(info.st_size);
    m_inode = static_cast<uint64_t>(info.st_ino);
    Cursor cursor {std::string_view(m_map, m_map_size), 0};
    if (!cursor.literal(k_header))
        return;  // older format or another version of sc
    m_committed = cursor.position;
    std::vector<std::pair<std::string_view, std::optional<Slot>>> pending;
    size_t records = 0;
    while (cursor.position < m_map_size) {
        char kind = cursor.text[cursor.position];
        if (m_map_size - cursor.position < 2 || cursor.text[cursor.position + 1] != ' ')
            break;
        cursor.position += 2;
        if (kind == 'C') {
            size_t count = 0;
            if (!cursor.number(count, '\n') || count != pending.size())
                break;
            for (auto& [key, slot] : pending) {
                if (slot)
                    m_slots.insert_or_assign(key, *slot);
                else
                    m_slots.erase(key);
            }
            records += pending.size();
            pending.clear();
            m_committed = cursor.position;
            continue;
        }
        size_t key_length = 0;
        std::string_view key;
        if (kind == 'X') {
            if (!cursor.number(key_length, '\n') || !cursor.bytes(key_length, key))
                break;
            pending.emplace_back(key, std::nullopt);
            continue;
        }
        Slot slot;
        size_t entry_length = 0;
        slot.stat.known = true;
        if (kind != 'E' || !cursor.number(key_length, ' ') || !cursor.number(entry_length, ' ') ||
            !cursor.number(slot.stat.size, ' ') || !cursor.number(slot.stat.inode, ' ') ||
            !cursor.number(slot.stat.mtime_nanos, ' ') || !cursor.number(slot.stat.ctime_nanos, '\n') ||
            !cursor.bytes(key_length, key) || !cursor.bytes(entry_length, slot.entry))
            break;
        pending.emplace_back(key, slot);
    }
    m_records_on_disk = records;
    // Whatever follows the last commit is a save cut short (or damage): not read, and the next
    // save writes the file whole rather than append after it.
    m_rewrite = m_committed != m_map_size;
}

std::optional<std::string_view> ListingCache::find(std::string_view key, const FileStat& stat) {
    auto found = m_slots.find(key);
    if (found == m_slots.end())
        return std::nullopt;
    found->second.seen = true;
    if (!found->second.stat.same_file_as(stat))
        return std::nullopt;
    ++m_hits;
    return found->second.entry;
}

void ListingCache::mark_seen(std::string_view key) {
    if (auto found = m_slots.find(key); found != m_slots.end())
        found->second.seen = true;
}

void ListingCache::before_read() {
    ++m_reads;
    if (m_reference != 0 || m_root.empty())
        return;
    m_reference = -1;
    // The file system's own clock, as git uses its index file's mtime: touching the lock file
    // gives the timestamp any change made from now on gets at the earliest. Taken before the
    // first read, so a file changed after it was read can never match the stat stored with it.
    std::string lock = m_root + "/" + std::string(k_lock_filename);
    int fd = ::open(lock.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;
    struct stat info {};
    if (::futimens(fd, nullptr) == 0 && ::fstat(fd, &info) == 0) {
        FileStat now = FileStat::of(info);
        m_reference = std::max<int64_t>(1, std::min(now.ctime_nanos, now.mtime_nanos));
    }
    ::close(fd);
}

bool ListingCache::storable(const FileStat& stat, int64_t margin_nanos) const {
    if (!stat.known || m_reference <= 0)
        return false;
    return std::max(stat.ctime_nanos, stat.mtime_nanos) < m_reference - margin_nanos;
}

std::string_view ListingCache::put(std::string_view key, const FileStat& stat, std::string entry,
                                   int64_t margin_nanos) {
    Owned& owned = m_owned.emplace_back(Owned {std::string(key), std::move(entry)});
    if (storable(stat, margin_nanos)) {
        Slot& slot = m_slots[owned.key];
        slot.stat = stat;
        slot.entry = owned.entry;
        slot.seen = true;
        slot.unsaved = true;
    }
    return owned.entry;
}

void ListingCache::forget_unseen(const std::vector<std::string>& prefixes) {
    for (auto it = m_slots.begin(); it != m_slots.end();) {
        bool covered = std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& prefix) {
            return it->first.compare(0, prefix.size(), prefix) == 0;
        });
        if (covered && !it->second.seen) {
            m_removed.push_back(it->first);
            it = m_slots.erase(it);
        } else {
            ++it;
        }
    }
}

std::string ListingCache::record(std::string_view key, const Slot& slot) const {
    std::string out = "E ";
    out.reserve(key.size() + slot.entry.size() + 96);
    append_number(out, static_cast<int64_t>(key.size()), ' ');
    append_number(out, static_cast<int64_t>(slot.entry.size()), ' ');
    append_number(out, static_cast<int64_t>(slot.stat.size), ' ');
    append_number(out, static_cast<int64_t>(slot.stat.inode), ' ');
    append_number(out, slot.stat.mtime_nanos, ' ');
    append_number(out, slot.stat.ctime_nanos, '\n');
    out += key;
    out += '\n';
    out += slot.entry;
    out += '\n';
    return out;
}

Status ListingCache::save() {
    if (m_root.empty())
        return {};
    std::vector<std::string_view> unsaved;
    for (const auto& [key, slot] : m_slots)
        if (slot.unsaved)
            unsaved.push_back(key);
    if (unsaved.empty() && m_removed.empty() && !(m_rewrite && !m_slots.empty()))
        return {};
    // The tree's writers' lock, not waited for: a listing does not queue behind a writer to
    // save what it can save next time, and a read-only tree keeps being listed from its files.
    std::string lock_path = m_root + "/" + std::string(k_lock_filename);
    int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock < 0)
        return {};
    if (::flock(lock, LOCK_EX | LOCK_NB) != 0) {
        ::close(lock);
        return {};
    }
    Status saved = save_locked();
    ::close(lock);  // releases the flock
    return saved;
}

Status ListingCache::save_locked() {
    std::vector<std::string_view> unsaved;
    for (const auto& [key, slot] : m_slots)
        if (slot.unsaved)
            unsaved.push_back(key);
    size_t live = m_slots.size();
    bool append = !m_rewrite && m_records_on_disk + unsaved.size() + m_removed.size() <= 2 * live + 64;
    if (append) {
        // Only after the save that this cache loaded, with nothing after it: another listing's
        // save since, or one cut short, and the file is written whole instead.
        struct stat info {};
        append = ::stat(m_path.c_str(), &info) == 0 && static_cast<uint64_t>(info.st_ino) == m_inode &&
                 static_cast<size_t>(info.st_size) == m_committed;
    }
    std::string out;
    if (append) {
        std::sort(unsaved.begin(), unsaved.end());
        for (std::string_view key : unsaved)
            out += record(key, m_slots.at(key));
        for (std::string_view key : m_removed) {
            out += "X ";
            append_number(out, static_cast<int64_t>(key.size()), '\n');
            out += key;
            out += '\n';
        }
        out += "C ";
        append_number(out, static_cast<int64_t>(unsaved.size() + m_removed.size()), '\n');
        if (files::append_existing(m_path, out).ok()) {
            m_records_on_disk += unsaved.size() + m_removed.size();
            m_committed += out.size();
            for (std::string_view key : unsaved)
                m_slots.at(key).unsaved = false;
            m_removed.clear();
            return {};
        }
        out.clear();  // part of it may be on disk: written whole below
    }
    std::vector<std::string_view> keys;
    keys.reserve(m_slots.size());
    for (const auto& [key, slot] : m_slots)
        keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    out += k_header;
    for (std::string_view key : keys)
        out += record(key, m_slots.at(key));
    out += "C ";
    append_number(out, static_cast<int64_t>(keys.size()), '\n');
    Status written = files::write_atomic(m_path, out, files::Durability::none, 0600);
    if (!written.ok())
        return written;
    struct stat info {};
    m_inode = ::stat(m_path.c_str(), &info) == 0 ? static_cast<uint64_t>(info.st_ino) : 0;
    m_committed = out.size();
    m_records_on_disk = keys.size();
    m_rewrite = false;
    for (auto& [key, slot] : m_slots)
        slot.unsaved = false;
    m_removed.clear();
    return {};
}

}  // namespace sc::tasks
