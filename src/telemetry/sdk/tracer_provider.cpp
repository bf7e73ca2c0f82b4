#include "telemetry/sdk/tracer_provider.hpp"

#include "telemetry/sdk/ids.hpp"

namespace sc::telemetry::sdk {
namespace {

const SystemClock k_system_clock;

// One recording span. Allocated when a sampled span starts and deleted when it ends; the data
// it collected moves on to the processors.
class RecordingSpan final : public SpanRecorder {
public:
    RecordingSpan(TracerProvider& provider, std::unique_ptr<SpanData> data)
        : m_provider(provider), m_data(std::move(data)) {}

    void set_attribute(std::string_view key, const ValueView& value) override {
        sdk::set_attribute(m_data->attributes, key, value, m_provider.limits().attributes, m_data->dropped_attributes);
    }

    void add_event(std::string_view name, AttributeList attributes, int64_t time) override {
        const SpanLimits& limits = m_provider.limits();
        if (m_data->events.size() >= limits.events) {
            ++m_data->dropped_events;
            return;
        }
        SpanEventData event;
        event.name = std::string(name);
        event.time = time != 0 ? time : m_provider.now();
        event.attributes = copy_attributes(attributes, limits.event_attributes, event.dropped_attributes);
        m_data->events.push_back(std::move(event));
    }

    void add_link(const SpanContext& context, AttributeList attributes) override {
        const SpanLimits& limits = m_provider.limits();
        if (!context.is_valid())
            return;
        if (m_data->links.size() >= limits.links) {
            ++m_data->dropped_links;
            return;
        }
        SpanLinkData link;
        link.context = context;
        link.attributes = copy_attributes(attributes, limits.link_attributes, link.dropped_attributes);
        m_data->links.push_back(std::move(link));
    }

    void set_status(StatusCode code, std::string_view description) override {
        // Ok is final; Unset never overrides; a description belongs only to Error.
        if (m_data->status == StatusCode::ok || code == StatusCode::unset)
            return;
        m_data->status = code;
        m_data->status_message = code == StatusCode::error ? std::string(description) : std::string();
    }

    void update_name(std::string_view name) override { m_data->name = std::string(name); }

    void record_exception(std::string_view type, std::string_view message, std::string_view stacktrace) override {
        ExceptionSink* sink = detail::g_exception_sink.load(std::memory_order_acquire);
        if (sink != nullptr)
            sink->record_exception(m_data->context, type, message, stacktrace);
        if (sink == nullptr || m_provider.exception_recording() == ExceptionRecording::logs_and_span_events) {
            std::vector<Attribute> attributes;
            if (!type.empty())
                attributes.push_back({"exception.type", type});
            if (!message.empty())
                attributes.push_back({"exception.message", message});
            if (!stacktrace.empty())
                attributes.push_back({"exception.stacktrace", stacktrace});
            add_event("exception", AttributeList {std::span<const Attribute>(attributes)}, 0);
        }
    }

    void end(int64_t end_time) override {
        m_data->end_time = end_time != 0 ? end_time : m_provider.now();
        m_provider.finish(std::move(m_data));
        delete this;
    }

private:
    TracerProvider& m_provider;
    std::unique_ptr<SpanData> m_data;
};

}  // namespace

TracerProvider::TracerProvider(TracerProviderOptions options)
    : m_options(std::move(options)), m_clock(m_options.clock != nullptr ? m_options.clock : &k_system_clock) {
    if (!m_options.sampler)
        m_options.sampler = make_parent_based_sampler(make_always_on_sampler());
}

TracerProvider::~TracerProvider() {
    shutdown();
}

Span TracerProvider::start_span(const InstrumentationScope& scope, std::string_view name, const SpanOptions& options) {
    if (m_shut_down.load(std::memory_order_relaxed))
        return {};
    const SpanContext* parent = options.parent;
    if (parent == nullptr && !options.new_root) {
        parent = detail::t_current_context;
        if (parent == nullptr && m_options.ambient_parent.is_valid())
            parent = &m_options.ambient_parent;
    }
    if (parent != nullptr && !parent->is_valid())
        parent = nullptr;

    SpanContext context;
    context.trace_id = parent != nullptr ? parent->trace_id : new_trace_id();
    SamplingDecision decision =
        m_options.sampler->should_sample(parent, context.trace_id, name, options.kind, options.attributes);
    context.span_id = new_span_id();
    context.trace_flags = decision == SamplingDecision::record_and_sample ? k_trace_flag_sampled : 0;
    if (parent != nullptr)
        context.trace_state = parent->trace_state;
    if (decision == SamplingDecision::drop)
        return Span {nullptr, std::move(context)};

    auto data = std::make_unique<SpanData>();
    data->scope = scope;
    data->name = std::string(name);
    data->context = context;
    if (parent != nullptr) {
        data->parent_span_id = parent->span_id;
        data->parent_remote = parent->remote;
    }
    data->kind = options.kind;
    data->start_time = options.start_time != 0 ? options.start_time : m_clock->now_unix_nanos();
    if (!options.attributes.empty())
        data->attributes = copy_attributes(options.attributes, m_options.limits.attributes, data->dropped_attributes);
    return Span {new RecordingSpan(*this, std::move(data)), std::move(context)};
}

void TracerProvider::finish(std::unique_ptr<SpanData> span) {
    if (!span->context.is_sampled())
        return;  // recorded but not sampled: processors may see it, exporters must not
    if (m_options.processors.size() == 1) {
        m_options.processors.front()->on_end(std::move(span));
        return;
    }
    for (size_t index = 0; index < m_options.processors.size(); ++index) {
        if (index + 1 == m_options.processors.size())
            m_options.processors[index]->on_end(std::move(span));
        else
            m_options.processors[index]->on_end(std::make_unique<SpanData>(*span));
    }
}

void TracerProvider::install() {
    detail::g_tracer_backend.store(this, std::memory_order_release);
}

void TracerProvider::uninstall() {
    TracerBackend* expected = this;
    detail::g_tracer_backend.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel);
}

bool TracerProvider::force_flush(std::chrono::milliseconds timeout) {
    bool flushed = true;
    for (auto& processor : m_options.processors)
        flushed = processor->force_flush(timeout) && flushed;
    return flushed;
}

bool TracerProvider::shutdown(std::chrono::milliseconds timeout) {
    uninstall();
    if (m_shut_down.exchange(true))
        return true;
    bool flushed = true;
    for (auto& processor : m_options.processors)
        flushed = processor->shutdown(timeout) && flushed;
    return flushed;
}

uint64_t TracerProvider::dropped() const {
    uint64_t total = 0;
    for (const auto& processor : m_options.processors)
        total += processor->dropped();
    return total;
}

}  // namespace sc::telemetry::sdk
