#include "tasks/task_record.hpp"

namespace sc::tasks {

std::string_view to_string(TreeKind kind) {
    return kind == TreeKind::store ? "store" : "project_local";
}

std::string TaskLocation::folder() const {
    size_t slash = relative_path.rfind('/');
    return slash == std::string::npos ? std::string() : relative_path.substr(0, slash);
}

nlohmann::ordered_json TaskLocation::metadata_json() const {
    nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
    metadata["id"] = id;
    metadata["filename"] = filename;
    metadata["path"] = path;
    nlohmann::ordered_json location = nlohmann::ordered_json::object();
    location["workflowState"] = std::string(to_string(state));
    if (!archive_month.empty())
        location["archiveDate"] = archive_month;
    metadata["location"] = std::move(location);
    metadata["isParentTask"] = is_parent;
    if (is_subtask()) {
        metadata["parentTask"] = parent_id;
        if (!sequence.empty())
            metadata["sequenceNumber"] = sequence;
    }
    return metadata;
}

nlohmann::ordered_json TaskRecord::to_json() const {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    json["metadata"] = metadata_json();
    json["document"] = document.to_json();
    return json;
}

}  // namespace sc::tasks
