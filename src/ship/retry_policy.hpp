#pragma once
// What the shipper does with each answer of an OTLP/HTTP backend, as the specification says:
// retry 429, 502, 503, 504 and connection failures with exponential backoff and jitter,
// honouring Retry-After; never retry anything else (docs/export.md, "Shipping").

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sc::ship {

enum class Verdict {
    delivered,     // 2xx: the batch is acknowledged (perhaps with a partial success)
    retry,         // 429, 502, 503, 504, or no answer: send the same batch again later
    reject_batch,  // 400, 413, 422: this batch can never be accepted; record it and move on
    stop,          // any other status: a setting is wrong (401, 403, 404, 415, 500, ...); stop
                   // shipping without moving the cursor, so nothing is lost once it is fixed
};

/// `status` 0 stands for a connection failure or a timeout.
Verdict classify(int status);

/// A Retry-After value: delay-seconds or an HTTP-date (RFC 9110), against `now_unix_nanos`.
/// nullopt when the value is neither; a date in the past is a zero delay.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, int64_t now_unix_nanos);

struct Backoff {
    std::chrono::milliseconds initial {1000};
    std::chrono::milliseconds maximum {30000};
    double multiplier = 2.0;
    /// Each delay is drawn uniformly from [(1 - jitter) * d, d], so shippers that failed
    /// together do not come back together.
    double jitter = 0.5;
    /// A Retry-After longer than this is cut to it: a backend cannot park us for a day.
    std::chrono::milliseconds max_retry_after {300000};
};

/// The wait before attempt `attempt + 1` (attempt counts from 0 for the first retry).
/// `random01` is a number in [0, 1). With a Retry-After the backend's delay is used as it is
/// (at least 100 ms, at most max_retry_after), without jitter: it asked for that time.
std::chrono::milliseconds retry_delay(const Backoff& backoff, unsigned attempt,
                                      std::optional<std::chrono::milliseconds> retry_after, double random01);

}  // namespace sc::ship
