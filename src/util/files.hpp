#pragma once
// Filesystem helpers built on plain POSIX calls: open/read beats std::ifstream by 60 % on small
// files (../docs/performance.md), and every failure comes back as an Error naming the path.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace sc::files {

/// Reads a whole file. ErrorCode::not_found when it does not exist.
Result<std::string> read(const std::string& path);
/// Reads a whole file that may well not exist (a configuration file): nullopt when it or a
/// folder on its path is missing, without building an error for it.
Result<std::optional<std::string>> read_if_exists(const std::string& path);
/// Reads a whole file known to be a regular file (a folder listing said so): the same result
/// as read() in fewer system calls, because a read from a regular file that returns less than
/// asked has reached the end. A small file costs open, one read and close; a listing of 1,000
/// task files spends most of its system time here. A file longer than `max_bytes` is refused
/// (ErrorCode::parse) as soon as that much has been read, so its size costs no more memory.
Result<std::string> read_regular(const std::string& path, size_t max_bytes = SIZE_MAX);

/// How hard a write tries to reach the disk before returning.
enum class Durability { none, sync };

/// Replaces a file's content atomically: writes a temporary file beside it, then renames it
/// over the target, so a reader sees the old or the new content, never a mix. `mode` applies
/// to a newly created file; an existing file keeps its permissions.
Status write_atomic(const std::string& path, std::string_view content, Durability durability = Durability::none,
                    unsigned mode = 0644);

/// Creates a file that must not exist yet (O_EXCL), then writes it. ErrorCode::already_exists
/// if another process got there first: this is what makes concurrent creates safe.
Status create_exclusive(const std::string& path, std::string_view content, unsigned mode = 0644);

/// Writes every byte of `bytes` to an open file, at its position (write_all) or at `offset`
/// (pwrite_all). Interrupted writes are retried; a disk that takes no byte is an error.
Status write_all(int fd, std::string_view bytes, const std::string& path);
Status pwrite_all(int fd, std::string_view bytes, uint64_t offset, const std::string& path);

/// Appends to a file that must already exist (O_APPEND, no O_CREAT): ErrorCode::not_found when
/// it does not. A write cut short (a full disk) can leave part of `content` at the end.
Status append_existing(const std::string& path, std::string_view content);

/// mkdir -p with the given mode for the folders it creates.
Status make_directories(const std::string& path, unsigned mode = 0755);

bool exists(const std::string& path);
bool is_directory(const std::string& path);

/// Turns errno into an Error: disk full, read-only, permission denied each get their own hint.
Error from_errno(int error_number, std::string_view action, const std::string& path);

/// An exclusive advisory lock (flock) on a lock file, released on destruction.
class FileLock {
public:
    static Result<FileLock> acquire(const std::string& path);
    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

private:
    explicit FileLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

}  // namespace sc::files
