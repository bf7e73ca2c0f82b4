#include "tasks/listing_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "tasks/layout.hpp"
#include "tasks/listing_cache_identity.hpp"  // generated: a digest of the task reading code
#include "tasks/record_file.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#ifndef SC_VERSION_STRING
#define SC_VERSION_STRING "unknown"
#endif

namespace sc::tasks {

namespace {

// Bump the format when the file's layout changes. The version and the digest of the task
// reading code (cmake/SourceIdentity.cmake) change by themselves: a cache written by another
// build, whose entries might hold what that build read from a file, is rebuilt, never read.
constexpr std::string_view k_header = "# scopecraft listing cache, format 2, sc " SC_VERSION_STRING
                                      " " SC_LISTING_CACHE_IDENTITY " (derived from the task files; safe to delete)\n";
constexpr const char* k_file_name = ".sc-listing-cache";

// Records: "E <key bytes> <entry bytes> <size> <inode> <mtime ns> <ctime ns>\n<key>\n<entry>\n",
// "X <key bytes>\n<key>\n" (the file is gone) and "C <records>\n" or "C <records> <watch token>\n",
// the commit that ends each save (docs/layout.md, "The watch service"). Lengths, not separators,
// frame keys and entries, so any bytes round-trip; records after the last commit are a save that
// did not finish and are not read.
using record_file::Cursor;

/// Writes `value` in decimal as std::to_chars does, ending at `end`, two digits a step (a
/// fifth of to_chars's instructions here: it is not inlined and counts the digits first).
/// Returns where the number starts.
char* put_decimal_backwards(char* end, int64_t value) {
    static constexpr char k_pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    uint64_t left = value < 0 ? uint64_t {0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    char* at = end;
    while (left >= 100) {
        size_t pair = static_cast<size_t>(left % 100) * 2;
        left /= 100;
        at -= 2;
        at[0] = k_pairs[pair];
        at[1] = k_pairs[pair + 1];
    }
    if (left >= 10) {
        at -= 2;
        at[0] = k_pairs[left * 2];
        at[1] = k_pairs[left * 2 + 1];
    } else {
        *--at = static_cast<char>('0' + left);
    }
    if (value < 0)
        *--at = '-';
    return at;
}

/// A record's key or entry length: a few digits, read inline (read_decimal's eight-digit step,
/// made for 19-digit stamps, fails first on them: half a cached listing's load went to these
/// two numbers per record); eight digits or more, or anything odd, go to read_decimal.
bool read_length(Cursor& cursor, size_t& value, char after) {
    const char* at = cursor.text.data() + cursor.position;
    size_t left = cursor.text.size() - cursor.position;
    size_t digits = 0;
    size_t number = 0;
    while (digits < left && digits < 8 && static_cast<unsigned char>(at[digits] - '0') < 10)
        number = number * 10 + static_cast<size_t>(at[digits++] - '0');
    if (digits == 0 || digits == 8 || digits == left || at[digits] != after)
        return cursor.number(value, after);
    value = number;
    cursor.position += digits + 1;
    return true;
}

}  // namespace

std::string ListingCache::read_watch_token(const std::string& tree_root) {
    // The last line of the file, when it is a commit: one pread of the tail, not a load.
    int fd = ::open(path_for(tree_root).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return {};
    struct stat info {};
    char tail[256];
    ssize_t got = -1;
    if (::fstat(fd, &info) == 0 && info.st_size > 0) {
        off_t from =
            info.st_size > static_cast<off_t>(sizeof tail) ? info.st_size - static_cast<off_t>(sizeof tail) : 0;
        got = ::pread(fd, tail, sizeof tail, from);
    }
    ::close(fd);
    if (got <= 1 || tail[got - 1] != '\n')
        return {};
    std::string_view text(tail, static_cast<size_t>(got) - 1);
    size_t line = text.rfind('\n');
    if (line == std::string_view::npos)
        return {};
    Cursor cursor {std::string_view(tail, static_cast<size_t>(got)), line + 1};
    size_t count = 0;
    std::string_view token;
    if (!cursor.literal("C ") || !record_file::commit_line(cursor, count, token))
        return {};
    return std::string(token);
}

void ListingCache::trust_unchanged(const std::vector<std::string>& changed, std::string token) {
    std::vector<std::string_view> sorted(changed.begin(), changed.end());
    std::sort(sorted.begin(), sorted.end());
    for (Slot& slot : m_slots)
        slot.vouched = !std::binary_search(sorted.begin(), sorted.end(), slot.key);
    m_new_token = std::move(token);
}

void ListingCache::renew_token(std::string token) {
    for (Slot& slot : m_slots)
        slot.vouched = false;
    m_new_token = std::move(token);
}

std::optional<std::string_view> ListingCache::find_vouched(std::string_view key) {
    Slot* slot = slot_of(key);
    if (slot == nullptr || !slot->vouched)
        return std::nullopt;
    slot->seen = true;
    ++m_hits;
    ++m_vouched_hits;
    return std::string_view(slot->key.data() + slot->key.size() + 1, slot->entry_length);
}

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
    m_next_slot = other.m_next_slot;
    m_added = std::move(other.m_added);
    m_removed = std::move(other.m_removed);
    m_scratch = std::move(other.m_scratch);
    m_reference = other.m_reference;
    m_token = std::move(other.m_token);
    m_new_token = std::move(other.m_new_token);
    m_hits = other.m_hits;
    m_vouched_hits = other.m_vouched_hits;
    m_reads = other.m_reads;
    return *this;
}

void ListingCache::load() {
    m_rewrite = true;
    // Mapped, not read (record_file::Mapping). The load below touches every page, so they are
    // mapped at once (Linux's MAP_POPULATE: one call instead of a fault per 64 KiB window); the
    // POSIX build (-DSC_MAP_POPULATE=OFF) asks for them to be read ahead instead.
    record_file::Mapping mapping = record_file::Mapping::open(m_path, k_header.size(), true);
    if (mapping.size() == 0)
        return;  // none yet (or unreadable): rebuilt
    m_map_size = mapping.size();
    m_inode = mapping.inode();
    m_map = mapping.release();
    // Every record in file order (an `X` one as a dropped slot); those after the last commit
    // are a save cut short (or damage) and are cut off below.
    m_slots.reserve(m_map_size / 512 + 16);
    size_t committed_slots = 0;
    size_t records = 0;
    auto on_record = [this](char kind, Cursor& cursor) {
        size_t start = cursor.position - 2;
        size_t key_length = 0;
        std::string_view key;
        if (kind == 'X') {
            if (!read_length(cursor, key_length, '\n') || !cursor.line(key_length, key))
                return false;
            m_slots.push_back({key, start, 0, false, true});
            return true;
        }
        // Framed here, the stat's numbers skipped to the end of their line: they are parsed
        // (and checked) by read_record() when the key is looked up, once, not twice.
        size_t entry_length = 0;
        std::string_view entry;
        if (kind != 'E' || !read_length(cursor, key_length, ' ') || !read_length(cursor, entry_length, ' ') ||
            entry_length > UINT32_MAX)
            return false;
        size_t stat_at = cursor.position;
        const void* line_end = std::memchr(m_map + stat_at, '\n', m_map_size - stat_at);
        if (line_end == nullptr)
            return false;
        cursor.position = static_cast<size_t>(static_cast<const char*>(line_end) - m_map) + 1;
        if (!cursor.line(key_length, key) || !cursor.line(entry_length, entry))
            return false;
        m_slots.push_back({key, stat_at, static_cast<uint32_t>(entry_length), false, false});
        return true;
    };
    auto on_commit = [&](std::string_view token) {
        records += m_slots.size() - committed_slots;
        committed_slots = m_slots.size();
        m_token = std::string(token);
    };
    m_committed = record_file::read_committed(std::string_view(m_map, m_map_size), k_header, on_record, on_commit);
    if (m_committed == 0)
        return;  // older format or another version of sc
    m_slots.resize(committed_slots);
    m_records_on_disk = records;
    // Whatever follows the last commit is not read, and the next save writes the file whole
    // rather than append after it.
    m_rewrite = m_committed != m_map_size;
    // One slot per key, the last record's: a rewritten file is in key order already, and only
    // what later saves appended needs sorting and merging in (stably: later records last).
    auto by_key = [](const Slot& a, const Slot& b) { return a.key < b.key; };
    auto sorted_end = std::is_sorted_until(m_slots.begin(), m_slots.end(), by_key);
    if (sorted_end != m_slots.end()) {
        std::stable_sort(sorted_end, m_slots.end(), by_key);
        std::inplace_merge(m_slots.begin(), sorted_end, m_slots.end(), by_key);
    }
    size_t kept = 0;
    for (size_t i = 0; i < m_slots.size(); ++i) {
        if (i + 1 < m_slots.size() && m_slots[i + 1].key == m_slots[i].key)
            continue;  // a later record replaces it
        if (!m_slots[i].dropped)
            m_slots[kept++] = m_slots[i];
    }
    m_slots.resize(kept);
}

bool ListingCache::read_record(const Slot& slot, FileStat& stat, std::string_view& entry) const {
    // The stat's line ends right before the key (load() framed the record around it).
    Cursor cursor {std::string_view(m_map, static_cast<size_t>(slot.key.data() - m_map)), slot.stat_at};
    stat.known = true;
    // The last number ends the line, the cursor's text's last byte.
    if (!cursor.number(stat.size, ' ') || !cursor.number(stat.inode, ' ') || !cursor.number(stat.mtime_nanos, ' ') ||
        !cursor.number(stat.ctime_nanos, '\n') || cursor.position != cursor.text.size())
        return false;
    entry = std::string_view(slot.key.data() + slot.key.size() + 1, slot.entry_length);
    return true;
}

ListingCache::Slot* ListingCache::slot_of(std::string_view key) {
    // A listing asks for keys almost in the cache's order (a folder's files by name, then its
    // folders): the slot after the last one found is tried first, one comparison instead of a
    // binary search of a dozen over keys that share a long prefix.
    auto found = m_slots.end();
    if (m_next_slot < m_slots.size() && m_slots[m_next_slot].key == key)
        found = m_slots.begin() + static_cast<std::ptrdiff_t>(m_next_slot);
    else
        found = std::lower_bound(m_slots.begin(), m_slots.end(), key,
                                 [](const Slot& slot, std::string_view wanted) { return slot.key < wanted; });
    if (found == m_slots.end() || found->key != key)
        return nullptr;
    m_next_slot = static_cast<size_t>(found - m_slots.begin()) + 1;
    return found->dropped ? nullptr : &*found;
}

std::optional<std::string_view> ListingCache::find(std::string_view key, const FileStat& stat) {
    Slot* slot = slot_of(key);
    if (slot == nullptr)
        return std::nullopt;
    slot->seen = true;
    if (!stat.known)
        return std::nullopt;
    // The file's stat written as append_record() writes it (the same casts, std::to_chars's
    // digits), compared with the stored text: the answer of parsing the four numbers and
    // comparing them (the text is canonical; anything else, damage included, differs and the
    // file is read), in a fraction of the instructions.
    char line[4 * 21];
    char* const end = line + sizeof line;
    char* at = put_decimal_backwards(end, stat.ctime_nanos);
    *--at = ' ';
    at = put_decimal_backwards(at, stat.mtime_nanos);
    *--at = ' ';
    at = put_decimal_backwards(at, static_cast<int64_t>(stat.inode));
    *--at = ' ';
    at = put_decimal_backwards(at, static_cast<int64_t>(stat.size));
    const char* stored = m_map + slot->stat_at;
    size_t stored_length = static_cast<size_t>(slot->key.data() - 1 - stored);  // up to the line's end
    if (std::string_view(stored, stored_length) != std::string_view(at, static_cast<size_t>(end - at)))
        return std::nullopt;
    slot->vouched = true;  // its file has this entry's stat now, after the watch's answer
    ++m_hits;
    return std::string_view(slot->key.data() + slot->key.size() + 1, slot->entry_length);
}

void ListingCache::mark_seen(std::string_view key) {
    if (Slot* slot = slot_of(key))
        slot->seen = true;
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
    if (!storable(stat, margin_nanos)) {
        // Used for this task only: the next put() may reuse the memory.
        m_scratch = std::move(entry);
        return m_scratch;
    }
    Added& added = m_added.emplace_back(Added {std::string(key), stat, std::move(entry), true});
    if (Slot* slot = slot_of(key))
        slot->dropped = true;  // replaced
    return added.entry;
}

void ListingCache::forget_unseen(const std::vector<std::string>& prefixes) {
    for (Slot& slot : m_slots) {
        if (slot.seen || slot.dropped)
            continue;
        bool covered = std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& prefix) {
            return slot.key.compare(0, prefix.size(), prefix) == 0;
        });
        if (covered) {
            slot.dropped = true;
            m_removed.push_back(slot.key);
        }
    }
}

namespace {

void append_record(std::string& out, std::string_view key, const FileStat& stat, std::string_view entry) {
    out += "E ";
    text::append_decimal(out, static_cast<int64_t>(key.size()), ' ');
    text::append_decimal(out, static_cast<int64_t>(entry.size()), ' ');
    text::append_decimal(out, static_cast<int64_t>(stat.size), ' ');
    text::append_decimal(out, static_cast<int64_t>(stat.inode), ' ');
    text::append_decimal(out, stat.mtime_nanos, ' ');
    text::append_decimal(out, stat.ctime_nanos, '\n');
    out += key;
    out += '\n';
    out += entry;
    out += '\n';
}

}  // namespace

void ListingCache::remove_stale_temporaries() const {
    // A rewrite killed before its rename leaves its temporary; hidden, so no walk of the tree
    // meets it: the next rewrite removes those whose owner has ended.
    record_file::remove_stale_temporaries(m_root, k_file_name);
}

Status ListingCache::save() {
    if (m_root.empty())
        return {};
    if (!m_new_token.empty()) {
        // Saved with the new token, every entry must describe its file as it was at the
        // answer: one the watch did not vouch for and this listing did not confirm is dropped.
        for (Slot& slot : m_slots)
            if (!slot.dropped && !slot.vouched) {
                slot.dropped = true;
                m_removed.push_back(slot.key);
            }
        for (const Added& added : m_added)
            if (Slot* slot = slot_of(added.key))
                slot->dropped = true;
    }
    bool unsaved = std::any_of(m_added.begin(), m_added.end(), [](const Added& added) { return added.unsaved; });
    bool new_token = !m_new_token.empty() && m_new_token != m_token;
    if (!unsaved && m_removed.empty() && !(m_rewrite && !m_slots.empty()) && !new_token)
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
    std::vector<Added*> unsaved;
    for (Added& added : m_added)
        if (added.unsaved)
            unsaved.push_back(&added);
    auto by_key = [](const Added* a, const Added* b) { return a->key < b->key; };
    std::sort(unsaved.begin(), unsaved.end(), by_key);
    size_t live = unsaved.size();
    for (const Slot& slot : m_slots)
        live += slot.dropped ? 0 : 1;
    size_t new_records = unsaved.size() + m_removed.size();
    bool append = !m_rewrite && m_records_on_disk + new_records <= 2 * live + 64;
    if (append) {
        // Only after the save that this cache loaded, with nothing after it: another listing's
        // save since, or one cut short, and the file is written whole instead.
        append = record_file::can_append(m_path, m_inode, m_committed);
    }
    std::string out;
    if (append) {
        for (const Added* added : unsaved)
            append_record(out, added->key, added->stat, added->entry);
        for (std::string_view key : m_removed) {
            out += "X ";
            text::append_decimal(out, static_cast<int64_t>(key.size()), '\n');
            out += key;
            out += '\n';
        }
        record_file::append_commit(out, new_records, m_new_token.empty() ? m_token : m_new_token);
        if (files::append_existing(m_path, out).ok()) {
            m_records_on_disk += new_records;
            m_committed += out.size();
            for (Added& added : m_added)
                added.unsaved = false;
            m_removed.clear();
            if (!m_new_token.empty())
                m_token = m_new_token;
            return {};
        }
        out.clear();  // part of it may be on disk: written whole below
    }
    // Whole: the live slots and this listing's entries merged in key order, into a temporary
    // beside the file renamed over it. Written in pieces of 1 MiB, each new entry freed once
    // written: a rebuild of a large tree holds its entries once, not a second time as one string.
    remove_stale_temporaries();
    record_file::Rewrite whole(m_path, "the listing cache");
    whole.out += k_header;
    auto next_added = unsaved.begin();
    auto write_added_before = [&](std::string_view key, bool all) {
        for (; next_added != unsaved.end() && (all || (*next_added)->key < key); ++next_added) {
            append_record(whole.out, (*next_added)->key, (*next_added)->stat, (*next_added)->entry);
            std::string().swap((*next_added)->entry);
            whole.flush();
        }
    };
    for (const Slot& slot : m_slots) {
        if (slot.dropped)
            continue;
        FileStat stat;
        std::string_view entry;
        if (!read_record(slot, stat, entry))
            continue;
        write_added_before(slot.key, false);
        append_record(whole.out, slot.key, stat, entry);
        whole.flush();
    }
    write_added_before({}, true);
    SC_TRY(whole.commit(live, m_new_token.empty() ? m_token : m_new_token));
    // The slots still point into the old mapping, which stays valid until this cache goes;
    // a second save in the same process writes whole again.
    m_rewrite = true;
    for (Added& added : m_added)
        added.unsaved = false;
    m_removed.clear();
    if (!m_new_token.empty())
        m_token = m_new_token;
    return {};
}

}  // namespace sc::tasks
