#pragma once
// The tracing API: what domain code includes to create spans. Without an installed SDK (or with
// telemetry off at run time) starting a span is one atomic load and a branch and returns an
// empty Span whose methods do nothing; with SC_TELEMETRY_DISABLED every body compiles away.
//
//     constexpr sc::telemetry::Tracer k_tracer {"scopecraft.tasks"};
//     auto span = k_tracer.start_span("task.create");
//     auto scope = span.activate();          // children started on this thread nest under it
//     span.set_attribute("scopecraft.task.id", id);

#include <atomic>
#include <string_view>
#include <utility>

#include "telemetry/api/attributes.hpp"
#include "telemetry/api/build.hpp"
#include "telemetry/api/span_context.hpp"

namespace sc::telemetry {

/// OTLP Span.SpanKind values.
enum class SpanKind : uint8_t { internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };
/// OTLP Status.StatusCode values.
enum class StatusCode : uint8_t { unset = 0, ok = 1, error = 2 };

struct SpanOptions {
    SpanKind kind = SpanKind::internal;
    /// An explicit parent (another thread's or process's context). When null the span's
    /// parent is this thread's current span, or the process's ambient parent (TRACEPARENT).
    const SpanContext* parent = nullptr;
    /// Start a new trace even if there is a current span.
    bool new_root = false;
    /// Attributes known at start; the sampler sees them.
    AttributeList attributes {};
    /// Start time in Unix nanoseconds; 0 means now.
    int64_t start_time = 0;
};

/// The SDK side of one recording span. Implemented by the SDK; domain code never sees it.
class SpanRecorder {
public:
    virtual void set_attribute(std::string_view key, const ValueView& value) = 0;
    virtual void add_event(std::string_view name, AttributeList attributes, int64_t time) = 0;
    virtual void add_link(const SpanContext& context, AttributeList attributes) = 0;
    virtual void set_status(StatusCode code, std::string_view description) = 0;
    virtual void update_name(std::string_view name) = 0;
    virtual void record_exception(std::string_view type, std::string_view message, std::string_view stacktrace) = 0;
    /// Ends the span and hands it to the processors; the recorder is not used afterwards.
    virtual void end(int64_t end_time) = 0;

protected:
    ~SpanRecorder() = default;
};

class Span;
class Scope;

/// The SDK's tracer; installed once per process by the telemetry pipeline.
class TracerBackend {
public:
    virtual ~TracerBackend() = default;
    virtual Span start_span(const InstrumentationScope& scope, std::string_view name, const SpanOptions& options) = 0;
};

/// Where exception records go when no span records them (see Span::record_exception).
class ExceptionSink {
public:
    virtual ~ExceptionSink() = default;
    virtual void record_exception(const SpanContext& context, std::string_view type, std::string_view message,
                                  std::string_view stacktrace) = 0;
};

namespace detail {
inline std::atomic<TracerBackend*> g_tracer_backend {nullptr};
inline std::atomic<ExceptionSink*> g_exception_sink {nullptr};
/// The innermost active span context of this thread (see Scope). A plain pointer keeps the
/// thread-local access free of initialisation guards.
inline thread_local const SpanContext* t_current_context = nullptr;
inline const SpanContext k_invalid_context {};
}  // namespace detail

/// Makes a span context current on this thread until destroyed. Scopes nest and must be
/// destroyed in reverse order of creation (keep them on the stack).
class [[nodiscard]] Scope {
public:
    explicit Scope(const SpanContext& context)
#if SC_TELEMETRY_COMPILED
        : m_context(context), m_previous(detail::t_current_context) {
        detail::t_current_context = &m_context;
    }
#else
    {
        (void)context;
    }
#endif
    ~Scope() {
#if SC_TELEMETRY_COMPILED
        detail::t_current_context = m_previous;
#endif
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

private:
#if SC_TELEMETRY_COMPILED
    SpanContext m_context;
    const SpanContext* m_previous;
#endif
};

/// The current span context of this thread; invalid when there is none.
inline const SpanContext& current_context() {
#if SC_TELEMETRY_COMPILED
    const SpanContext* current = detail::t_current_context;
    return current != nullptr ? *current : detail::k_invalid_context;
#else
    return detail::k_invalid_context;
#endif
}

/// A handle to one span. Move-only; ends the span when destroyed if end() was not called.
/// A span whose trace was sampled out still carries a valid context (for propagation) but
/// records nothing. A Span is used by one thread at a time.
class [[nodiscard]] Span {
public:
    Span() = default;
    Span(SpanRecorder* recorder, SpanContext context) : m_recorder(recorder), m_context(std::move(context)) {}
    Span(Span&& other) noexcept
        : m_recorder(std::exchange(other.m_recorder, nullptr)), m_context(std::move(other.m_context)) {}
    Span& operator=(Span&& other) noexcept {
        if (this != &other) {
            end();
            m_recorder = std::exchange(other.m_recorder, nullptr);
            m_context = std::move(other.m_context);
        }
        return *this;
    }
    Span(const Span&) = delete;
    Span& operator=(const Span&) = delete;
    ~Span() { end(); }

    [[nodiscard]] bool is_recording() const { return m_recorder != nullptr; }
    [[nodiscard]] const SpanContext& context() const { return m_context; }

    void set_attribute(std::string_view key, const ValueView& value) {
        if (m_recorder != nullptr)
            m_recorder->set_attribute(key, value);
    }
    void set_attributes(AttributeList attributes) {
        if (m_recorder != nullptr)
            for (const Attribute& attribute : attributes)
                m_recorder->set_attribute(attribute.key, attribute.value);
    }
    void add_event(std::string_view name, AttributeList attributes = {}, int64_t time = 0) {
        if (m_recorder != nullptr)
            m_recorder->add_event(name, attributes, time);
    }
    void add_link(const SpanContext& context, AttributeList attributes = {}) {
        if (m_recorder != nullptr)
            m_recorder->add_link(context, attributes);
    }
    void set_status(StatusCode code, std::string_view description = {}) {
        if (m_recorder != nullptr)
            m_recorder->set_status(code, description);
    }
    void update_name(std::string_view name) {
        if (m_recorder != nullptr)
            m_recorder->update_name(name);
    }
    /// Marks the span failed the way the semantic conventions ask: status Error with a
    /// description and `error.type` (a low-cardinality class such as "io" or "not_found").
    void set_error(std::string_view error_type, std::string_view description = {}) {
        if (m_recorder != nullptr) {
            m_recorder->set_attribute("error.type", error_type);
            m_recorder->set_status(StatusCode::error, description);
        }
    }
    /// Records an exception as the current semantic conventions say: a log record carrying
    /// exception.type/.message/.stacktrace, correlated with this span (span events for
    /// exceptions are deprecated; the SDK can add one too when configured to).
    void record_exception(std::string_view type, std::string_view message, std::string_view stacktrace = {}) {
#if SC_TELEMETRY_COMPILED
        if (m_recorder != nullptr) {
            m_recorder->record_exception(type, message, stacktrace);
        } else if (ExceptionSink* sink = detail::g_exception_sink.load(std::memory_order_acquire)) {
            sink->record_exception(m_context, type, message, stacktrace);
        }
#else
        (void)type, (void)message, (void)stacktrace;
#endif
    }
    /// Ends the span now (or at `end_time`, Unix nanoseconds); later calls do nothing.
    void end(int64_t end_time = 0) {
        if (m_recorder != nullptr)
            std::exchange(m_recorder, nullptr)->end(end_time);
    }
    /// Makes this span the current one on this thread for the life of the returned Scope.
    Scope activate() const {
        return Scope {m_context};
    }

private:
    SpanRecorder* m_recorder = nullptr;
    SpanContext m_context;
};

/// A named source of spans (the OTel Tracer). Cheap to construct; usually a constexpr global.
class Tracer {
public:
    constexpr explicit Tracer(std::string_view name, std::string_view version = {}) : m_scope {name, version} {}

    Span start_span(std::string_view name, const SpanOptions& options = {}) const {
#if SC_TELEMETRY_COMPILED
        TracerBackend* backend = detail::g_tracer_backend.load(std::memory_order_acquire);
        if (backend != nullptr)
            return backend->start_span(m_scope, name, options);
#else
        (void)name, (void)options;
#endif
        return {};
    }
    [[nodiscard]] const InstrumentationScope& scope() const {
        return m_scope;
    }

private:
    InstrumentationScope m_scope;
};

/// True when an SDK is installed and spans may be recorded: guard expensive attribute work.
inline bool tracing_enabled() {
#if SC_TELEMETRY_COMPILED
    return detail::g_tracer_backend.load(std::memory_order_relaxed) != nullptr;
#else
    return false;
#endif
}

}  // namespace sc::telemetry
