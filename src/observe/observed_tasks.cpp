#include "observe/observed_tasks.hpp"

#include <array>
#include <chrono>

#include "observe/deferred_signals.hpp"
#include "tasks/folder_listing.hpp"
#include "tasks/folder_pass.hpp"
#include "telemetry/api/telemetry.hpp"
#include "util/files.hpp"

namespace sc::observe {

namespace {

constexpr telemetry::Tracer k_tracer {"scopecraft.tasks", "0.1.0"};
constexpr telemetry::Logger k_logger {"scopecraft.tasks", "0.1.0"};
constexpr telemetry::Counter<int64_t> k_operations {"scopecraft.tasks", "scopecraft.operations", "{operation}",
                                                    "Task operations, by operation and outcome"};
constexpr std::array<double, 12> k_duration_buckets {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                     0.01,   0.025,   0.05,   0.1,   0.25,   1.0};
constexpr telemetry::Histogram<double> k_duration {"scopecraft.tasks", "scopecraft.operation.duration", "s",
                                                   "How long task operations take", k_duration_buckets};

template <class T>
const tasks::ChangeRecord* change_of(const Result<tasks::Changed<T>>& result) {
    return result.ok() ? &result.value().change : nullptr;
}
inline const tasks::ChangeRecord* change_of(const Result<tasks::ChangeRecord>& result) {
    return result.ok() ? &result.value() : nullptr;
}
template <class T>
const tasks::ChangeRecord* change_of(const Result<T>&) {
    return nullptr;
}

/// Whether an operation's result carries a change: reads do not, and hold the tree lock only
/// while edits made outside sc are recorded, not while they run (a listing piped into a pager
/// must not keep other commands waiting).
template <class T>
struct changes_tree : std::false_type {};
template <class T>
struct changes_tree<Result<tasks::Changed<T>>> : std::true_type {};
template <>
struct changes_tree<Result<tasks::ChangeRecord>> : std::true_type {};

}  // namespace

template <class Operation>
auto ObservedTaskService::observed(std::string_view operation, std::string_view task_id, CheckScope check_scope,
                                   Operation&& run, bool lists_folders) -> decltype(run()) {
    if (m_observer == nullptr || !m_observer->enabled())
        return run();
    auto started = std::chrono::steady_clock::now();
    telemetry::Span span = k_tracer.start_span(operation);
    telemetry::Scope scope = span.activate();
    span.set_attribute("scopecraft.operation", operation);
    if (!task_id.empty())
        span.set_attribute("scopecraft.task.id", task_id);

    // One instrumented process at a time changes the tree and appends its events, so the
    // event order is the order of the changes; edits made outside sc are recorded first. The
    // check lists every folder; the operation's scan takes those listings instead of reading
    // the folders again.
    std::optional<tasks::FolderListings> listings;
    if (lists_folders)
        listings.emplace();
    TreeLock lock = m_observer->lock_tree();
    // A write on a few files takes the tree's writers' lock now, not when it starts changing
    // files: the folders' stats the check takes then stay true until the id index uses them,
    // one stat per folder instead of two (tasks/folder_pass.hpp). Same order as before: the
    // telemetry lock, then the tree's.
    Status usable = m_service.tree().require_initialised();
    std::optional<tasks::FolderPass> folder_pass;
    if constexpr (changes_tree<decltype(run())>::value)
        if (check_scope == CheckScope::own_files && usable.ok())
            folder_pass.emplace(m_service.tree().store().path);
    // Ctrl-C or a SIGTERM while the tree and its record change takes effect once the change is
    // on disk, recorded and reflected in the saved state: never in between. (Not while waiting
    // for the lock: a command stuck behind another one can still be stopped.)
    DeferredSignals signals;
    // A file where the tree needs a folder: the operation names it and fails; the check would
    // only add a warning about a folder it cannot read. (A missing tree is still checked: a
    // tree deleted by hand is recorded as removed before `init` makes it anew.)
    if (usable.ok() || usable.error().code != ErrorCode::io)
        m_observer->check_external_changes(tree_roots(m_service.tree()), check_scope);
    if constexpr (!changes_tree<decltype(run())>::value) {
        // A read that checks the files it reads as it reads them keeps the lock until then
        // (what it reads is one file or a few: nothing waits long).
        if (!m_observer->checks_own_files())
            lock.release();
        signals.release();  // a read may be piped into a pager: Ctrl-C must still end it
    } else {
        m_observer->begin_operation();
    }
    auto result = run();
    if (const tasks::ChangeRecord* change = change_of(result)) {
        m_observer->record(*change);
        if (!change->task_id.empty())
            span.set_attribute("scopecraft.task.id", std::string_view(change->task_id));
        span.set_attribute("scopecraft.files.changed", static_cast<int64_t>(change->files.size()));
    }
    folder_pass.reset();
    lock.release();
    signals.release();

    const char* outcome = result.ok() ? "ok" : "error";
    if (!result.ok()) {
        const Error& error = result.error();
        span.set_error(error_code_name(error.code), error.message);
        k_logger.warn(std::string(operation) + " failed: " + error.describe(),
                      {{"error.type", error_code_name(error.code)}, {"scopecraft.operation", operation}});
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    k_operations.add(1, {{"scopecraft.operation", operation}, {"scopecraft.outcome", outcome}});
    k_duration.record(seconds, {{"scopecraft.operation", operation}, {"scopecraft.outcome", outcome}});
    return result;
}

Result<tasks::ChangeRecord> ObservedTaskService::init(const std::string& config_dir) {
    // The tree's folder first: telemetry beside it is kept only once the project's store
    // exists (telemetry_location), and init's own event belongs in it. A failure is init's to
    // explain (a file in the way is named as such there).
    (void)files::make_directories(m_service.tree().store().path, 0755);
    return observed("tree.init", "", CheckScope::whole_tree, [&] { return m_service.init(config_dir); });
}

Result<tasks::Changed<tasks::TaskRecord>> ObservedTaskService::create(const tasks::CreateRequest& request) {
    return observed("task.create", "", CheckScope::own_files, [&] { return m_service.create(request); });
}

Result<tasks::TaskRecord> ObservedTaskService::get(std::string_view id) {
    return observed("task.get", id, CheckScope::own_files, [&] { return m_service.get(id); });
}

Result<tasks::ListResult> ObservedTaskService::list(const tasks::ListFilter& filter) {
    tasks::ListResult result;
    result.diagnostics =
        SC_TRY(visit(filter, [&result](tasks::TaskRecord&& record) { result.tasks.push_back(std::move(record)); }));
    return result;
}

Result<std::vector<tasks::Diagnostic>> ObservedTaskService::visit(
    const tasks::ListFilter& filter, const std::function<void(tasks::TaskRecord&&)>& visit) {
    const bool counting = m_observer != nullptr && m_observer->enabled();
    std::map<std::string, int64_t> counts;
    auto result = observed("task.list", "", CheckScope::whole_tree, [&] {
        return m_service.visit(filter, [&](tasks::TaskRecord&& record) {
            if (counting)
                ++counts[record.document.field("status").value_or("unknown")];
            visit(std::move(record));
        });
    });
    if (result.ok() && counting)
        m_observer->set_task_status_counts(std::move(counts));
    return result;
}

Result<std::vector<tasks::Diagnostic>> ObservedTaskService::visit_listed(
    const tasks::ListFilter& filter,
    const std::function<void(const tasks::TaskLocation&, const tasks::ListedTask&)>& visit,
    tasks::ListingCounts* listing_counts, tasks::ListedFields fields) {
    const bool counting = m_observer != nullptr && m_observer->enabled();
    std::map<std::string, int64_t> counts;
    auto result = observed("task.list", "", CheckScope::whole_tree, [&] {
        return m_service.visit_listed(
            filter,
            [&](const tasks::TaskLocation& location, const tasks::ListedTask& task) {
                if (counting)
                    ++counts[task.status ? std::string(*task.status) : std::string("unknown")];
                visit(location, task);
            },
            listing_counts, fields);
    });
    if (result.ok() && counting)
        m_observer->set_task_status_counts(std::move(counts));
    return result;
}

Result<tasks::Changed<tasks::TaskRecord>> ObservedTaskService::update(std::string_view id,
                                                                      const tasks::UpdateRequest& request) {
    return observed("task.update", id, CheckScope::own_files, [&] { return m_service.update(id, request); });
}

Result<tasks::ChangeRecord> ObservedTaskService::remove(std::string_view id, tasks::DeleteMode mode) {
    return observed("task.delete", id, CheckScope::own_files, [&] { return m_service.remove(id, mode); });
}

Result<tasks::Changed<tasks::TaskRecord>> ObservedTaskService::start(std::string_view id) {
    return observed("task.start", id, CheckScope::own_files, [&] { return m_service.start(id); });
}

Result<tasks::Changed<tasks::TaskRecord>> ObservedTaskService::complete(std::string_view id,
                                                                        std::string archive_month) {
    return observed("task.complete", id, CheckScope::own_files, [&] { return m_service.complete(id, archive_month); });
}

Result<tasks::Changed<tasks::TaskRecord>> ObservedTaskService::move(std::string_view id,
                                                                    const tasks::Placement& target) {
    return observed("task.move", id, CheckScope::own_files, [&] { return m_service.move(id, target); });
}

Result<std::string> ObservedTaskService::section(std::string_view id, std::string_view name) {
    return observed("task.section.get", id, CheckScope::own_files, [&] { return m_service.section(id, name); });
}

Result<tasks::Changed<tasks::TaskRecord>> ObservedTaskService::set_section(std::string_view id, std::string_view name,
                                                                           std::string_view body) {
    return observed("task.section", id, CheckScope::own_files, [&] { return m_service.set_section(id, name, body); });
}

Result<tasks::Changed<tasks::TaskRecord>> ObservedTaskService::append_log(std::string_view id, std::string_view text,
                                                                          tasks::LogStyle style) {
    return observed("task.log", id, CheckScope::own_files, [&] { return m_service.append_log(id, text, style); });
}

Result<tasks::Changed<tasks::ParentView>> ObservedTaskService::create_parent(
    const tasks::CreateRequest& request, const std::vector<std::string>& subtask_titles) {
    return observed("parent.create", "", CheckScope::own_files,
                    [&] { return m_service.create_parent(request, subtask_titles); });
}

Result<tasks::Changed<tasks::TaskRecord>> ObservedTaskService::add_subtask(std::string_view parent_id,
                                                                           tasks::CreateRequest request) {
    return observed("parent.add_subtask", parent_id, CheckScope::own_files,
                    [&] { return m_service.add_subtask(parent_id, std::move(request)); });
}

Result<tasks::ParentView> ObservedTaskService::show_parent(std::string_view parent_id) {
    return observed("parent.show", parent_id, CheckScope::whole_tree, [&] { return m_service.show_parent(parent_id); });
}

Status ObservedTaskService::record_outside_edits(std::string_view operation) {
    return observed(
        operation, "", CheckScope::whole_tree, [] { return Status(); }, false);
}

Result<tasks::Changed<tasks::ParentView>> ObservedTaskService::resequence(
    std::string_view parent_id, const std::vector<tasks::SequenceAssignment>& assignments) {
    return observed("parent.resequence", parent_id, CheckScope::own_files,
                    [&] { return m_service.resequence(parent_id, assignments); });
}

Result<tasks::Changed<tasks::ParentView>> ObservedTaskService::parallelize(std::string_view parent_id,
                                                                           const std::vector<std::string>& subtasks,
                                                                           std::string target) {
    return observed("parent.parallelize", parent_id, CheckScope::own_files,
                    [&] { return m_service.parallelize(parent_id, subtasks, target); });
}

Result<tasks::Changed<tasks::ParentView>> ObservedTaskService::promote(std::string_view id,
                                                                       const std::vector<std::string>& subtask_titles) {
    return observed("task.promote", id, CheckScope::own_files, [&] { return m_service.promote(id, subtask_titles); });
}

Result<tasks::Changed<tasks::TaskRecord>> ObservedTaskService::extract(std::string_view subtask_id) {
    return observed("task.extract", subtask_id, CheckScope::own_files, [&] { return m_service.extract(subtask_id); });
}

Result<tasks::Changed<tasks::TaskRecord>> ObservedTaskService::adopt(std::string_view id, std::string_view parent_id,
                                                                     std::string sequence) {
    return observed("task.adopt", id, CheckScope::own_files,
                    [&] { return m_service.adopt(id, parent_id, std::move(sequence)); });
}

}  // namespace sc::observe
