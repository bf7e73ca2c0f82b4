#pragma once
// FNV-1a, 64 bits: names index files after streams and fingerprints event ids. Not
// cryptographic; every use confirms a match against the stored line.

#include <cstdint>
#include <string_view>

namespace sc::store {

constexpr uint64_t fnv1a64(std::string_view bytes) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

}  // namespace sc::store
