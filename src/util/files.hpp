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

/// How hard a write tries to reach the disk before returning: `sync` flushes the file's data
/// before it gets its name, and the folder after, so the name survives a power cut too.
enum class Durability { none, sync };

// New content never appears under its final name until it is complete, and a temporary never
// outlives its command (docs/layout.md, "How files are written"). Linux builds write into an
// unnamed O_TMPFILE inode and give it its name with linkat, so a killed command leaves nothing;
// `-DSC_PORTABLE_FILES=ON` (and any system or file system without O_TMPFILE) writes a named
// temporary `<name>.tmp-<pid>-<n>` beside the target instead, which a later write removes once
// its owner has ended (remove_if_stale_temporary).

/// Replaces a file's content atomically: the new bytes are written to a temporary beside it,
/// then renamed over the target, so a reader sees the old or the new content, never a mix.
/// `mode` applies to a newly created file; an existing file keeps its permissions.
Status write_atomic(const std::string& path, std::string_view content, Durability durability = Durability::none,
                    unsigned mode = 0644);

/// Creates a file that must not exist yet, complete or not at all: the bytes are written to a
/// temporary first and then linked to `path`, which fails if the name is taken (no clobber).
/// ErrorCode::already_exists if another process got there first: this is what makes
/// concurrent creates safe.
Status create_exclusive(const std::string& path, std::string_view content, unsigned mode = 0644,
                        Durability durability = Durability::none);

/// rename(2) that refuses to replace an existing file or folder: 0, or -1 with errno set
/// (EEXIST when `to` exists). Linux's renameat2(RENAME_NOREPLACE) is atomic; the portable build,
/// and file systems without it, check and then rename, which callers make safe by holding the
/// tree lock.
int rename_no_replace(const std::string& from, const std::string& to);

/// The owner's process id in a temporary's name (`<name>.tmp-<pid>-<n>`), 0 when `name` is not
/// one. Cheap enough for every name of a listing: most names are rejected by their last byte.
long temporary_owner(std::string_view name);
/// Removes `<folder>/<name>` when it is a temporary whose owner process has ended (a command
/// killed between writing and renaming). Callers hold the lock of the tree being written, so no
/// other writer of that tree is half-way. True when a file was removed.
bool remove_if_stale_temporary(const std::string& folder, std::string_view name);

/// Steps of write_atomic and create_exclusive at which a crash leaves something different.
enum class WriteStep {
    temporary_written,  // every byte is in the temporary; nothing has the target's name yet
    temporary_named,    // the temporary has a name in the folder (linked or opened by name)
    target_linked,      // create_exclusive through a named temporary: both names exist
};
/// Test seam for crash tests: called at each step with the target's path (a test kills the
/// process there). Null, the default, costs a comparison.
using WriteStepHook = void (*)(WriteStep step, const std::string& path);
void set_write_step_hook(WriteStepHook hook);
/// True when this build writes through unnamed O_TMPFILE temporaries (not SC_PORTABLE_FILES).
bool unnamed_temporaries_built();

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

class KeptLockFile;

/// An exclusive advisory lock (flock) on a lock file, released on destruction.
class FileLock {
public:
    static Result<FileLock> acquire(const std::string& path);
    /// Holds nothing: what a caller gets for a lock its thread holds already
    /// (tasks::FolderPass holds the tree's while an operation runs).
    FileLock() = default;
    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

private:
    friend class KeptLockFile;
    /// `owned`: the lock closes the descriptor when it goes; otherwise (a KeptLockFile's) it
    /// only unlocks it.
    FileLock(int fd, bool owned) : m_fd(fd), m_owned(owned) {}
    void release();
    int m_fd = -1;
    bool m_owned = true;
};

/// A lock file that a long-lived process keeps open between its holds (a server's requests):
/// a hold is a flock and an fstat instead of an open, a flock and a close. A file removed or
/// replaced meanwhile (the open one has no link left) is opened again, so the process never
/// holds a lock on a file that other processes no longer find. Must outlive its locks.
class KeptLockFile {
public:
    explicit KeptLockFile(std::string path) : m_path(std::move(path)) {}
    KeptLockFile(const KeptLockFile&) = delete;
    KeptLockFile& operator=(const KeptLockFile&) = delete;
    ~KeptLockFile();

    /// Waits for the lock; the FileLock unlocks it when it goes, and the file stays open.
    Result<FileLock> acquire();
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    std::string m_path;
    int m_fd = -1;
};

}  // namespace sc::files
