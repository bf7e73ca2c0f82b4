#include "observe/observed_environments.hpp"

#include "observe/worktree_events.hpp"
#include "telemetry/api/telemetry.hpp"
#include "util/files.hpp"

namespace sc::observe {

namespace {

constexpr telemetry::Tracer k_tracer {"scopecraft.worktree", "0.1.0"};
constexpr telemetry::Counter<int64_t> k_operations {"scopecraft.worktree", "scopecraft.worktree.operations",
                                                    "{operation}", "Environment operations, by operation and outcome"};

template <class T>
void finish(telemetry::Span& span, const char* operation, const Result<T>& result) {
    const char* outcome = result.ok() ? "ok" : "error";
    if (!result.ok())
        span.set_error(error_code_name(result.error().code), result.error().message);
    k_operations.add(1, {{"scopecraft.operation", operation}, {"scopecraft.outcome", outcome}});
}

Result<files::FileLock> lock_environments(const std::string& folder) {
    if (folder.empty())
        return make_error(ErrorCode::not_found, "no folder for the environment lock");
    (void)files::make_directories(folder, 0700);
    return files::FileLock::acquire(folder + "/environments.lock");
}

}  // namespace

Result<TaskEnvironmentId> environment_id_of(ObservedTaskService& tasks, const std::string& task_id) {
    tasks::TaskRecord record = SC_TRY(tasks.get(task_id));
    TaskEnvironmentId id;
    id.task_id = record.id;
    id.parent_id = record.is_subtask() ? record.parent_id : std::string();
    id.env_id = record.is_subtask() ? record.parent_id : record.id;
    return id;
}

Result<worktree::EnsureResult> ObservedEnvironments::ensure(const TaskEnvironmentId& id, const std::string& base) {
    telemetry::Span span = k_tracer.start_span("worktree.ensure");
    telemetry::Scope scope = span.activate();
    span.set_attribute("scopecraft.task.id", std::string_view(id.task_id));
    span.set_attribute("scopecraft.worktree.id", std::string_view(id.env_id));
    Result<files::FileLock> lock = lock_environments(m_lock_folder);
    Result<worktree::EnsureResult> result = m_environments.ensure(id.env_id, base);
    if (result.ok()) {
        span.set_attribute("scopecraft.worktree.created", result->created);
        span.set_attribute("scopecraft.worktree.path", std::string_view(result->environment.path));
        span.set_attribute("vcs.ref.head.name", std::string_view(result->environment.branch));
        if (!result->environment.head.empty())
            span.set_attribute("vcs.ref.head.revision", std::string_view(result->environment.head));
        if (m_observer != nullptr) {
            std::vector<store::NewEvent> events;
            events.push_back(make_worktree_event(result.value(), id.task_id));
            m_observer->append(std::move(events));
        }
    }
    finish(span, "worktree.ensure", result);
    return result;
}

Result<std::vector<worktree::EnvironmentInfo>> ObservedEnvironments::list(bool with_state) {
    telemetry::Span span = k_tracer.start_span("worktree.list");
    telemetry::Scope scope = span.activate();
    Result<std::vector<worktree::EnvironmentInfo>> result = m_environments.list(with_state);
    if (result.ok())
        span.set_attribute("scopecraft.worktree.count", static_cast<int64_t>(result->size()));
    finish(span, "worktree.list", result);
    return result;
}

Result<worktree::EnvironmentInfo> ObservedEnvironments::find(const std::string& env_id, bool with_state) {
    telemetry::Span span = k_tracer.start_span("worktree.find");
    telemetry::Scope scope = span.activate();
    span.set_attribute("scopecraft.worktree.id", std::string_view(env_id));
    Result<worktree::EnvironmentInfo> result = m_environments.find(env_id, with_state);
    finish(span, "worktree.find", result);
    return result;
}

Result<worktree::CloseResult> ObservedEnvironments::close(const std::string& env_id,
                                                          const worktree::CloseOptions& options) {
    telemetry::Span span = k_tracer.start_span("worktree.close");
    telemetry::Scope scope = span.activate();
    span.set_attribute("scopecraft.worktree.id", std::string_view(env_id));
    span.set_attribute("scopecraft.worktree.force", options.force);
    Result<files::FileLock> lock = lock_environments(m_lock_folder);
    Result<worktree::CloseResult> result = m_environments.close(env_id, options);
    if (result.ok() && m_observer != nullptr) {
        std::vector<store::NewEvent> events;
        events.push_back(make_worktree_closed_event(result.value()));
        m_observer->append(std::move(events));
    }
    finish(span, "worktree.close", result);
    return result;
}

}  // namespace sc::observe
