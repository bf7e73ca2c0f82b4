#include "store/stream_index.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstring>
#include <new>
#include <utility>

#include "store/hash.hpp"
#include "store/head.hpp"
#include "util/files.hpp"

namespace sc::store {

// Fixed-width fields written by hand: snprintf cost more than the rest of an append.
// Two hex digits per byte from a table: widths here are even.
struct HexPairs {
    char pairs[512];
    constexpr HexPairs() : pairs() {
        constexpr char k_hex[] = "0123456789abcdef";
        for (int i = 0; i < 256; ++i) {
            pairs[2 * i] = k_hex[i >> 4];
            pairs[2 * i + 1] = k_hex[i & 0xF];
        }
    }
};
static constexpr HexPairs k_hex_pairs;

static void put_hex(char* out, uint64_t value, int width) {
    for (int i = width - 2; i >= 0; i -= 2, value >>= 8)
        std::memcpy(out + i, k_hex_pairs.pairs + 2 * (value & 0xFF), 2);
}

// The date field of a record: the same for every record of a batch, so formatted once.
static void put_date(char* out, Day day) {
    thread_local Day t_day = INT32_MIN;
    thread_local char t_text[8];
    if (day != t_day) {
        int year = 0;
        unsigned month = 0, day_of_month = 0;
        civil_from_days(day, year, month, day_of_month);
        uint64_t value = static_cast<uint64_t>(year < 0 ? 0 : year) * 10000 + month * 100 + day_of_month;
        for (int i = 7; i >= 0; --i, value /= 10)
            t_text[i] = static_cast<char>('0' + value % 10);
        t_day = day;
    }
    std::memcpy(out, t_text, sizeof t_text);
}

static void put_decimal(char* out, uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
        out[i] = static_cast<char>('0' + value % 10);
}

void append_stream_record(std::string& out, const StreamRecord& record) {
    char buffer[k_stream_record_bytes];
    std::memset(buffer, ' ', sizeof buffer);
    put_hex(buffer, record.seq, 16);
    if (record.present())
        put_date(buffer + 17, record.day);
    else
        put_decimal(buffer + 17, 0, 8);
    put_decimal(buffer + 26, record.segment, 6);
    put_hex(buffer + 33, record.offset, 12);
    put_hex(buffer + 46, record.length, 8);
    put_hex(buffer + 55, record.id_hash, 16);
    buffer[k_stream_record_bytes - 1] = '\n';
    out.append(buffer, sizeof buffer);
}

// Hex digit values, 0xFF for anything else: the index is decoded a record at a time, by readers
// and by compaction, and a table beats a chain of comparisons per digit.
constexpr auto k_hex_values = [] {
    std::array<uint8_t, 256> values {};
    values.fill(0xFF);
    for (int c = '0'; c <= '9'; ++c)
        values[static_cast<size_t>(c)] = static_cast<uint8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c)
        values[static_cast<size_t>(c)] = static_cast<uint8_t>(c - 'a' + 10);
    return values;
}();

static bool parse_hex(std::string_view text, uint64_t& value) {
    uint64_t result = 0;
    uint8_t seen = 0;
    for (char c : text) {
        uint8_t digit = k_hex_values[static_cast<unsigned char>(c)];
        seen |= digit;
        result = result * 16 + digit;
    }
    value = result;
    return (seen & 0xF0) == 0;  // no 0xFF among the digits
}

static bool parse_decimal(std::string_view text, uint64_t& value) {
    value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return true;
}

// The fields of a record, whatever ends it (a newline in a stream file, a space in the log).
static bool decode_record_fields(std::string_view text, StreamRecord& record) {
    // 16 hex, 8 digits, 6 digits, 12 hex, 8 hex, 16 hex, separated by spaces.
    if (text.size() < k_stream_record_bytes || text[16] != ' ' || text[25] != ' ' || text[32] != ' ' ||
        text[45] != ' ' || text[54] != ' ')
        return false;
    uint64_t date = 0, segment = 0, length = 0;
    if (!parse_hex(text.substr(0, 16), record.seq) || !parse_decimal(text.substr(17, 8), date) ||
        !parse_decimal(text.substr(26, 6), segment) || !parse_hex(text.substr(33, 12), record.offset) ||
        !parse_hex(text.substr(46, 8), length) || !parse_hex(text.substr(55, 16), record.id_hash))
        return false;
    record.segment = static_cast<uint32_t>(segment);
    record.length = static_cast<uint32_t>(length);
    record.day = 0;
    if (record.present()) {
        auto year = static_cast<int>(date / 10000);
        auto month = static_cast<unsigned>(date / 100 % 100);
        auto day = static_cast<unsigned>(date % 100);
        if (month < 1 || month > 12 || day < 1 || day > 31)
            return false;
        record.day = days_from_civil(year, month, day);
    }
    return true;
}

bool decode_stream_record(std::string_view text, StreamRecord& record) {
    return text.size() == k_stream_record_bytes && text[71] == '\n' && decode_record_fields(text, record);
}

std::string stream_file_name(std::string_view stream) {
    std::string name;
    name.reserve(std::min<size_t>(stream.size(), 80) + 22);
    for (char c : stream.substr(0, 80)) {
        bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
        name += safe ? c : '_';
    }
    if (!name.empty() && name[0] == '.')
        name[0] = '_';
    char hash[24];
    std::snprintf(hash, sizeof hash, "-%016" PRIx64 ".idx", fnv1a64(stream));
    return name + hash;
}

Result<std::vector<StreamRecord>> read_stream_records(const std::string& path) {
    Result<std::string> content = files::read(path);
    std::vector<StreamRecord> records;
    if (!content) {
        if (content.error().code == ErrorCode::not_found)
            return records;
        return std::move(content).error();
    }
    const std::string& text = *content;
    size_t count = text.size() / k_stream_record_bytes;
    records.resize(count);
    for (size_t i = 0; i < count; ++i) {
        if (!decode_stream_record(std::string_view(text).substr(i * k_stream_record_bytes, k_stream_record_bytes),
                                  records[i]))
            return make_error(ErrorCode::parse, "damaged stream index record " + std::to_string(i + 1),
                              Location {path, static_cast<int>(i + 1), {}}, "run `sc telemetry check --repair`");
    }
    return records;
}

}  // namespace sc::store

namespace sc::store {

// --- the index log ---

void append_log_record(std::string& out, const StreamRecord& record, uint64_t version, uint64_t prev,
                       std::string_view stream) {
    append_stream_record(out, record);
    size_t at = out.size();
    out.resize(at + (k_log_record_fixed_bytes - k_stream_record_bytes) + stream.size());
    char* cursor = out.data() + at;
    cursor[-1] = ' ';  // the stream record's newline
    put_hex(cursor, version, 16);
    cursor[16] = ' ';
    put_hex(cursor + 17, prev, 12);
    cursor[29] = ' ';
    put_hex(cursor + 30, stream.size(), 8);
    cursor[38] = ' ';
    std::memcpy(cursor + 39, stream.data(), stream.size());
    cursor[39 + stream.size()] = '\n';
}

bool decode_log_frame(std::string_view text, uint64_t& version, std::string_view& stream, size_t& length) {
    constexpr size_t k_at = k_stream_record_bytes;
    if (text.size() < k_log_record_fixed_bytes || text[k_at - 1] != ' ' || text[k_at + 16] != ' ' ||
        text[k_at + 29] != ' ' || text[k_at + 38] != ' ' || text[16] != ' ' || text[25] != ' ' || text[32] != ' ' ||
        text[45] != ' ' || text[54] != ' ')
        return false;
    uint64_t name_bytes = 0;
    if (!parse_hex(text.substr(k_at, 16), version) || !parse_hex(text.substr(k_at + 30, 8), name_bytes) ||
        name_bytes > text.size() - k_log_record_fixed_bytes || text[k_at + 39 + name_bytes] != '\n')
        return false;
    stream = text.substr(k_at + 39, name_bytes);
    length = k_log_record_fixed_bytes + name_bytes;
    return true;
}

bool decode_log_record(std::string_view text, LogRecord& record, size_t& length) {
    return decode_log_frame(text, record.version, record.stream, length) &&
           parse_hex(text.substr(k_stream_record_bytes + 17, 12), record.prev) &&
           decode_record_fields(text, record.record);
}

std::string log_file_name(uint64_t generation) {
    return "log-" + std::to_string(generation);
}

// --- the heads table ---

StreamKey stream_key(std::string_view stream) {
    StreamKey key;
    key.key = fnv1a64(stream);
    if (key.key == 0)
        key.key = 1;
    // A second, unrelated hash: two names must collide on both to share a slot.
    uint64_t hash = 0x9e3779b97f4a7c15ULL ^ stream.size();
    for (char c : stream) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 0xff51afd7ed558ccdULL;
        hash ^= hash >> 29;
    }
    key.key2 = hash;
    return key;
}

namespace {

constexpr char k_heads_magic[16] = "sc-heads 2";

struct HeadsHeader {
    char magic[16];
    uint64_t capacity;
    uint64_t count;
    uint64_t reserved[4];
};
static_assert(sizeof(HeadsHeader) == k_heads_header_bytes);

HeadSlot* probe(HeadSlot* slots, uint64_t capacity, const StreamKey& key, bool claim) {
    uint64_t mask = capacity - 1;
    for (uint64_t i = 0, at = key.key & mask; i < capacity; ++i, at = (at + 1) & mask) {
        HeadSlot& slot = slots[at];
        if (slot.key == key.key && slot.key2 == key.key2)
            return &slot;
        if (slot.key == 0)
            return claim ? &slot : nullptr;
    }
    return nullptr;
}

}  // namespace

std::string heads_file_name(uint64_t capacity) {
    return "heads-" + std::to_string(capacity);
}

HeadsTable::~HeadsTable() {
    if (m_map != nullptr)
        ::munmap(m_map, m_bytes);
    if (m_fd >= 0)
        ::close(m_fd);
}

HeadsTable::HeadsTable(HeadsTable&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)),
      m_map(std::exchange(other.m_map, nullptr)),
      m_bytes(std::exchange(other.m_bytes, 0)),
      m_slots(std::exchange(other.m_slots, nullptr)),
      m_capacity(std::exchange(other.m_capacity, 0)),
      m_cache(std::move(other.m_cache)) {}

HeadsTable& HeadsTable::operator=(HeadsTable&& other) noexcept {
    if (this != &other) {
        this->~HeadsTable();
        new (this) HeadsTable(std::move(other));
    }
    return *this;
}

Status HeadsTable::create(const std::string& path, uint64_t capacity, const std::vector<HeadSlot>& slots) {
    std::string bytes(heads_file_bytes(capacity), '\0');
    auto* header = reinterpret_cast<HeadsHeader*>(bytes.data());
    std::memcpy(header->magic, k_heads_magic, sizeof k_heads_magic);
    header->capacity = capacity;
    auto* table = reinterpret_cast<HeadSlot*>(bytes.data() + k_heads_header_bytes);
    for (const HeadSlot& slot : slots) {
        HeadSlot* place = probe(table, capacity, StreamKey {slot.key, slot.key2}, true);
        if (place == nullptr)
            return make_error(ErrorCode::internal, "heads table too small", Location {path, 0, {}});
        if (place->key == 0)
            ++header->count;
        *place = slot;
    }
    return files::write_atomic(path, bytes, files::Durability::none, k_file_mode);
}

Result<HeadsTable> HeadsTable::open(const std::string& path, uint64_t capacity, bool map) {
    auto missing = [&] {
        return make_error(ErrorCode::not_found, "the heads table is missing or damaged", Location {path, 0, {}},
                          "it is rebuilt from the segments");
    };
    if (capacity < k_heads_min_capacity || (capacity & (capacity - 1)) != 0)
        return missing();
    HeadsTable table;
    table.m_fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (table.m_fd < 0)
        return errno == ENOENT ? missing() : files::from_errno(errno, "opening", path);
    table.m_capacity = capacity;
    if (!map)
        return table;  // named by its capacity: a short file shows as a short read
    struct stat info {};
    size_t bytes = heads_file_bytes(capacity);
    if (::fstat(table.m_fd, &info) != 0 || static_cast<uint64_t>(info.st_size) != bytes)
        return missing();
    void* mapped = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, table.m_fd, 0);
    if (mapped == MAP_FAILED)
        return files::from_errno(errno, "mapping", path);
    table.m_map = mapped;
    table.m_bytes = bytes;
    const auto* header = static_cast<const HeadsHeader*>(mapped);
    if (std::memcmp(header->magic, k_heads_magic, sizeof k_heads_magic) != 0 || header->capacity != capacity)
        return missing();
    table.m_slots = reinterpret_cast<HeadSlot*>(static_cast<char*>(mapped) + k_heads_header_bytes);
    return table;
}

Result<HeadSlot*> HeadsTable::at(uint64_t index) {
    if (m_slots != nullptr)
        return &m_slots[index];
    if (auto found = m_cache.find(index); found != m_cache.end())
        return &found->second.slot;
    // Read a window of slots: a probe usually ends within it (the table stays under 70 % full).
    constexpr uint64_t k_window = 16;
    uint64_t count = std::min(k_window, m_capacity - index);
    HeadSlot window[k_window];
    ssize_t got = ::pread(m_fd, window, count * sizeof(HeadSlot),
                          static_cast<off_t>(k_heads_header_bytes + index * sizeof(HeadSlot)));
    if (got != static_cast<ssize_t>(count * sizeof(HeadSlot)))
        return make_error(ErrorCode::not_found, "the heads table is shorter than its capacity");
    for (uint64_t i = 0; i < count; ++i)
        m_cache.try_emplace(index + i, Cached {window[i], index + i});
    return &m_cache.find(index)->second.slot;
}

Result<HeadSlot*> HeadsTable::slot(const StreamKey& key, bool& claimed) {
    claimed = false;
    uint64_t mask = m_capacity - 1;
    for (uint64_t i = 0, index = key.key & mask; i < m_capacity; ++i, index = (index + 1) & mask) {
        HeadSlot* slot = SC_TRY(at(index));
        if (slot->key == key.key && slot->key2 == key.key2)
            return slot;
        if (slot->key == 0) {
            // The key last: a writer killed before it leaves the slot free.
            slot->version = 0;
            slot->last = 0;
            slot->last_generation = 0;
            slot->key2 = key.key2;
            slot->key = key.key;
            claimed = true;
            return slot;
        }
    }
    return static_cast<HeadSlot*>(nullptr);
}

Status HeadsTable::save(HeadSlot* slot) {
    if (m_slots != nullptr || slot == nullptr)
        return {};
    const auto* cached = reinterpret_cast<const Cached*>(slot);
    ssize_t wrote = ::pwrite(m_fd, slot, sizeof(HeadSlot),
                             static_cast<off_t>(k_heads_header_bytes + cached->index * sizeof(HeadSlot)));
    if (wrote != static_cast<ssize_t>(sizeof(HeadSlot)))
        return files::from_errno(wrote < 0 ? errno : EIO, "writing the heads table", "index/heads");
    return {};
}

Result<std::vector<HeadSlot>> HeadsTable::used() {
    std::vector<HeadSlot> slots;
    std::vector<HeadSlot> all;
    const HeadSlot* table = m_slots;
    if (table == nullptr) {
        all.resize(m_capacity);
        ssize_t got = ::pread(m_fd, all.data(), m_capacity * sizeof(HeadSlot), k_heads_header_bytes);
        if (got != static_cast<ssize_t>(m_capacity * sizeof(HeadSlot)))
            return make_error(ErrorCode::not_found, "the heads table is shorter than its capacity");
        for (const auto& [index, cached] : m_cache)
            all[index] = cached.slot;  // claimed or changed in this session
        table = all.data();
    }
    for (uint64_t i = 0; i < m_capacity; ++i)
        if (table[i].key != 0)
            slots.push_back(table[i]);
    return slots;
}

Result<std::optional<HeadSlot>> read_head_slot(int fd, uint64_t capacity, const StreamKey& key) {
    if (capacity == 0 || (capacity & (capacity - 1)) != 0)
        return make_error(ErrorCode::not_found, "no heads table");
    // The table may have been replaced by a larger one since the head was read.
    HeadsHeader header {};
    if (::pread(fd, &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) ||
        std::memcmp(header.magic, k_heads_magic, sizeof k_heads_magic) != 0 || header.capacity != capacity)
        return make_error(ErrorCode::not_found, "heads table of another capacity");
    constexpr uint64_t k_window = 64;  // slots per pread: probes are short at the table's load
    std::vector<HeadSlot> window(k_window);
    uint64_t mask = capacity - 1;
    uint64_t at = key.key & mask;
    for (uint64_t seen = 0; seen < capacity;) {
        uint64_t count = std::min(k_window, capacity - at);
        ssize_t got = ::pread(fd, window.data(), count * sizeof(HeadSlot),
                              static_cast<off_t>(k_heads_header_bytes + at * sizeof(HeadSlot)));
        if (got != static_cast<ssize_t>(count * sizeof(HeadSlot)))
            return make_error(ErrorCode::not_found, "short heads table");
        for (uint64_t i = 0; i < count; ++i, ++seen) {
            if (window[i].key == key.key && window[i].key2 == key.key2)
                return std::optional<HeadSlot> {window[i]};
            if (window[i].key == 0)
                return std::optional<HeadSlot> {};
        }
        at = (at + count) & mask;
    }
    return std::optional<HeadSlot> {};
}

namespace {

class Descriptor {
public:
    explicit Descriptor(int fd) : m_fd(fd) {}
    ~Descriptor() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    [[nodiscard]] int get() const { return m_fd; }

private:
    int m_fd;
};

// Reads records of one log backwards along a stream's chain; consecutive records of a stream
// are often close together, so one pread of a window usually serves several.
class LogWindow {
public:
    explicit LogWindow(int fd) : m_fd(fd) {}
    bool read(uint64_t offset, LogRecord& record) {
        size_t length = 0;
        if (offset >= m_start && offset < m_start + m_bytes.size() &&
            decode_log_record(std::string_view(m_bytes).substr(offset - m_start), record, length))
            return true;
        constexpr uint64_t k_window = 16384, k_after = 1024;
        m_start = offset + k_after > k_window ? offset + k_after - k_window : 0;
        m_bytes.resize(offset + k_after - m_start);
        ssize_t got = ::pread(m_fd, m_bytes.data(), m_bytes.size(), static_cast<off_t>(m_start));
        m_bytes.resize(got > 0 ? static_cast<size_t>(got) : 0);
        if (offset < m_start + m_bytes.size() &&
            decode_log_record(std::string_view(m_bytes).substr(offset - m_start), record, length))
            return true;
        // A record longer than the window's slack (a long stream name): read it alone.
        m_start = offset;
        m_bytes.resize(k_log_record_fixed_bytes + 65536);
        got = ::pread(m_fd, m_bytes.data(), m_bytes.size(), static_cast<off_t>(m_start));
        m_bytes.resize(got > 0 ? static_cast<size_t>(got) : 0);
        return decode_log_record(m_bytes, record, length);
    }

private:
    int m_fd;
    uint64_t m_start = 0;
    std::string m_bytes;
};

}  // namespace

Result<std::optional<std::vector<StreamRecord>>> read_indexed_stream(const Layout& layout, std::string_view stream) {
    using Answer = std::optional<std::vector<StreamRecord>>;
    StreamKey key = stream_key(stream);
    // A compaction or rebuild between our reads can make the parts disagree: try again.
    for (int attempt = 0; attempt < 3; ++attempt) {
        Descriptor head_fd(::open(layout.head_path().c_str(), O_RDONLY | O_CLOEXEC));
        if (head_fd.get() < 0)
            return Answer {};
        Result<HeadState> head = read_head(head_fd.get(), layout.head_path());
        if (!head.ok() || head->index_generation == 0)
            return Answer {};  // no index, or one of an older format: only a scan can answer
        // The log first: once open, it keeps every record of its generation even if a
        // compaction replaces it, and what it no longer holds is in the stream file read next.
        Descriptor log_fd(::open((layout.index_folder() + "/" + log_file_name(head->index_generation)).c_str(),
                                 O_RDONLY | O_CLOEXEC));
        if (log_fd.get() < 0)
            continue;
        Descriptor heads_fd(::open((layout.index_folder() + "/" + heads_file_name(head->heads_capacity)).c_str(),
                                   O_RDONLY | O_CLOEXEC));
        if (heads_fd.get() < 0)
            continue;
        Result<std::optional<HeadSlot>> slot = read_head_slot(heads_fd.get(), head->heads_capacity, key);
        if (!slot.ok())
            continue;
        uint64_t version = *slot ? (*slot)->version : 0;
        Result<std::vector<StreamRecord>> records =
            read_stream_records(layout.streams_folder() + "/" + stream_file_name(stream));
        if (!records.ok())
            return Answer {};
        if (!*slot && !records->empty())
            return Answer {};  // the table misses a stream the files have: scan
        if (records->size() >= version) {
            records->resize(version);
            return Answer {std::move(records.value())};
        }
        if ((*slot)->last_generation != head->index_generation || (*slot)->last == 0)
            continue;
        // Walk the stream's chain in the log back to what the stream file holds.
        uint64_t have = records->size();
        records->resize(version);
        LogWindow window(log_fd.get());
        uint64_t next = (*slot)->last;
        uint64_t expected = version;
        bool complete = true;
        while (expected > have) {
            LogRecord record;
            if (next == 0 || !window.read(next - 1, record) || record.version != expected || record.stream != stream) {
                complete = false;
                break;
            }
            (*records)[expected - 1] = record.record;
            --expected;
            next = record.prev;
        }
        if (complete)
            return Answer {std::move(records.value())};
    }
    return Answer {};
}

}  // namespace sc::store
