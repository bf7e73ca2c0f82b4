#pragma once
// The task operations, observed (docs/telemetry.md, "Spans and metrics"): each call runs in a
// span named after the operation (task.create, parent.add_subtask, ...) with scopecraft.*
// attributes, counts into the operation metrics, logs its failures, records its change as a
// domain event, and first records edits made outside `sc`. The task library itself knows
// nothing of this; with telemetry off every method is a plain call plus one branch.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "observe/command_observer.hpp"
#include "tasks/task_service.hpp"

namespace sc::observe {

class ObservedTaskService {
public:
    /// `observer` may be null (or disabled): then nothing is recorded.
    ObservedTaskService(tasks::TaskService service, CommandObserver* observer)
        : m_service(std::move(service)), m_observer(observer) {}

    [[nodiscard]] const tasks::TaskService& service() const { return m_service; }

    Result<tasks::ChangeRecord> init(const std::string& config_dir = {});
    Result<tasks::Changed<tasks::TaskRecord>> create(const tasks::CreateRequest& request);
    Result<tasks::TaskRecord> get(std::string_view id);
    Result<tasks::ListResult> list(const tasks::ListFilter& filter);
    /// TaskService::visit, observed as one task.list operation.
    Result<std::vector<tasks::Diagnostic>> visit(const tasks::ListFilter& filter,
                                                 const std::function<void(tasks::TaskRecord&&)>& visit);
    /// TaskService::visit_listed (the listing cache), observed as one task.list operation.
    Result<std::vector<tasks::Diagnostic>> visit_listed(
        const tasks::ListFilter& filter,
        const std::function<void(const tasks::TaskLocation&, const tasks::ListedTask&)>& visit,
        tasks::ListingCounts* counts = nullptr, tasks::ListedFields fields = tasks::ListedFields::all);
    Result<tasks::Changed<tasks::TaskRecord>> update(std::string_view id, const tasks::UpdateRequest& request);
    Result<tasks::ChangeRecord> remove(std::string_view id, tasks::DeleteMode mode);
    Result<tasks::Changed<tasks::TaskRecord>> start(std::string_view id);
    Result<tasks::Changed<tasks::TaskRecord>> complete(std::string_view id, std::string archive_month = {});
    Result<tasks::Changed<tasks::TaskRecord>> move(std::string_view id, const tasks::Placement& target);
    Result<std::string> section(std::string_view id, std::string_view name);
    Result<tasks::Changed<tasks::TaskRecord>> set_section(std::string_view id, std::string_view name,
                                                          std::string_view body);
    Result<tasks::Changed<tasks::TaskRecord>> append_log(std::string_view id, std::string_view text,
                                                         tasks::LogStyle style);
    Result<tasks::Changed<tasks::ParentView>> create_parent(const tasks::CreateRequest& request,
                                                            const std::vector<std::string>& subtask_titles);
    Result<tasks::Changed<tasks::TaskRecord>> add_subtask(std::string_view parent_id, tasks::CreateRequest request);
    Result<tasks::ParentView> show_parent(std::string_view parent_id);
    /// Only the outside-edit check every operation starts with, observed as the read
    /// `operation`: for readers of the tree that follow the event log instead of the files
    /// (search), so the edits reach the log, and from it the reader, before it reads.
    Status record_outside_edits(std::string_view operation);
    Result<tasks::Changed<tasks::ParentView>> resequence(std::string_view parent_id,
                                                         const std::vector<tasks::SequenceAssignment>& assignments);
    Result<tasks::Changed<tasks::ParentView>> parallelize(std::string_view parent_id,
                                                          const std::vector<std::string>& subtasks, std::string target);
    Result<tasks::Changed<tasks::ParentView>> promote(std::string_view id,
                                                      const std::vector<std::string>& subtask_titles);
    Result<tasks::Changed<tasks::TaskRecord>> extract(std::string_view subtask_id);
    Result<tasks::Changed<tasks::TaskRecord>> adopt(std::string_view id, std::string_view parent_id,
                                                    std::string sequence);

private:
    template <class Operation>
    /// `lists_folders`: whether the operation reads folders, so the check keeps its listings for
    /// it (the check alone, before a search, does not).
    /// `scope`: what the outside-edit check before it looks at (CheckScope::own_files for an
    /// operation that reads or writes a few files: docs/events.md, "Which files a command checks").
    auto observed(std::string_view operation, std::string_view task_id, CheckScope scope, Operation&& run,
                  bool lists_folders = true) -> decltype(run());

    tasks::TaskService m_service;
    CommandObserver* m_observer;
};

}  // namespace sc::observe
