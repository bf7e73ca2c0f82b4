// The floor of any listing that can trust stored bytes only after checking each file's stat
// (the listing cache, docs/layout.md): walk a folder tree with readdir and fstatat every file
// beside its folder's listing, doing nothing else. An edit in place (`>>`, an editor that
// writes over the file) changes the file's mtime and ctime but not its folder's, so no
// stat-validated listing can take less than this. Measured beside floor_read_files by
// bench/cli_bench.sh.
// Usage: floor_stat_files FOLDER   (prints the number of files and their total size)

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>

namespace {

struct Totals {
    long files = 0;
    long bytes = 0;
};

void walk(const std::string& folder, Totals& totals) {
    DIR* directory = ::opendir(folder.c_str());
    if (directory == nullptr)
        return;
    while (dirent* entry = ::readdir(directory)) {
        if (entry->d_name[0] == '.')
            continue;
        if (entry->d_type == DT_DIR) {
            walk(folder + "/" + entry->d_name, totals);
            continue;
        }
        struct stat info {};
        if (::fstatat(::dirfd(directory), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0) {
            ++totals.files;
            totals.bytes += info.st_size;
        }
    }
    ::closedir(directory);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: floor_stat_files FOLDER\n");
        return 2;
    }
    Totals totals;
    walk(argv[1], totals);
    std::printf("%ld files, %ld bytes\n", totals.files, totals.bytes);
    return 0;
}
