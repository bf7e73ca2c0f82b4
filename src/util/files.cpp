#include "util/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sc::files {

Error from_errno(int error_number, std::string_view action, const std::string& path) {
    std::string message = std::string(action) + " failed: " + std::strerror(error_number);
    std::string hint;
    ErrorCode code = ErrorCode::io;
    switch (error_number) {
        case ENOENT:
            code = ErrorCode::not_found;
            break;
        case ENOSPC:
        case EDQUOT:
            hint = "free some disk space and try again";
            break;
        case EROFS:
            hint = "the file system is read-only; choose a writable location";
            break;
        case EACCES:
        case EPERM:
            code = ErrorCode::io;
            hint = "check the permissions of the file and its folder";
            break;
        case EEXIST:
            code = ErrorCode::already_exists;
            break;
        case EFBIG:
            hint = "the file is larger than the system allows";
            break;
        default:
            break;
    }
    return make_error(code, std::move(message), Location {path, 0, {}}, std::move(hint));
}

namespace {

/// Reads `fd` to its end; with `short_read_ends`, a read shorter than asked is taken as the end
/// (true of regular files), which saves the last read of a small file.
Result<std::string> read_to_end(int fd, const std::string& path, std::string content, bool short_read_ends,
                                size_t max_bytes = SIZE_MAX) {
    char buffer[16384];
    for (;;) {
        ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            ::close(fd);
            return from_errno(saved, "reading", path);
        }
        content.append(buffer, static_cast<size_t>(got));
        if (content.size() > max_bytes) {
            ::close(fd);
            return make_error(ErrorCode::parse, "the file is larger than " + std::to_string(max_bytes) + " bytes",
                              Location {path, 0, {}}, {});
        }
        if (got == 0 || (short_read_ends && static_cast<size_t>(got) < sizeof buffer))
            break;
    }
    ::close(fd);
    return content;
}

/// The whole of a file just opened, its size known in advance; closes `fd`.
Result<std::string> read_opened(int fd, const std::string& path) {
    std::string content;
    struct stat info {};
    if (::fstat(fd, &info) == 0 && info.st_size > 0)
        content.reserve(static_cast<size_t>(info.st_size));
    return read_to_end(fd, path, std::move(content), false);
}

}  // namespace

Result<std::string> read(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return from_errno(errno, "reading", path);
    return read_opened(fd, path);
}

Result<std::optional<std::string>> read_if_exists(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return std::optional<std::string>();
        return from_errno(errno, "reading", path);
    }
    return std::optional<std::string>(SC_TRY(read_opened(fd, path)));
}

Result<std::string> read_regular(const std::string& path, size_t max_bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return from_errno(errno, "reading", path);
    return read_to_end(fd, path, {}, true, max_bytes);
}

namespace {

// Every byte of `bytes`, at the file's end (offset < 0) or at `offset`: interrupted writes are
// retried, and a write that takes no byte is a full disk rather than a reason to spin.
Status write_loop(int fd, std::string_view bytes, int64_t offset, std::string_view action, const std::string& path) {
    while (!bytes.empty()) {
        ssize_t wrote = offset < 0 ? ::write(fd, bytes.data(), bytes.size())
                                   : ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
        if (wrote < 0) {
            if (errno == EINTR)
                continue;
            return from_errno(errno, action, path);
        }
        if (wrote == 0)
            return make_error(ErrorCode::io, "the disk accepted no bytes", Location {path, 0, {}},
                              "free some disk space and try again");
        bytes.remove_prefix(static_cast<size_t>(wrote));
        if (offset >= 0)
            offset += wrote;
    }
    return {};
}

}  // namespace

Status write_all(int fd, std::string_view bytes, const std::string& path) {
    return write_loop(fd, bytes, -1, "writing", path);
}

Status pwrite_all(int fd, std::string_view bytes, uint64_t offset, const std::string& path) {
    return write_loop(fd, bytes, static_cast<int64_t>(offset), "writing", path);
}

Status append_existing(const std::string& path, std::string_view content) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return from_errno(errno, "appending to", path);
    Status written = write_all(fd, content, path);
    if (::close(fd) != 0 && written.ok())
        written = from_errno(errno, "writing", path);
    return written;
}

Status make_directories(const std::string& path, unsigned mode) {
    if (path.empty())
        return {};
    std::string partial;
    partial.reserve(path.size());
    size_t position = 0;
    while (position <= path.size()) {
        size_t slash = path.find('/', position);
        if (slash == std::string::npos)
            slash = path.size();
        partial = path.substr(0, slash);
        position = slash + 1;
        if (partial.empty())
            continue;
        if (::mkdir(partial.c_str(), mode) != 0 && errno != EEXIST)
            return from_errno(errno, "creating folder", partial);
    }
    if (!is_directory(path))
        return make_error(ErrorCode::io, "not a folder", Location {path, 0, {}},
                          "remove or rename the file in the way");
    return {};
}

bool exists(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
}

bool is_directory(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

Result<FileLock> FileLock::acquire(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return from_errno(errno, "opening lock file", path);
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        int saved = errno;
        ::close(fd);
        return from_errno(saved, "locking", path);
    }
    return FileLock(fd, true);
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd), m_owned(other.m_owned) {
    other.m_fd = -1;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        release();
        m_fd = other.m_fd;
        m_owned = other.m_owned;
        other.m_fd = -1;
    }
    return *this;
}

void FileLock::release() {
    if (m_fd < 0)
        return;
    if (m_owned)
        ::close(m_fd);  // closing the descriptor releases the flock
    else
        ::flock(m_fd, LOCK_UN);
    m_fd = -1;
}

FileLock::~FileLock() {
    release();
}

Result<FileLock> KeptLockFile::acquire() {
    // Twice at most: a file removed while held open is opened again once; removed again
    // right away, something is deleting it on purpose.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (m_fd < 0) {
            m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
            if (m_fd < 0)
                return from_errno(errno, "opening lock file", m_path);
        }
        while (::flock(m_fd, LOCK_EX) != 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            ::close(m_fd);
            m_fd = -1;
            return from_errno(saved, "locking", m_path);
        }
        struct stat info {};
        if (::fstat(m_fd, &info) == 0 && info.st_nlink > 0)
            return FileLock(m_fd, false);
        ::close(m_fd);  // removed or replaced: the lock others take is on another file
        m_fd = -1;
    }
    return make_error(ErrorCode::io, "the lock file was removed twice while it was being locked",
                      Location {m_path, 0, {}}, "find what deletes it, and stop it");
}

KeptLockFile::~KeptLockFile() {
    if (m_fd >= 0)
        ::close(m_fd);
}

}  // namespace sc::files
