// Random ids: distinct, non-zero, formatted as lowercase hex of the right length.

#include "telemetry/sdk/ids.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <utility>
#include <vector>

namespace sc::telemetry::sdk {
namespace {

TEST(Ids, TraceIdsAreDistinctAndNonZero) {
    std::set<std::pair<uint64_t, uint64_t>> seen;
    for (int index = 0; index < 10000; ++index) {
        TraceId id = new_trace_id();
        ASSERT_TRUE(id.is_valid());
        EXPECT_TRUE(seen.insert({id.high, id.low}).second);
    }
}

TEST(Ids, SpanIdsAreDistinctAcrossThreads) {
    std::vector<std::vector<uint64_t>> per_thread(4);
    std::vector<std::thread> threads;
    for (auto& ids : per_thread)
        threads.emplace_back([&ids] {
            for (int index = 0; index < 5000; ++index)
                ids.push_back(new_span_id().value);
        });
    for (auto& thread : threads)
        thread.join();
    std::set<uint64_t> all;
    for (const auto& ids : per_thread)
        for (uint64_t id : ids) {
            EXPECT_NE(id, 0u);
            all.insert(id);
        }
    EXPECT_EQ(all.size(), 20000u);
}

TEST(Ids, HexIsLowercaseWithFixedLength) {
    for (int index = 0; index < 100; ++index) {
        std::string trace = to_hex(new_trace_id());
        std::string span = to_hex(new_span_id());
        ASSERT_EQ(trace.size(), 32u);
        ASSERT_EQ(span.size(), 16u);
        for (char character : trace + span)
            EXPECT_TRUE((character >= '0' && character <= '9') || (character >= 'a' && character <= 'f'));
    }
}

TEST(Ids, BitsAreBalanced) {
    // A weak check that the generator is not stuck: about half of 64,000 bits are set.
    int ones = 0;
    for (int index = 0; index < 1000; ++index)
        ones += __builtin_popcountll(random_u64());
    EXPECT_GT(ones, 31000);
    EXPECT_LT(ones, 33000);
}

}  // namespace
}  // namespace sc::telemetry::sdk
