#include "telemetry/sdk/ids.hpp"

#include <sys/random.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace sc::telemetry::sdk {
namespace {

uint64_t splitmix64(uint64_t& state) {
    uint64_t value = (state += 0x9e3779b97f4a7c15ULL);
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

uint64_t rotate_left(uint64_t value, int bits) {
    return (value << bits) | (value >> (64 - bits));
}

// xoshiro256++ (Blackman and Vigna): fast, 256 bits of state, good statistical quality. It is
// not a cryptographic generator, which ids do not need.
class Generator {
public:
    Generator() {
        uint64_t seed[4] {};
        if (::getrandom(seed, sizeof seed, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof seed)) {
            // No entropy yet (very early boot): mix time, pid and an address. Ids stay distinct
            // in practice; they are not secrets.
            uint64_t mix = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                           (static_cast<uint64_t>(::getpid()) << 32) ^ reinterpret_cast<uintptr_t>(this);
            for (uint64_t& word : seed)
                word = splitmix64(mix);
        }
        std::memcpy(m_state, seed, sizeof m_state);
        if ((m_state[0] | m_state[1] | m_state[2] | m_state[3]) == 0)
            m_state[0] = 1;
    }

    uint64_t next() {
        uint64_t result = rotate_left(m_state[0] + m_state[3], 23) + m_state[0];
        uint64_t shifted = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= shifted;
        m_state[3] = rotate_left(m_state[3], 45);
        return result;
    }

private:
    uint64_t m_state[4];
};

Generator& thread_generator() {
    thread_local Generator generator;
    return generator;
}

}  // namespace

uint64_t random_u64() {
    return thread_generator().next();
}

TraceId new_trace_id() {
    Generator& generator = thread_generator();
    TraceId id;
    do {
        id.high = generator.next();
        id.low = generator.next();
    } while (!id.is_valid());
    return id;
}

SpanId new_span_id() {
    Generator& generator = thread_generator();
    SpanId id;
    do {
        id.value = generator.next();
    } while (!id.is_valid());
    return id;
}

}  // namespace sc::telemetry::sdk
