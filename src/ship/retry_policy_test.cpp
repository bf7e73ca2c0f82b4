// The retry policy: which answers are retried, Retry-After in both forms, and the backoff.

#include "ship/retry_policy.hpp"

#include <gtest/gtest.h>

namespace sc::ship {
namespace {

using std::chrono::milliseconds;

// 2026-12-06T18:00:00Z
constexpr int64_t k_now = 1'796'580'000LL * 1'000'000'000LL;

TEST(RetryPolicy, RetriesOnlyWhatTheSpecificationCallsRetryable) {
    EXPECT_EQ(classify(200), Verdict::delivered);
    EXPECT_EQ(classify(202), Verdict::delivered);
    for (int status : {0, 429, 502, 503, 504})
        EXPECT_EQ(classify(status), Verdict::retry) << status;
    for (int status : {400, 413, 422})
        EXPECT_EQ(classify(status), Verdict::reject_batch) << status;
    for (int status : {301, 401, 403, 404, 405, 408, 415, 500, 501})
        EXPECT_EQ(classify(status), Verdict::stop) << status;
}

TEST(RetryPolicy, RetryAfterInSeconds) {
    EXPECT_EQ(parse_retry_after("2", k_now), milliseconds {2000});
    EXPECT_EQ(parse_retry_after(" 120 ", k_now), milliseconds {120000});
    EXPECT_EQ(parse_retry_after("0", k_now), milliseconds {0});
}

TEST(RetryPolicy, RetryAfterAsAnHttpDateInEachOfItsThreeForms) {
    EXPECT_EQ(parse_retry_after("Sun, 06 Dec 2026 18:00:30 GMT", k_now), milliseconds {30000});
    EXPECT_EQ(parse_retry_after("Sunday, 06-Dec-26 18:01:00 GMT", k_now), milliseconds {60000});
    EXPECT_EQ(parse_retry_after("Sun Dec  6 18:00:05 2026", k_now), milliseconds {5000});
    // A date already past means "now".
    EXPECT_EQ(parse_retry_after("Sun, 06 Dec 2026 17:00:00 GMT", k_now), milliseconds {0});
}

TEST(RetryPolicy, RetryAfterThatIsNeitherIsIgnored) {
    EXPECT_EQ(parse_retry_after("", k_now), std::nullopt);
    EXPECT_EQ(parse_retry_after("soon", k_now), std::nullopt);
    EXPECT_EQ(parse_retry_after("-5", k_now), std::nullopt);
    EXPECT_EQ(parse_retry_after("1.5", k_now), std::nullopt);
    EXPECT_EQ(parse_retry_after("Sun, 32 Dec 2026 18:00:30 GMT", k_now), std::nullopt);
}

TEST(RetryPolicy, BackoffDoublesUpToTheMaximumWithJitterBelowIt) {
    Backoff backoff;  // 1 s, x2, at most 30 s, jitter 0.5
    EXPECT_EQ(retry_delay(backoff, 0, std::nullopt, 0.0), milliseconds {1000});
    EXPECT_EQ(retry_delay(backoff, 1, std::nullopt, 0.0), milliseconds {2000});
    EXPECT_EQ(retry_delay(backoff, 4, std::nullopt, 0.0), milliseconds {16000});
    EXPECT_EQ(retry_delay(backoff, 5, std::nullopt, 0.0), milliseconds {30000});
    EXPECT_EQ(retry_delay(backoff, 500, std::nullopt, 0.0), milliseconds {30000});
    // Jitter takes up to half away, never adds.
    EXPECT_EQ(retry_delay(backoff, 1, std::nullopt, 0.5), milliseconds {1500});
    EXPECT_EQ(retry_delay(backoff, 1, std::nullopt, 0.999), milliseconds {1001});
}

TEST(RetryPolicy, RetryAfterIsUsedAsGivenWithinItsBounds) {
    Backoff backoff;
    EXPECT_EQ(retry_delay(backoff, 3, milliseconds {7000}, 0.9), milliseconds {7000});
    EXPECT_EQ(retry_delay(backoff, 0, milliseconds {0}, 0.0), milliseconds {100});
    EXPECT_EQ(retry_delay(backoff, 0, milliseconds {86'400'000}, 0.0), milliseconds {300000});
}

}  // namespace
}  // namespace sc::ship
