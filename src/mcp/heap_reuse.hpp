#pragma once
// A long-lived server answers large requests again and again (task_list on 1,000 tasks writes
// several MB of JSON): glibc's malloc gives buffers that large their own mmap, and returns
// them, and the top of the heap, to the system when freed, so each request faulted its pages
// in afresh (about 900 page faults, half the server's CPU time per listing). Keeping freed
// memory, up to a bound, for the next request removes that. glibc's mallopt() behind a build
// option (SC_HEAP_KEEP_FREED); the fallback, elsewhere, leaves the allocator as it is.

#include <cstddef>

namespace sc::mcp {

/// Asks the allocator to serve allocations up to 32 MiB from its heap and to keep up to
/// `bytes` of freed memory at its top instead of returning it to the system. False when this
/// build does not (the POSIX fallback, or a sanitizer's allocator).
bool keep_freed_memory(size_t bytes);

}  // namespace sc::mcp
