#include "sessions/session_record.hpp"

#include <dirent.h>

#include <algorithm>

#include "util/files.hpp"

namespace sc::sessions {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* k_outcomes[] = {"success", "failure", "crashed", "timed_out", "interrupted"};
constexpr const char* k_execs[] = {"interactive", "foreground", "detached", "tmux"};

}  // namespace

std::string_view to_string(Outcome outcome) {
    return k_outcomes[static_cast<int>(outcome)];
}

bool parse_outcome(std::string_view text, Outcome& outcome) {
    for (int i = 0; i < 5; ++i)
        if (text == k_outcomes[i]) {
            outcome = static_cast<Outcome>(i);
            return true;
        }
    return false;
}

std::string_view to_string(Exec exec) {
    return k_execs[static_cast<int>(exec)];
}

bool parse_exec(std::string_view text, Exec& exec) {
    for (int i = 0; i < 4; ++i)
        if (text == k_execs[i]) {
            exec = static_cast<Exec>(i);
            return true;
        }
    return false;
}

bool is_safe_id(std::string_view id) {
    if (id.empty() || id.size() > 200 || id[0] == '.')
        return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
}

Json SessionRecord::to_json() const {
    Json out;
    // Scopecraft's fields first, named as it names them.
    out["sessionName"] = id;
    out["startTime"] = start_time;
    out["lastUpdated"] = last_updated;
    out["taskId"] = task_id;
    out["parentId"] = parent_id.empty() ? Json() : Json(parent_id);
    out["logFile"] = log_file;
    out["status"] = status;
    out["type"] = type();
    out["pid"] = agent_pid;
    Json history = Json::array();
    if (!agent_session_id.empty())
        history.push_back({{"sessionId", agent_session_id},
                           {"startTime", start_time},
                           {"resumedFrom", resumed_from.empty() ? Json() : Json(resumed_from)}});
    out["sessionHistory"] = std::move(history);
    // Ours.
    out["exec"] = std::string(to_string(exec));
    out["envId"] = env_id;
    out["mode"] = mode;
    out["outcome"] = outcome ? Json(std::string(to_string(*outcome))) : Json();
    out["reason"] = reason;
    out["endTime"] = end_time;
    out["durationMs"] = duration_ms;
    out["exitCode"] = exit_code ? Json(*exit_code) : Json();
    out["signal"] = signal;
    out["worktree"] = worktree;
    out["branch"] = branch;
    out["agentCommand"] = agent_command;
    out["agentSessionId"] = agent_session_id;
    out["resumedFrom"] = resumed_from;
    out["supervisorPid"] = supervisor_pid;
    out["host"] = host;
    out["traceId"] = trace_id;
    out["traceparent"] = traceparent;
    out["timeoutMs"] = timeout_ms;
    return out;
}

Result<SessionRecord> SessionRecord::from_json(const nlohmann::json& json, const std::string& origin) {
    if (!json.is_object())
        return make_error(ErrorCode::parse, origin + " is not a JSON object");
    auto text = [&](const char* key) {
        auto found = json.find(key);
        return found != json.end() && found->is_string() ? found->get<std::string>() : std::string();
    };
    auto number = [&](const char* key) -> int64_t {
        auto found = json.find(key);
        return found != json.end() && found->is_number() ? found->get<int64_t>() : 0;
    };
    SessionRecord record;
    record.id = text("sessionName");
    if (!is_safe_id(record.id))
        return make_error(ErrorCode::parse, origin + " has no usable sessionName");
    record.task_id = text("taskId");
    record.parent_id = text("parentId");
    record.env_id = text("envId");
    if (!parse_exec(text("exec"), record.exec))
        record.exec = text("type") == "interactive" ? Exec::interactive : Exec::detached;
    record.mode = text("mode");
    record.status = text("status");
    Outcome outcome;
    if (parse_outcome(text("outcome"), outcome))
        record.outcome = outcome;
    record.reason = text("reason");
    record.start_time = text("startTime");
    record.last_updated = text("lastUpdated");
    record.end_time = text("endTime");
    record.duration_ms = number("durationMs");
    if (json.contains("exitCode") && json["exitCode"].is_number())
        record.exit_code = json["exitCode"].get<int>();
    record.signal = text("signal");
    record.log_file = text("logFile");
    record.worktree = text("worktree");
    record.branch = text("branch");
    if (json.contains("agentCommand") && json["agentCommand"].is_array())
        for (const auto& word : json["agentCommand"])
            if (word.is_string())
                record.agent_command.push_back(word.get<std::string>());
    record.agent_session_id = text("agentSessionId");
    record.resumed_from = text("resumedFrom");
    record.agent_pid = number("pid");
    record.supervisor_pid = number("supervisorPid");
    record.host = text("host");
    record.trace_id = text("traceId");
    record.traceparent = text("traceparent");
    record.timeout_ms = number("timeoutMs");
    return record;
}

std::string sessions_folder(const std::string& store_dir) {
    return store_dir + "/sessions";
}

std::string record_path(const std::string& folder, const std::string& id) {
    return folder + "/" + id + ".info.json";
}

std::string log_path(const std::string& folder, const std::string& id) {
    return folder + "/logs/" + id + ".log";
}

Status save_record(const std::string& folder, const SessionRecord& record) {
    SC_TRY(files::make_directories(folder + "/logs", 0700));
    return files::write_atomic(record_path(folder, record.id), record.to_json().dump(2) + "\n", files::Durability::none,
                               0600);
}

Result<SessionRecord> load_record(const std::string& folder, const std::string& id) {
    if (!is_safe_id(id))
        return make_error(ErrorCode::invalid_argument, "\"" + id + "\" is not a session id",
                          "session ids look like detached-add-login-12A-1764950400000: see `sc sessions list`");
    std::string path = record_path(folder, id);
    Result<std::optional<std::string>> text = files::read_if_exists(path);
    if (!text.ok())
        return text.error();
    if (!text->has_value())
        return make_error(ErrorCode::not_found, "no session " + id, "`sc sessions list` shows the sessions there are");
    nlohmann::json json = nlohmann::json::parse(**text, nullptr, false);
    if (json.is_discarded())
        return make_error(ErrorCode::parse, path + " is not valid JSON", "delete it or fix it by hand");
    return SessionRecord::from_json(json, path);
}

std::vector<SessionRecord> load_records(const std::string& folder, std::vector<Error>* warnings) {
    std::vector<SessionRecord> records;
    DIR* dir = ::opendir(folder.c_str());
    if (dir == nullptr)
        return records;
    std::vector<std::string> ids;
    while (dirent* entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        const std::string suffix = ".info.json";
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            ids.push_back(name.substr(0, name.size() - suffix.size()));
    }
    ::closedir(dir);
    std::sort(ids.begin(), ids.end());
    for (const std::string& id : ids) {
        Result<SessionRecord> record = load_record(folder, id);
        if (record.ok())
            records.push_back(std::move(record.value()));
        else if (warnings != nullptr)
            warnings->push_back(record.error());
    }
    return records;
}

}  // namespace sc::sessions
