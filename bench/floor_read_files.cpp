// The floor for listing tasks (../shared notes, "read 1,000 task files"): walk a folder tree
// with readdir and read every file with open + one read + close, doing nothing else. `sc task
// list` is measured against this, side by side, in bench/cli_bench.sh.
// Usage: floor_read_files FOLDER   (prints the number of files and bytes read)

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

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
    static char buffer[65536];
    while (dirent* entry = ::readdir(directory)) {
        if (entry->d_name[0] == '.')
            continue;
        std::string path = folder + "/" + entry->d_name;
        if (entry->d_type == DT_DIR) {
            walk(path, totals);
            continue;
        }
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t got = ::read(fd, buffer, sizeof buffer);
        ::close(fd);
        if (got > 0) {
            ++totals.files;
            totals.bytes += got;
        }
    }
    ::closedir(directory);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: floor_read_files FOLDER\n");
        return 2;
    }
    Totals totals;
    walk(argv[1], totals);
    std::printf("%ld files, %ld bytes\n", totals.files, totals.bytes);
    return 0;
}
