#pragma once
// The id index's blocks of names (tasks/id_index.hpp): names that each end in NUL, the one byte
// no file name holds, so any name round-trips. A folder's ids are kept sorted, so those with a
// prefix are found by a binary search; the ids sc created since a record was written are not.
// Internal to id_index.cpp and id_index_file.cpp.

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sc::tasks::id_blocks {

inline constexpr char k_end = '\0';

/// A block of names, each ending in NUL (empty or ending in NUL: anything else is damage).
inline bool well_formed(std::string_view block) {
    return block.empty() || block.back() == k_end;
}

/// Calls `on_id` for each name of `block` starting with `prefix` (every name when it is empty).
/// A folder's block is sorted: the names with the prefix are found by a binary search over the
/// bytes (a step backs up to the start of the name it lands in), so a create reads a few pages
/// of a folder of 10,000 tasks instead of all of them.
inline void scan_sorted(std::string_view block, std::string_view prefix,
                        const std::function<void(std::string_view)>& on_id) {
    size_t low = 0;
    size_t high = block.size();
    while (!prefix.empty() && low < high) {
        size_t middle = low + (high - low) / 2;
        size_t start = middle == 0 ? 0 : block.rfind(k_end, middle - 1);
        start = start == std::string_view::npos || middle == 0 ? 0 : start + 1;
        if (start < low)
            start = low;
        size_t end = block.find(k_end, start);
        if (block.substr(start, end - start) < prefix)
            low = end + 1;
        else
            high = start;
    }
    for (size_t at = low; at < block.size();) {
        size_t end = block.find(k_end, at);
        std::string_view name = block.substr(at, end - at);
        if (name.substr(0, prefix.size()) != prefix)
            break;
        on_id(name);
        at = end + 1;
    }
}

/// The same for a block in no order (the ids sc created since a folder's record was written).
inline void scan_unsorted(std::string_view block, std::string_view prefix,
                          const std::function<void(std::string_view)>& on_id) {
    for (size_t at = 0; at < block.size();) {
        size_t end = block.find(k_end, at);
        std::string_view name = block.substr(at, end - at);
        if (name.substr(0, prefix.size()) == prefix)
            on_id(name);
        at = end + 1;
    }
}

/// The names of `blocks` as one sorted block.
inline std::string sorted_block(const std::vector<std::string_view>& blocks) {
    std::vector<std::string_view> names;
    for (std::string_view block : blocks)
        scan_unsorted(block, {}, [&names](std::string_view name) { names.push_back(name); });
    std::sort(names.begin(), names.end());
    std::string out;
    for (std::string_view name : names) {
        out += name;
        out += k_end;
    }
    return out;
}

}  // namespace sc::tasks::id_blocks
