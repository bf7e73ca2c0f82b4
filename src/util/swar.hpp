#pragma once
// Eight bytes at a time in a 64-bit word ("SIMD within a register"): the scans that find the
// rare byte in mostly plain text (JSON escapes, non-ASCII, blanks) skip whole words with these.

#include <cstdint>
#include <cstring>

namespace sc::swar {

constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
constexpr std::uint64_t k_highs = 0x8080808080808080ULL;

inline std::uint64_t load(const char* bytes) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes, 8);
    return word;
}

/// Non-zero when some byte of `word` is zero. Exact about whether one is (not about which).
constexpr std::uint64_t has_zero_byte(std::uint64_t word) {
    return (word - k_ones) & ~word & k_highs;
}

/// Non-zero when some byte of `word` equals `byte`.
constexpr std::uint64_t has_byte(std::uint64_t word, unsigned char byte) {
    return has_zero_byte(word ^ (k_ones * byte));
}

/// Non-zero when some byte of `word` is below `limit` (at most 0x80).
constexpr std::uint64_t has_byte_below(std::uint64_t word, unsigned char limit) {
    return (word - k_ones * limit) & ~word & k_highs;
}

}  // namespace sc::swar
