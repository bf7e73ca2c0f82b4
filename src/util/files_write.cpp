// Writing whole files so that a crash at any moment leaves the old state or the new one, and
// no temporary behind (docs/layout.md, "How files are written").
//
// Two schemes behind one seam, chosen at build time:
// - unnamed temporaries (Linux, the default there): the bytes go into an O_TMPFILE inode of the
//   target's folder, which has no name and vanishes with the process if it dies. A new file gets
//   its name with linkat, which refuses an existing name; a replacement is linked to a
//   temporary name and renamed over the target, because linkat cannot replace. Only that last
//   step (two system calls) can leave a named temporary behind.
// - named temporaries (SC_PORTABLE_FILES, macOS and other POSIX systems): the bytes go into
//   `<name>.tmp-<pid>-<n>`, opened with O_EXCL; a new file gets its name with link (refusing an
//   existing name) and the temporary is unlinked; a replacement is a rename.
// The unnamed scheme falls back to the named one at run time when the file system refuses
// O_TMPFILE or linkat through /proc is not possible. A move that must not replace anything uses
// renameat2(RENAME_NOREPLACE) in the Linux build, a check then a rename in the portable one. Temporaries left by a
// killed command carry their owner's pid, so a later writer can tell them from live ones and remove them.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>  // renameat2
#include <string>

#include "util/files.hpp"

// Linux's calls (O_TMPFILE, linkat through /proc, renameat2) unless the portable build is asked for.
#if defined(__linux__) && defined(O_TMPFILE) && !defined(SC_PORTABLE_FILES)
#define SC_LINUX_FILE_CALLS 1
#else
#define SC_LINUX_FILE_CALLS 0
#endif

namespace sc::files {

namespace {

std::atomic<WriteStepHook> g_step_hook {nullptr};

void step(WriteStep reached, const std::string& path) {
    if (WriteStepHook hook = g_step_hook.load(std::memory_order_relaxed))
        hook(reached, path);
}

constexpr std::string_view k_temporary_marker = ".tmp-";
// How many temporary names to try when one is taken (a dead process with our pid left it).
constexpr int k_name_attempts = 64;

std::string folder_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

/// `<path>.tmp-<pid>-<n>`, a new n for each call in this process.
std::string temporary_name(const std::string& path) {
    static std::atomic<unsigned> counter {0};
    return path + std::string(k_temporary_marker) + std::to_string(::getpid()) + "-" +
           std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

/// fsync of a folder, so a name just added to it or replaced in it survives a power cut.
Status sync_folder(const std::string& path) {
    std::string folder = folder_of(path);
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return from_errno(errno, "syncing the folder of", path);
    int result = ::fsync(fd);
    int saved = errno;
    ::close(fd);
    // Some file systems cannot sync a folder (EINVAL): their names are as durable as they get.
    if (result != 0 && saved != EINVAL)
        return from_errno(saved, "syncing the folder of", path);
    return {};
}

/// Every byte into an open temporary, flushed when asked.
Status fill(int fd, std::string_view content, Durability durability, const std::string& path) {
    SC_TRY(write_all(fd, content, path));
    if (durability == Durability::sync && ::fdatasync(fd) != 0)
        return from_errno(errno, "syncing", path);
    return {};
}

Status close_checked(int fd, const std::string& path) {
    // A close can report a write the file system deferred (NFS, quotas): the bytes are lost.
    if (::close(fd) != 0)
        return from_errno(errno, "writing", path);
    return {};
}

/// A new temporary beside `path`, opened by name with O_EXCL; its name in `temporary`.
Result<int> open_named_temporary(const std::string& path, unsigned mode, std::string& temporary) {
    for (int attempt = 0; attempt < k_name_attempts; ++attempt) {
        temporary = temporary_name(path);
        int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            return from_errno(errno, "writing", path);
    }
    return from_errno(EEXIST, "writing a temporary beside", path);
}

/// Named temporary, then rename over the target.
Status replace_through_named(const std::string& path, std::string_view content, Durability durability, unsigned mode) {
    std::string temporary;
    int fd = SC_TRY(open_named_temporary(path, mode, temporary));
    step(WriteStep::temporary_named, path);
    Status written = fill(fd, content, durability, path);
    Status closed = close_checked(fd, path);
    if (written.ok())
        written = closed;
    if (written.ok()) {
        step(WriteStep::temporary_written, path);
        if (::rename(temporary.c_str(), path.c_str()) != 0)
            written = from_errno(errno, "renaming into place", path);
    }
    if (!written.ok()) {
        ::unlink(temporary.c_str());
        return written;
    }
    return durability == Durability::sync ? sync_folder(path) : Status {};
}

/// Named temporary, then link to the target (which refuses an existing name), then unlink.
Status create_through_named(const std::string& path, std::string_view content, unsigned mode, Durability durability) {
    std::string temporary;
    int fd = SC_TRY(open_named_temporary(path, mode, temporary));
    step(WriteStep::temporary_named, path);
    Status written = fill(fd, content, durability, path);
    Status closed = close_checked(fd, path);
    if (written.ok())
        written = closed;
    if (written.ok()) {
        step(WriteStep::temporary_written, path);
        if (::link(temporary.c_str(), path.c_str()) != 0) {
            int error = errno;
            if (error == EPERM || error == EOPNOTSUPP || error == ENOSYS || error == EMLINK) {
                // A file system without hard links (FAT, some network shares): claim the name
                // with O_EXCL and rename the complete file over the empty claim. Only a crash
                // between the two leaves an empty file, where the old scheme left a cut one.
                int claim = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
                if (claim < 0) {
                    written = from_errno(errno, "creating", path);
                } else {
                    ::close(claim);
                    if (::rename(temporary.c_str(), path.c_str()) != 0) {
                        written = from_errno(errno, "renaming into place", path);
                        ::unlink(path.c_str());
                    }
                }
            } else {
                written = from_errno(error, "creating", path);
            }
        } else {
            step(WriteStep::target_linked, path);
        }
    }
    ::unlink(temporary.c_str());
    if (!written.ok())
        return written;
    return durability == Durability::sync ? sync_folder(path) : Status {};
}

#if SC_LINUX_FILE_CALLS

/// An unnamed file in the folder of `path`; -1 with errno set when it cannot be made. The
/// errors of a file system or a kernel without O_TMPFILE are told apart by the caller.
int open_unnamed(const std::string& path, unsigned mode) {
    return ::open(folder_of(path).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
}

/// EOPNOTSUPP: the file system has no O_TMPFILE; EISDIR: the kernel predates it (the flag then
/// reads as opening the folder for writing); EINVAL: the flags were refused.
bool unnamed_refused(int error) {
    return error == EOPNOTSUPP || error == EISDIR || error == EINVAL;
}

enum class LinkOutcome { linked, unsupported, failed };

/// Gives the unnamed file `fd` the name `name`, which must not exist. Through
/// /proc/self/fd with AT_SYMLINK_FOLLOW: AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH on most
/// kernels. Without /proc (ENOENT) AT_EMPTY_PATH is tried; `unsupported` when neither works.
LinkOutcome link_unnamed(int fd, const std::string& name) {
    std::string self = "/proc/self/fd/" + std::to_string(fd);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0)
        return LinkOutcome::linked;
    if (errno != ENOENT || ::access("/proc/self/fd", F_OK) == 0)
        return LinkOutcome::failed;
    if (::linkat(fd, "", AT_FDCWD, name.c_str(), AT_EMPTY_PATH) == 0)
        return LinkOutcome::linked;
    return errno == EEXIST ? LinkOutcome::failed : LinkOutcome::unsupported;
}

#endif

}  // namespace

void set_write_step_hook(WriteStepHook hook) {
    g_step_hook.store(hook, std::memory_order_relaxed);
}

bool unnamed_temporaries_built() {
    return SC_LINUX_FILE_CALLS != 0;
}

long temporary_owner(std::string_view name) {
    // `<prefix>.tmp-<pid>-<n>` read from the end: digits, '-', digits, ".tmp-", a prefix.
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    size_t end = name.size();
    size_t at = end;
    while (at > 0 && is_digit(name[at - 1]))
        --at;
    if (at == end || at == 0 || name[at - 1] != '-')
        return 0;
    size_t pid_end = at - 1;
    at = pid_end;
    while (at > 0 && is_digit(name[at - 1]))
        --at;
    if (at == pid_end || pid_end - at > 9 || at <= k_temporary_marker.size() ||
        name.substr(at - k_temporary_marker.size(), k_temporary_marker.size()) != k_temporary_marker)
        return 0;
    return std::stol(std::string(name.substr(at, pid_end - at)));
}

int rename_no_replace(const std::string& from, const std::string& to) {
#if SC_LINUX_FILE_CALLS && defined(RENAME_NOREPLACE)
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
#endif
    struct stat info {};
    if (::lstat(to.c_str(), &info) == 0) {
        errno = EEXIST;
        return -1;
    }
    return ::rename(from.c_str(), to.c_str());
}

bool remove_if_stale_temporary(const std::string& folder, std::string_view name) {
    long owner = temporary_owner(name);
    if (owner <= 0 || owner == ::getpid())
        return false;
    // ESRCH: no such process. EPERM means it runs under another user: alive, left alone.
    if (::kill(static_cast<pid_t>(owner), 0) == 0 || errno != ESRCH)
        return false;
    std::string path = folder + "/" + std::string(name);
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
        return false;  // only files: a folder or link with such a name is not ours
    return ::unlink(path.c_str()) == 0;
}

Status write_atomic(const std::string& path, std::string_view content, Durability durability, unsigned mode) {
    struct stat existing {};
    if (::stat(path.c_str(), &existing) == 0)
        mode = existing.st_mode & 07777;
#if SC_LINUX_FILE_CALLS
    int fd = open_unnamed(path, mode);
    if (fd < 0) {
        if (unnamed_refused(errno))
            return replace_through_named(path, content, durability, mode);
        return from_errno(errno, "writing", path);
    }
    Status written = fill(fd, content, durability, path);
    if (!written.ok()) {
        ::close(fd);
        return written;
    }
    step(WriteStep::temporary_written, path);
    // linkat cannot replace a name: link to a fresh temporary name, then rename that over the
    // target. A crash between the two leaves the temporary for the next writer to remove.
    std::string temporary;
    LinkOutcome linked = LinkOutcome::failed;
    for (int attempt = 0; attempt < k_name_attempts; ++attempt) {
        temporary = temporary_name(path);
        linked = link_unnamed(fd, temporary);
        if (linked != LinkOutcome::failed || errno != EEXIST)
            break;
    }
    int link_error = errno;
    Status closed = close_checked(fd, path);
    if (linked == LinkOutcome::unsupported)
        return replace_through_named(path, content, durability, mode);
    if (linked == LinkOutcome::failed)
        return from_errno(link_error, "writing", path);
    step(WriteStep::temporary_named, path);
    if (!closed.ok()) {
        ::unlink(temporary.c_str());
        return closed;
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        Status renamed = from_errno(errno, "renaming into place", path);
        ::unlink(temporary.c_str());
        return renamed;
    }
    return durability == Durability::sync ? sync_folder(path) : Status {};
#else
    return replace_through_named(path, content, durability, mode);
#endif
}

Status create_exclusive(const std::string& path, std::string_view content, unsigned mode, Durability durability) {
#if SC_LINUX_FILE_CALLS
    int fd = open_unnamed(path, mode);
    if (fd < 0) {
        if (unnamed_refused(errno))
            return create_through_named(path, content, mode, durability);
        return from_errno(errno, "creating", path);
    }
    Status written = fill(fd, content, durability, path);
    if (!written.ok()) {
        ::close(fd);
        return written;
    }
    step(WriteStep::temporary_written, path);
    LinkOutcome linked = link_unnamed(fd, path);  // EEXIST when the name is taken: no clobber
    int link_error = errno;
    Status closed = close_checked(fd, path);
    if (linked == LinkOutcome::unsupported)
        return create_through_named(path, content, mode, durability);
    if (linked == LinkOutcome::failed)
        return from_errno(link_error, "creating", path);
    if (!closed.ok()) {
        ::unlink(path.c_str());  // never leave a file whose bytes may not all be there
        return closed;
    }
    return durability == Durability::sync ? sync_folder(path) : Status {};
#else
    return create_through_named(path, content, mode, durability);
#endif
}

}  // namespace sc::files
