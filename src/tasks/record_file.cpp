#include "tasks/record_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <utility>

#include "util/files.hpp"

namespace sc::tasks::record_file {

Mapping Mapping::open(const std::string& path, size_t minimum_size, bool populate) {
    Mapping mapping;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return mapping;  // none yet (or unreadable): rebuilt
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size < static_cast<off_t>(minimum_size) ||
        info.st_size == 0) {
        ::close(fd);
        return mapping;
    }
    size_t size = static_cast<size_t>(info.st_size);
    // Mapped, not read: the pages of a large file come from the page cache, where reading it
    // into fresh memory would fault every 4 KiB page (docs/performance.md).
#if defined(SC_MAP_POPULATE) && SC_MAP_POPULATE
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0);
#else
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED && populate)
        (void)::posix_madvise(map, size, POSIX_MADV_WILLNEED);
#endif
    ::close(fd);
    if (map == MAP_FAILED)
        return mapping;
    mapping.m_data = static_cast<const char*>(map);
    mapping.m_size = size;
    mapping.m_inode = static_cast<uint64_t>(info.st_ino);
    return mapping;
}

Mapping::~Mapping() {
    if (m_data != nullptr)
        ::munmap(const_cast<char*>(m_data), m_size);
}

Mapping::Mapping(Mapping&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)), m_inode(other.m_inode) {}

Mapping& Mapping::operator=(Mapping&& other) noexcept {
    if (this == &other)
        return *this;
    if (m_data != nullptr)
        ::munmap(const_cast<char*>(m_data), m_size);
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
    m_inode = other.m_inode;
    return *this;
}

bool commit_line(Cursor& cursor, size_t& records, std::string_view& token) {
    std::string_view rest = cursor.text.substr(cursor.position);
    size_t end = rest.find('\n');
    if (end == std::string_view::npos)
        return false;
    std::string_view line = rest.substr(0, end);
    size_t space = line.find(' ');
    token = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    std::string_view number = line.substr(0, space);
    if (number.empty() || (space != std::string_view::npos && token.empty()))
        return false;
    auto [next, error] = std::from_chars(number.data(), number.data() + number.size(), records);
    if (error != std::errc() || next != number.data() + number.size())
        return false;
    cursor.position += end + 1;
    return true;
}

size_t read_committed(std::string_view text, std::string_view header,
                      const std::function<bool(char kind, Cursor& cursor)>& on_record,
                      const std::function<void(std::string_view token)>& on_commit) {
    Cursor cursor {text, 0};
    if (!cursor.literal(header))
        return 0;  // another format or another build of sc
    size_t committed = cursor.position;
    size_t pending = 0;
    while (cursor.position + 2 <= text.size() && text[cursor.position + 1] == ' ') {
        char kind = text[cursor.position];
        cursor.position += 2;
        if (kind == 'C') {
            size_t count = 0;
            std::string_view token;
            if (!commit_line(cursor, count, token) || count != pending)
                break;
            on_commit(token);
            pending = 0;
            committed = cursor.position;
            continue;
        }
        if (!on_record(kind, cursor))
            break;
        ++pending;
    }
    return committed;
}

void append_commit(std::string& out, size_t records, std::string_view token) {
    out += "C ";
    text::append_decimal(out, static_cast<int64_t>(records), token.empty() ? '\n' : ' ');
    if (!token.empty()) {
        out += token;
        out += '\n';
    }
}

bool can_append(const std::string& path, uint64_t inode, size_t committed) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && static_cast<uint64_t>(info.st_ino) == inode &&
           static_cast<size_t>(info.st_size) == committed;
}

Rewrite::Rewrite(std::string path, std::string what)
    : m_path(std::move(path)),
      m_what(std::move(what)),
      m_temporary(m_path + ".tmp-" + std::to_string(::getpid()) + "-0") {
    m_fd = ::open(m_temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (m_fd < 0)
        m_status = files::from_errno(errno, "writing " + m_what, m_temporary);
}

Rewrite::~Rewrite() {
    if (m_fd >= 0) {  // never committed
        ::close(m_fd);
        ::unlink(m_temporary.c_str());
    }
}

void Rewrite::flush(bool all) {
    if (!all && out.size() < (size_t {1} << 20))
        return;
    if (m_status.ok() && m_fd >= 0)
        m_status = files::write_all(m_fd, out, m_temporary);
    out.clear();
}

Status Rewrite::commit(size_t records, std::string_view token) {
    if (m_fd < 0)
        return m_status;
    append_commit(out, records, token);
    flush(true);
    int fd = std::exchange(m_fd, -1);
    if (::close(fd) != 0 && m_status.ok())
        m_status = files::from_errno(errno, "writing " + m_what, m_temporary);
    if (m_status.ok() && ::rename(m_temporary.c_str(), m_path.c_str()) != 0)
        m_status = files::from_errno(errno, "replacing " + m_what, m_path);
    if (!m_status.ok())
        ::unlink(m_temporary.c_str());
    return m_status;
}

void remove_stale_temporaries(const std::string& folder, std::string_view file_name) {
    DIR* directory = ::opendir(folder.c_str());
    if (directory == nullptr)
        return;
    std::string prefix = std::string(file_name) + ".tmp-";
    while (dirent* entry = ::readdir(directory))
        if (std::string_view(entry->d_name).substr(0, prefix.size()) == prefix)
            (void)files::remove_if_stale_temporary(folder, entry->d_name);
    ::closedir(directory);
}

}  // namespace sc::tasks::record_file
