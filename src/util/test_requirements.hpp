#pragma once
// For tests that need something a machine may refuse (mounting a file system, a bind mount):
// they skip where it is missing, except in CI, which sets SC_REQUIRE_ALL_SUITES=1
// (scripts/test.sh) so that a suite that cannot run fails the run instead of passing unseen.
// Header-only, for test programs.

#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

namespace sc::test_requirements {

inline bool all_suites_required() {
    const char* value = std::getenv("SC_REQUIRE_ALL_SUITES");
    return value != nullptr && std::strcmp(value, "1") == 0;
}

}  // namespace sc::test_requirements

/// Skips the current test with `reason`, or fails it with `reason` under SC_REQUIRE_ALL_SUITES=1.
#define SC_SKIP_OR_FAIL(reason)                                                                          \
    do {                                                                                                 \
        if (::sc::test_requirements::all_suites_required())                                              \
            FAIL() << (reason) << " (SC_REQUIRE_ALL_SUITES=1: this test must run here, not be skipped)"; \
        GTEST_SKIP() << (reason);                                                                        \
    } while (0)
