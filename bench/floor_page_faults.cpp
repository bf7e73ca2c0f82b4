// What a page fault costs on this machine: touch N fresh 4 KiB pages of anonymous memory.
// On some virtual machines a first touch costs 10-20 µs instead of well under 1 µs, and then
// the memory a command touches, not its instructions, sets its time (docs/performance.md).
// Usage: floor_page_faults PAGES

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: floor_page_faults PAGES\n");
        return 2;
    }
    long pages = std::atol(argv[1]);
    if (pages <= 0)
        return 0;
    auto* memory = static_cast<volatile char*>(
        ::mmap(nullptr, static_cast<size_t>(pages) * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (memory == MAP_FAILED)
        return 1;
    for (long page = 0; page < pages; ++page)
        memory[page * 4096] = 1;
    return 0;
}
