#include "mcp/heap_reuse.hpp"

#if SC_HEAP_KEEP_FREED
#include <malloc.h>
#endif

namespace sc::mcp {

bool keep_freed_memory(size_t bytes) {
#if SC_HEAP_KEEP_FREED && !defined(__SANITIZE_ADDRESS__)
    // 32 MiB is glibc's largest mmap threshold on 64-bit systems (half a thread arena's heap).
    // Setting either value also stops glibc's own adjustment of both.
    constexpr int k_mmap_threshold = 32 << 20;
    int trim = bytes > (1U << 30) ? 1 << 30 : static_cast<int>(bytes);
    return ::mallopt(M_MMAP_THRESHOLD, k_mmap_threshold) == 1 && ::mallopt(M_TRIM_THRESHOLD, trim) == 1;
#else
    (void)bytes;
    return false;
#endif
}

}  // namespace sc::mcp
