#pragma once
// Time behind a seam: wall time for records, a fixed clock for tests.

#include <chrono>
#include <cstdint>
#include <string>

namespace sc {

class Clock {
public:
    virtual ~Clock() = default;
    /// Nanoseconds since the Unix epoch (UTC).
    [[nodiscard]] virtual int64_t now_unix_nanos() const = 0;
};

class SystemClock final : public Clock {
public:
    [[nodiscard]] int64_t now_unix_nanos() const override;
};

/// A clock that returns what it is told; tests advance it by hand.
class FixedClock final : public Clock {
public:
    explicit FixedClock(int64_t unix_nanos) : m_now(unix_nanos) {}
    [[nodiscard]] int64_t now_unix_nanos() const override { return m_now; }
    void set(int64_t unix_nanos) { m_now = unix_nanos; }
    void advance(std::chrono::nanoseconds by) { m_now += by.count(); }

private:
    int64_t m_now;
};

/// RFC 3339 UTC with nanoseconds: 2026-11-27T13:51:01.123456789Z.
std::string format_rfc3339_nanos(int64_t unix_nanos);
/// Parses RFC 3339 (with or without fraction, Z or +hh:mm offset) or a plain date YYYY-MM-DD
/// (midnight UTC). Returns false when the text is not such a time.
bool parse_rfc3339(const std::string& text, int64_t& unix_nanos);
/// "YYYY-MM-DD" of the UTC day, and of the local day.
std::string utc_date(int64_t unix_nanos);
std::string local_date(int64_t unix_nanos);
/// Two-digit local month ("01".."12") and "YYYY-MM" of the local month.
std::string local_month_digits(int64_t unix_nanos);
std::string local_year_month(int64_t unix_nanos);

}  // namespace sc
