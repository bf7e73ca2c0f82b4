#include "sessions/agent.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <functional>

#include "util/files.hpp"

namespace sc::sessions {

namespace {

bool is_file(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

// Every `<name>.md` under `folder`, as paths relative to it, at most a few levels deep.
void find_named(const std::string& folder, const std::string& relative, const std::string& name, int depth,
                std::vector<std::string>& found) {
    if (depth > 6)
        return;
    DIR* dir = ::opendir((folder + (relative.empty() ? "" : "/" + relative)).c_str());
    if (dir == nullptr)
        return;
    std::vector<std::string> entries;
    while (dirent* entry = ::readdir(dir))
        if (entry->d_name[0] != '.')
            entries.emplace_back(entry->d_name);
    ::closedir(dir);
    std::sort(entries.begin(), entries.end());
    for (const std::string& entry : entries) {
        std::string path = relative.empty() ? entry : relative + "/" + entry;
        if (entry == name + ".md" && is_file(folder + "/" + path))
            found.push_back(path);
        else
            find_named(folder, path, name, depth + 1, found);
    }
}

std::string trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front())
        text = text.substr(1, text.size() - 2);
    return std::string(text);
}

std::string fill(std::string_view text, const PromptData& data) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        size_t open = text.find('{', i);
        if (open == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        size_t close = text.find('}', open);
        out.append(text.substr(i, open - i));
        if (close == std::string_view::npos) {
            out.append(text.substr(open));
            break;
        }
        std::string name(text.substr(open + 1, close - open - 1));
        auto value = data.find(name);
        if (value != data.end())
            out += value->second;
        else
            out.append(text.substr(open, close - open + 1));  // not ours: left as written
        i = close + 1;
    }
    return out;
}

std::string value_of(const PromptData& data, const std::string& key) {
    auto found = data.find(key);
    return found == data.end() ? std::string() : found->second;
}

}  // namespace

Result<AgentCommand> resolve_agent_command(const Environment& environment, const config::Values* config) {
    AgentCommand command;
    std::string line = "claude";
    command.origin = "default";
    if (auto given = environment.get("SCOPECRAFT_AGENT"); given && !given->empty()) {
        line = *given;
        command.origin = "SCOPECRAFT_AGENT";
    } else if (config != nullptr) {
        if (auto found = config->find("sessions.agent_command"); found != config->end()) {
            line = found->second.is_list ? "" : found->second.text;
            command.origin = found->second.origin();
            for (const std::string& item : found->second.items)
                line += (line.empty() ? "" : " ") + process::shell_quote(item);
        }
    }
    Result<std::vector<std::string>> words = process::split_command(line);
    if (!words.ok())
        return make_error(ErrorCode::invalid_argument,
                          "the agent command (" + command.origin + ") is not usable: " + words.error().message,
                          "give a command line such as `claude --model opus`");
    if (words->empty())
        return make_error(ErrorCode::invalid_argument, "the agent command (" + command.origin + ") is empty",
                          "give a command line such as `claude`, or unset it for the default");
    command.words = std::move(words.value());
    return command;
}

std::vector<std::string> agent_argv(const AgentCommand& command, const LaunchSpec& spec) {
    std::vector<std::string> argv = command.words;
    if (!spec.interactive)
        argv.insert(argv.end(), {"--print", "--output-format", "stream-json", "--verbose"});
    if (!spec.resume.empty())
        argv.insert(argv.end(), {"--resume", spec.resume});
    else if (!spec.agent_session_id.empty())
        argv.insert(argv.end(), {"--session-id", spec.agent_session_id});
    if (!spec.allowed_tools.empty()) {
        argv.emplace_back("--allowedTools");
        argv.insert(argv.end(), spec.allowed_tools.begin(), spec.allowed_tools.end());
    }
    if (spec.interactive && !spec.prompt.empty()) {
        argv.emplace_back("--");
        argv.push_back(spec.prompt);
    }
    return argv;
}

std::vector<process::EnvChange> agent_environment(const AgentEnvironmentSpec& spec) {
    std::vector<process::EnvChange> env = {
        {"SCOPECRAFT_SESSION", spec.session_id},
        {"SCOPECRAFT_TASK", spec.task_id},
        {"TASK_ID", spec.task_id},  // what Scopecraft's docker runs were given
    };
    if (!spec.traceparent.empty()) {
        env.push_back({"TRACEPARENT", spec.traceparent});
        env.push_back({"TRACESTATE", spec.tracestate.empty() ? std::nullopt : std::optional(spec.tracestate)});
    }
    if (spec.otlp_endpoint.empty())
        return env;
    std::string resource = spec.resource_attributes;
    resource += (resource.empty() ? "" : ",") + std::string("scopecraft.session.id=") + spec.session_id;
    if (!spec.task_id.empty())
        resource += ",scopecraft.task.id=" + spec.task_id;
    env.insert(env.end(), {
                              {"CLAUDE_CODE_ENABLE_TELEMETRY", "1"},
                              {"OTEL_METRICS_EXPORTER", "otlp"},
                              {"OTEL_LOGS_EXPORTER", "otlp"},
                              // Claude Code has no default protocol: always say which.
                              {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
                              {"OTEL_EXPORTER_OTLP_ENDPOINT", spec.otlp_endpoint},
                              // Shorter than the defaults (60 s, 5 s): a dispatch may last
                              // less than one metric interval.
                              {"OTEL_METRIC_EXPORT_INTERVAL", "10000"},
                              {"OTEL_LOGS_EXPORT_INTERVAL", "1000"},
                              {"OTEL_METRICS_INCLUDE_SESSION_ID", "true"},
                              {"OTEL_RESOURCE_ATTRIBUTES", resource},
                          });
    if (!spec.otlp_token.empty())
        env.push_back({"OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer " + spec.otlp_token});
    return env;
}

Result<std::optional<std::string>> find_mode_file(const std::string& project_root, const std::string& mode,
                                                  bool explicit_mode) {
    std::string folder = project_root + "/.tasks/.modes";
    if (mode.find("..") != std::string::npos || (!mode.empty() && mode[0] == '/'))
        return make_error(ErrorCode::unsafe_path, "the mode \"" + mode + "\" would leave " + folder,
                          "name a mode file under .tasks/.modes/");
    std::vector<std::string> candidates;
    if (mode == "auto")
        candidates.push_back("orchestration/autonomous.md");
    else if (mode.find('/') != std::string::npos)
        candidates.push_back(mode + ".md");
    else {
        std::vector<std::string> found;
        find_named(folder, "", mode, 0, found);
        if (found.size() > 1) {
            std::string list;
            for (const std::string& one : found)
                list += (list.empty() ? "" : ", ") + one;
            return make_error(ErrorCode::invalid_argument, "the mode \"" + mode + "\" matches several files: " + list,
                              "name it by its folder, e.g. --mode " + found[0].substr(0, found[0].size() - 3));
        }
        candidates.push_back(found.empty() ? mode + "/base.md" : found[0]);
    }
    for (const std::string& candidate : candidates)
        if (is_file(folder + "/" + candidate))
            return std::optional<std::string>(folder + "/" + candidate);
    if (!explicit_mode)
        return std::optional<std::string>();
    std::vector<std::string> all;
    find_named(folder, "", "base", 0, all);
    std::string known;
    for (const std::string& one : all)
        known += (known.empty() ? "" : ", ") + one.substr(0, one.size() - 8);
    return make_error(ErrorCode::not_found, "no mode file for \"" + mode + "\" under " + folder,
                      known.empty() ? "leave --mode out for the built-in prompt, or add " + folder + "/" + candidates[0]
                                    : "modes with a base.md here: " + known);
}

Result<Prompt> build_prompt(const std::optional<std::string>& mode_file, const PromptData& data) {
    Prompt prompt;
    if (mode_file) {
        prompt.mode_file = *mode_file;
        std::string text = SC_TRY(files::read_regular(*mode_file, 1 << 20));
        std::string_view body = text;
        if (body.substr(0, 4) == "---\n") {
            size_t end = body.find("\n---", 3);
            std::string_view front = end == std::string_view::npos ? std::string_view() : body.substr(4, end - 3);
            body =
                end == std::string_view::npos ? body : body.substr(std::min(body.size(), body.find('\n', end + 1) + 1));
            bool in_tools = false;
            size_t start = 0;
            while (start < front.size()) {
                size_t stop = front.find('\n', start);
                std::string_view line = front.substr(start, stop == std::string_view::npos ? front.npos : stop - start);
                start = stop == std::string_view::npos ? front.size() : stop + 1;
                if (line.substr(0, 13) == "allowedTools:") {
                    std::string value = trim(line.substr(13));
                    in_tools = value.empty();
                    if (value.size() >= 2 && value.front() == '[' && value.back() == ']') {
                        std::string_view items = std::string_view(value).substr(1, value.size() - 2);
                        size_t from = 0;
                        while (from <= items.size()) {
                            size_t comma = items.find(',', from);
                            std::string item =
                                trim(items.substr(from, comma == items.npos ? items.npos : comma - from));
                            if (!item.empty())
                                prompt.allowed_tools.push_back(item);
                            if (comma == items.npos)
                                break;
                            from = comma + 1;
                        }
                    } else if (!value.empty()) {
                        prompt.allowed_tools.push_back(value);
                    }
                } else if (in_tools && trim(line).substr(0, 2) == "- ") {
                    prompt.allowed_tools.push_back(trim(trim(line).substr(2)));
                } else if (!line.empty() && line[0] != ' ' && line[0] != '-') {
                    in_tools = false;
                }
            }
        }
        prompt.text = fill(body, data);
        return prompt;
    }
    // The built-in prompt, for projects without mode files.
    std::string task = value_of(data, "taskId");
    std::string text;
    if (task.empty()) {
        text = value_of(data, "additionalInstructions");
    } else {
        text = "You are working on the task " + task;
        if (std::string title = value_of(data, "taskTitle"); !title.empty())
            text += ": " + title;
        text += ".\n";
        if (std::string parent = value_of(data, "parentId"); !parent.empty()) {
            text += "It is a subtask of " + parent;
            if (std::string title = value_of(data, "parentTitle"); !title.empty())
                text += " (" + title + ")";
            text += ".\n";
            if (std::string instruction = value_of(data, "parentInstruction"); !instruction.empty())
                text += "\n## The parent task's instruction\n\n" + instruction + "\n";
        }
        if (std::string instruction = value_of(data, "taskInstruction"); !instruction.empty())
            text += "\n## Instruction\n\n" + instruction + "\n";
        if (std::string more = value_of(data, "additionalInstructions"); !more.empty())
            text += "\n## Also\n\n" + more + "\n";
        text += "\nYou are in the task's own git worktree. Record progress with `sc task log " + task +
                " \"...\"` and finish with `sc task complete " + task + "` once the deliverable is there.\n";
    }
    prompt.text = std::move(text);
    return prompt;
}

}  // namespace sc::sessions
