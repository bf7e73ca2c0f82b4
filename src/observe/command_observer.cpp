#include "observe/command_observer.hpp"

#include <unistd.h>

#include <algorithm>

#include "observe/telemetry_location.hpp"
#include "telemetry/sdk/propagation.hpp"

namespace sc::observe {

namespace {

constexpr telemetry::Tracer k_cli_tracer {"scopecraft.cli", "0.1.0"};
constexpr const char* k_version = "0.1.0";

constexpr telemetry::InstrumentDescriptor k_tasks_by_status {
    "scopecraft.tasks",
    "scopecraft.tasks",
    "{task}",
    "Tasks in the tree by status, as the last listing saw them",
    telemetry::InstrumentKind::observable_gauge,
    true,
    {}};

void observe_status_counts(telemetry::Observer& observer, void* state) {
    const auto* counts = static_cast<const std::map<std::string, int64_t>*>(state);
    for (const auto& [status, count] : *counts) {
        const telemetry::Attribute attributes[] = {{"scopecraft.task.status", std::string_view(status)}};
        observer.observe(count, std::span<const telemetry::Attribute>(attributes));
    }
}

}  // namespace

tasks::TreeRoots tree_roots(const tasks::TaskTree& tree) {
    tasks::TreeRoots roots;
    roots.store = tree.store().path;
    for (const tasks::TreeRoot& root : tree.roots())
        if (root.kind == tasks::TreeKind::project_local)
            roots.project_local = root.path;
    return roots;
}

namespace {

/// The pipeline of a command, or of a server session: every signal goes to `sink` (deferred:
/// stored when its owner says), exported in the caller's thread.
std::unique_ptr<telemetry::Pipeline> start_pipeline(const telemetry::sdk::TelemetrySettings& settings,
                                                    const Environment* environment, const Clock* clock,
                                                    std::function<std::shared_ptr<StoreSignalSink>()> make_sink,
                                                    std::function<void(const Error&)> report,
                                                    const std::function<void(const Error&)>& warn) {
    telemetry::PipelineOptions pipeline;
    pipeline.settings = settings;
    pipeline.process = telemetry::ProcessKind::short_lived;
    pipeline.service_version = k_version;
    pipeline.environment = environment;
    pipeline.clock = clock;
    // The pipeline asks for the sink only when some signal goes to the store. A CLI command
    // exports every signal at exit: the sink keeps the lines until finish() stores them at once.
    pipeline.make_sink = [make_sink = std::move(make_sink)]() -> std::shared_ptr<telemetry::exporters::SignalSink> {
        return make_sink();
    };
    pipeline.on_export_failure = std::move(report);
    std::vector<Error> warnings;
    std::unique_ptr<telemetry::Pipeline> started = telemetry::Pipeline::start(std::move(pipeline), warnings);
    for (const Error& warning : warnings)
        if (warn)
            warn(warning);
    return started;
}

}  // namespace

std::unique_ptr<CommandObserver> CommandObserver::start(ObserverOptions options) {
    std::unique_ptr<CommandObserver> observer(new CommandObserver());
    observer->m_options = std::move(options);
    const ObserverOptions& given = observer->m_options;
    ObserverSession* session = given.session;
    if (session != nullptr && session->m_started) {
        // Everything but the request's span was set up by the session's first request.
        observer->m_settings = session->m_settings;  // shared, not copied: a request's settings are the session's
        if (!session->m_enabled)
            return observer;
        observer->m_store_root = session->m_store_root;
        observer->m_required_folder = session->m_required_folder;
        observer->m_store = session->m_store;
        observer->m_sink = session->m_sink;
    } else {
        telemetry::sdk::SettingsSources sources;
        sources.environment = session != nullptr ? &session->m_environment : given.environment;
        sources.file = given.config;
        sources.flags = &given.flags;
        observer->m_settings =
            std::make_shared<const telemetry::sdk::ResolvedSettings>(telemetry::sdk::resolve_settings(sources));
        for (const Error& warning : observer->m_settings->warnings)
            if (given.warn)
                given.warn(warning);
        if (session != nullptr) {
            session->m_started = true;
            session->m_settings = observer->m_settings;
        }
        const telemetry::sdk::TelemetrySettings& settings = observer->m_settings->settings;
        if (!settings.enabled)
            return observer;

        TelemetryLocation location = telemetry_location(*observer->m_settings, given.project);
        observer->m_store_root = std::move(location.path);
        observer->m_required_folder = std::move(location.required_folder);
        if (observer->m_store_root.empty())
            return observer;  // nowhere to record: behave as disabled

        store::StoreOptions store_options;
        store::parse_durability(settings.durability, store_options.durability);
        store_options.clock = given.clock;
        observer->m_store = std::make_shared<LazyStore>(observer->m_store_root, store_options);
        if (session != nullptr) {
            session->m_enabled = true;
            session->m_store_root = observer->m_store_root;
            session->m_required_folder = observer->m_required_folder;
            session->m_store = observer->m_store;
            std::shared_ptr<LazyStore> store = observer->m_store;
            if (session->m_own_pipeline)
                session->m_pipeline = start_pipeline(
                    settings, &session->m_environment, given.clock,
                    [session, store] {
                        session->m_sink = std::make_shared<StoreSignalSink>(store, true);
                        return session->m_sink;
                    },
                    [session](const Error& error) {
                        if (session->m_report)
                            session->m_report(error);
                    },
                    given.warn);
            observer->m_sink = session->m_sink;
        } else {
            CommandObserver* owner = observer.get();
            observer->m_pipeline = start_pipeline(
                settings, given.environment, given.clock,
                [owner] {
                    owner->m_sink = std::make_shared<StoreSignalSink>(owner->m_store, true);
                    return owner->m_sink;
                },
                [owner](const Error& error) { owner->report(error); }, given.warn);
        }
    }
    observer->m_enabled = true;
    if (session != nullptr) {
        CommandObserver* owner = observer.get();
        session->m_report = [owner](const Error& error) { owner->report(error); };
    }

    // The root span of the invocation, as the CLI semantic conventions describe it; its name
    // carries the command ("sc task create"), a low-cardinality name documented in
    // docs/telemetry.md. TRACEPARENT, when set, is its parent.
    std::string name = "sc " + given.command;
    telemetry::SpanOptions span_options;
    span_options.kind = telemetry::SpanKind::internal;
    if (given.request) {
        // A server span per request; the TRACEPARENT the caller's environment gives (the
        // request's own `_meta.traceparent`) is still its parent. A session's pipeline was
        // started with the server's environment: the request's parent is given explicitly.
        span_options.kind = telemetry::SpanKind::server;
        span_options.attributes = given.request->attributes;
        telemetry::SpanContext parent;
        if (session != nullptr && given.environment != nullptr) {
            std::vector<Error> ignored;  // reported by the request's own checks, if at all
            parent = telemetry::sdk::context_from_environment(*given.environment, ignored);
            if (parent.is_valid())
                span_options.parent = &parent;
        }
        observer->m_root.emplace(k_cli_tracer.start_span(given.request->span_name, span_options));
        observer->m_options.request->attributes = {};  // borrowed for the span's start only
    } else {
        // An AttributeList is a view: the array it points at must outlive start_span. (A
        // request's span carries no process.*: no getpid per request.)
        const telemetry::Attribute attributes[] = {{"process.executable.name", "sc"},
                                                   {"process.pid", static_cast<int64_t>(::getpid())},
                                                   {"scopecraft.command", std::string_view(given.command)}};
        span_options.attributes = std::span<const telemetry::Attribute>(attributes);
        observer->m_root.emplace(k_cli_tracer.start_span(name, span_options));
    }
    observer->m_root_scope.emplace(observer->m_root->context());
    return observer;
}

ObserverSession::~ObserverSession() {
    m_report = nullptr;
    if (m_pipeline)
        m_pipeline->shutdown();
    if (m_sink)
        (void)m_sink->write_deferred();
    if (m_store && m_store->opened())
        if (Result<store::Store*> store = m_store->get(); store.ok())
            (void)store.value()->flush();
}

void ObserverSession::flush() {
    m_unflushed = 0;
    if (!m_enabled || !m_pipeline)
        return;
    m_pipeline->force_flush();
    if (m_sink && (m_required_folder.empty() || files::is_directory(m_required_folder)))
        (void)m_sink->write_deferred();  // a failure was reported by the request that made it
    if (m_store && m_store->opened())
        if (Result<store::Store*> store = m_store->get(); store.ok())
            (void)store.value()->flush();
}

namespace {

// `store_root/projections/name`, built into `cache` the first time.
const std::string& projection_file(std::string& cache, const std::string& store_root, std::string_view name) {
    if (cache.empty()) {
        cache.reserve(store_root.size() + 13 + name.size());
        cache += store_root;
        cache += "/projections/";
        cache += name;
    }
    return cache;
}

}  // namespace

const std::string& CommandObserver::state_file() const {
    // A session's store root is the one its requests' observers copied.
    ObserverSession* session = m_options.session;
    return projection_file(session != nullptr && session->m_enabled ? session->m_state_file : m_state_file,
                           m_store_root, "task-tree.state");
}

const std::string& CommandObserver::in_flight_file() const {
    ObserverSession* session = m_options.session;
    return projection_file(session != nullptr && session->m_enabled ? session->m_in_flight_file : m_in_flight_file,
                           m_store_root, "in-flight");
}

bool CommandObserver::store_allowed() const {
    if (m_required_folder.empty())
        return true;
    if (!files::is_directory(m_required_folder))
        return false;
    m_required_folder.clear();  // it exists now; folders are not removed under a running command
    return true;
}

CommandObserver::~CommandObserver() {
    if (!m_finished)
        finish(0, nullptr);
}

void CommandObserver::report(const Error& problem) {
    std::string key = problem.message;
    if (std::find(m_reported.begin(), m_reported.end(), key) != m_reported.end())
        return;
    m_reported.push_back(key);
    if (m_options.warn) {
        Error shown = problem;
        shown.message = "telemetry: " + problem.message;
        if (shown.hint.empty())
            shown.hint = "the command itself went ahead; set OTEL_SDK_DISABLED=true to switch telemetry off";
        m_options.warn(shown);
    }
}

store::EventMeta CommandObserver::current_meta() const {
    const telemetry::SpanContext& context = telemetry::current_context();
    store::EventMeta meta;
    if (context.is_valid()) {
        meta.trace_id = telemetry::to_hex(context.trace_id);
        meta.span_id = telemetry::to_hex(context.span_id);
    }
    if (m_root)
        meta.correlation_id = meta.trace_id;
    if (m_options.request && !m_options.request->actor.empty())
        meta.actor = m_options.request->actor;
    else if (auto user = m_options.environment ? m_options.environment->get("USER") : std::nullopt)
        meta.actor = "user:" + *user;
    return meta;
}

std::vector<store::AppendedEvent> CommandObserver::append(std::vector<store::NewEvent> events) {
    if (!enabled() || events.empty())
        return {};
    store::EventMeta meta = current_meta();
    for (store::NewEvent& event : events) {
        if (event.meta.trace_id.empty()) {
            event.meta.trace_id = meta.trace_id;
            event.meta.span_id = meta.span_id;
        }
        if (event.meta.correlation_id.empty())
            event.meta.correlation_id = meta.correlation_id;
        if (event.meta.actor.empty())
            event.meta.actor = meta.actor;
    }
    Result<store::Store*> store = m_store->get();
    if (!store.ok()) {
        report(store.error());
        return {};
    }
    Result<std::vector<store::AppendedEvent>> appended = store.value()->append(std::move(events));
    if (!appended.ok()) {
        report(appended.error());
        return {};
    }
    return std::move(appended.value());
}

void CommandObserver::set_task_status_counts(std::map<std::string, int64_t> counts) {
    if (!m_enabled)
        return;
    if (ObserverSession* session = m_options.session) {
        // A session inside a process with its own pipeline (the network server's MCP sessions)
        // may end long before that pipeline, whose export thread would then read freed counts
        // (and one gauge per session would repeat the same series): no gauge there.
        if (!session->m_own_pipeline)
            return;
        // The gauge outlives this request: it reads the session's counts.
        session->m_status_counts = std::move(counts);
        if (!session->m_status_gauge_registered) {
            telemetry::observe(k_tasks_by_status, observe_status_counts, &session->m_status_counts);
            session->m_status_gauge_registered = true;
        }
        return;
    }
    m_status_counts = std::move(counts);
    if (!m_status_gauge_registered) {
        telemetry::observe(k_tasks_by_status, observe_status_counts, &m_status_counts);
        m_status_gauge_registered = true;
    }
}

void CommandObserver::finish(int exit_code, const Error* error) {
    if (m_finished)
        return;
    m_finished = true;
    if (!m_enabled)
        return;
    if (m_root) {
        if (!m_options.request)
            m_root->set_attribute("process.exit.code", static_cast<int64_t>(exit_code));
        if (exit_code != 0)
            m_root->set_error(error != nullptr ? error_code_name(error->code) : "exit_code",
                              error != nullptr ? error->message : "");
        m_root_scope.reset();
        m_root->end();
        m_root.reset();
    }
    end_tree_session();  // normally done already, when the tree lock was released
    if (ObserverSession* session = m_options.session) {
        // Stored by the session between requests (ObserverSession::flush).
        session->m_report = nullptr;
        session->m_required_folder = m_required_folder;  // cleared once it exists
        ++session->m_unflushed;
        return;
    }
    if (m_pipeline)
        m_pipeline->shutdown();
    if (m_sink && store_allowed()) {
        if (Status stored = m_sink->write_deferred(); !stored.ok()) {
            Error shown = stored.error();
            shown.message = "signals could not be stored: " + shown.message;
            report(shown);
        }
    }
    if (m_store && m_store->opened()) {
        if (Result<store::Store*> store = m_store->get(); store.ok()) {
            Status flushed = store.value()->flush();
            if (!flushed.ok())
                report(flushed.error());
        }
    }
}

}  // namespace sc::observe
