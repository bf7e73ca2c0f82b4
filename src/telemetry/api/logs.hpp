#pragma once
// The logs API (the OTel Logs Bridge, used directly): structured records with a severity, a
// body and attributes, correlated with the current span.
//
//     constexpr sc::telemetry::Logger k_log {"scopecraft.worktree"};
//     k_log.warn("worktree is dirty", {{"vcs.repository.ref.name", branch}});

#include <atomic>
#include <cstdint>
#include <string_view>

#include "telemetry/api/attributes.hpp"
#include "telemetry/api/build.hpp"
#include "telemetry/api/trace.hpp"

namespace sc::telemetry {

/// OTLP SeverityNumber: the first value of each range.
enum class Severity : uint8_t { trace = 1, debug = 5, info = 9, warn = 13, error = 17, fatal = 21 };

class LogBackend {
public:
    explicit LogBackend(Severity minimum) : m_minimum(static_cast<uint8_t>(minimum)) {}
    virtual ~LogBackend() = default;
    LogBackend(const LogBackend&) = delete;
    LogBackend& operator=(const LogBackend&) = delete;

    /// `context` is the span the record belongs to (may be invalid); `event_name` names an
    /// event record (e.g. "exception") and is empty for plain logs.
    virtual void emit(const InstrumentationScope& scope, Severity severity, std::string_view body,
                      AttributeList attributes, const SpanContext& context, std::string_view event_name) = 0;

    /// Records below this severity are dropped before any work is done (telemetry.level).
    [[nodiscard]] bool accepts(Severity severity) const { return static_cast<uint8_t>(severity) >= m_minimum; }

private:
    const uint8_t m_minimum;
};

namespace detail {
inline std::atomic<LogBackend*> g_log_backend {nullptr};
}

/// A named source of log records (the OTel Logger). Usually a constexpr global.
class Logger {
public:
    constexpr explicit Logger(std::string_view name, std::string_view version = {}) : m_scope {name, version} {}

    [[nodiscard]] bool enabled(Severity severity) const {
#if SC_TELEMETRY_COMPILED
        LogBackend* backend = detail::g_log_backend.load(std::memory_order_acquire);
        return backend != nullptr && backend->accepts(severity);
#else
        (void)severity;
        return false;
#endif
    }

    void emit(Severity severity, std::string_view body, AttributeList attributes = {},
              std::string_view event_name = {}) const {
#if SC_TELEMETRY_COMPILED
        LogBackend* backend = detail::g_log_backend.load(std::memory_order_acquire);
        if (backend != nullptr && backend->accepts(severity))
            backend->emit(m_scope, severity, body, attributes, current_context(), event_name);
#else
        (void)severity, (void)body, (void)attributes, (void)event_name;
#endif
    }

    void debug(std::string_view body, AttributeList attributes = {}) const {
        emit(Severity::debug, body, attributes);
    }
    void info(std::string_view body, AttributeList attributes = {}) const {
        emit(Severity::info, body, attributes);
    }
    void warn(std::string_view body, AttributeList attributes = {}) const {
        emit(Severity::warn, body, attributes);
    }
    void error(std::string_view body, AttributeList attributes = {}) const {
        emit(Severity::error, body, attributes);
    }

    [[nodiscard]] const InstrumentationScope& scope() const {
        return m_scope;
    }

private:
    InstrumentationScope m_scope;
};

}  // namespace sc::telemetry
