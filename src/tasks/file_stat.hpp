#pragma once
// What the listing cache compares to tell an unchanged task file: its size, inode, and mtime and
// ctime in nanoseconds (docs/layout.md, "The listing cache"). Taken once per file by whichever
// walk meets it first (the outside-edit check, or the listing itself) and handed along.

#include <sys/stat.h>

#include <cstdint>

namespace sc::tasks {

struct FileStat {
    uint64_t size = 0;
    uint64_t inode = 0;
    int64_t mtime_nanos = 0;
    int64_t ctime_nanos = 0;
    bool known = false;  // false: not taken (a listing stats the file itself)

    static FileStat of(const struct stat& info) {
        FileStat stat;
        stat.size = static_cast<uint64_t>(info.st_size);
        stat.inode = static_cast<uint64_t>(info.st_ino);
        stat.mtime_nanos = static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
        stat.ctime_nanos = static_cast<int64_t>(info.st_ctim.tv_sec) * 1'000'000'000 + info.st_ctim.tv_nsec;
        stat.known = true;
        return stat;
    }
    [[nodiscard]] bool same_file_as(const FileStat& other) const {
        return known && other.known && size == other.size && inode == other.inode && mtime_nanos == other.mtime_nanos &&
               ctime_nanos == other.ctime_nanos;
    }
};

}  // namespace sc::tasks
