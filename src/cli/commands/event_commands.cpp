// `sc events ...` and `sc task history`: the domain events, listed, followed, summarised,
// exported and replayed into a task tree.

#include <algorithm>
#include <csignal>

#include "cli/commands/commands.hpp"
#include "cli/commands/telemetry_support.hpp"
#include "cli/render.hpp"
#include "observe/command_observer.hpp"
#include "observe/domain_events.hpp"
#include "observe/projections.hpp"
#include "observe/replay.hpp"
#include "store/follower.hpp"
#include "tasks/task_service.hpp"
#include "util/files.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;

// The filters every event listing takes.
std::vector<OptionSpec> filter_options() {
    return {
        {"type", OptionKind::values, "Only these event types (TaskCreated, TaskUpdated, ...)", "TYPE", {}, {}},
        {"stream", OptionKind::value, "Only this stream (task:<id>)", "STREAM", {}, {}},
        {"since", OptionKind::value, "From this time (RFC 3339, a date, or 15m/2h/7d ago)", "TIME", {}, {}},
        {"until", OptionKind::value, "Before this time", "TIME", {}, {}},
        {"trace", OptionKind::value, "Only events caused by this trace", "TRACE_ID", {}, {}},
    };
}

Result<store::EventQuery> read_query(const Invocation& invocation, Context& context) {
    store::EventQuery query;
    query.types = invocation.get_all("type");
    query.stream = invocation.get("stream");
    int64_t now = context.clock().now_unix_nanos();
    if (auto since = invocation.get("since"))
        query.from_time = SC_TRY(parse_time_option(*since, "--since", now));
    if (auto until = invocation.get("until"))
        query.until_time = SC_TRY(parse_time_option(*until, "--until", now));
    query.trace_id = invocation.get("trace").value_or("");
    return query;
}

// A count option (`--last 20`); 0 when absent.
Result<size_t> read_count(const Invocation& invocation, const std::string& option) {
    auto value = invocation.get(option);
    if (!value)
        return size_t {0};
    if (value->empty() || value->size() > 9 || value->find_first_not_of("0123456789") != std::string::npos)
        return make_error(ErrorCode::invalid_argument, "--" + option + " needs a whole number",
                          Location {"", 0, "--" + option}, "e.g. --" + option + " 20");
    return static_cast<size_t>(std::stoul(*value));
}

Json envelope_json(const store::EventView& event) {
    Json parsed = Json::parse(event.line, nullptr, false);
    return parsed.is_discarded() ? Json {{"seq", event.seq}, {"type", std::string(event.type)}} : parsed;
}

// A one-line summary of what an event says, for tables.
std::string summary_of(const store::EventView& event) {
    Json data = Json::parse(event.data, nullptr, false);
    if (data.is_discarded() || !data.is_object())
        return "";
    std::string text;
    for (const Json& field : data.value("fields", Json::array())) {
        std::string value = field["new"].is_string() ? field["new"].get<std::string>() : field["new"].dump();
        text += (text.empty() ? "" : ", ") + field.value("field", "") + "=" + value;
    }
    for (const Json& section : data.value("sections", Json::array()))
        text += (text.empty() ? "" : ", ") + std::string("section ") + section.value("section", "");
    for (const Json& renamed : data.value("renamedIds", Json::array()))
        text += (text.empty() ? "" : ", ") + renamed.value("old", "") + " -> " + renamed.value("new", "");
    if (text.empty())
        for (const Json& file : data.value("files", Json::array())) {
            text += (text.empty() ? "" : ", ") + file.value("kind", "") + " " + file.value("path", "");
            if (text.size() > 80)
                break;
        }
    return text;
}

Json row_of(const store::EventView& event) {
    std::string stream(event.stream);
    return Json {{"seq", event.seq},
                 {"time", std::string(event.time.substr(0, 23)) + "Z"},
                 {"type", std::string(event.type)},
                 {"stream", stream},
                 {"version", event.version},
                 {"summary", summary_of(event)}};
}

Result<CommandResult> list(const Invocation& invocation, Context& context) {
    std::string root = SC_TRY(existing_store(context));
    store::EventQuery query = SC_TRY(read_query(invocation, context));
    size_t last = SC_TRY(read_count(invocation, "last"));
    bool json = context.globals().format == OutputFormat::json;
    std::vector<Json> rows;
    store::Reader reader(root);
    store::ReadStats stats = SC_TRY(reader.read_events(query, [&](const store::EventView& event) {
        rows.push_back(json ? envelope_json(event) : row_of(event));
        if (last > 0 && rows.size() > last)
            rows.erase(rows.begin());
        return true;
    }));
    if (stats.corrupt + stats.incomplete_tail > 0)
        context.warn(make_error(ErrorCode::parse,
                                std::to_string(stats.corrupt) + " corrupt and " +
                                    std::to_string(stats.incomplete_tail) + " incomplete lines skipped",
                                Location {root, 0, {}}, "run `sc telemetry check` for details"));
    Json data = Json::array();
    for (Json& row : rows)
        data.push_back(std::move(row));
    return CommandResult {std::move(data), View::records, ""};
}

volatile std::sig_atomic_t g_interrupted = 0;

Result<CommandResult> follow(const Invocation& invocation, Context& context) {
    std::string root = SC_TRY(existing_store(context));
    store::EventQuery query = SC_TRY(read_query(invocation, context));
    size_t count = SC_TRY(read_count(invocation, "count"));
    std::optional<std::string> cursor_name = invocation.get("cursor");
    store::Layout layout(root);
    store::Cursor start;
    start.signal = store::Signal::events;
    if (cursor_name) {
        if (auto saved = SC_TRY(store::load_cursor(layout, *cursor_name)))
            start = *saved;
    }
    bool from_start = invocation.has("from-start") || cursor_name.has_value();
    store::Follower follower = SC_TRY(store::Follower::open(root, start));
    bool json = context.globals().format == OutputFormat::json;
    std::signal(SIGINT, [](int) { g_interrupted = 1; });
    std::signal(SIGTERM, [](int) { g_interrupted = 1; });

    size_t delivered = 0;
    bool skipping = !from_start;  // without --from-start, only what arrives from now on
    auto deliver = [&](const store::FollowedLine& line) {
        if (skipping || line.event == nullptr || !store::event_matches(query, *line.event))
            return true;
        if (query.stream && line.event->stream != *query.stream)
            return true;
        std::string text = json
                               ? std::string(line.line) + "\n"
                               : row_of(*line.event)["time"].get<std::string>() + "  " + std::string(line.event->type) +
                                     "  " + std::string(line.event->stream) + "  " + summary_of(*line.event) + "\n";
        context.write_out(text);
        ++delivered;
        return count == 0 || delivered < count;
    };
    SC_TRY(follower.poll(deliver));
    skipping = false;
    size_t idle_seconds = SC_TRY(read_count(invocation, "timeout"));
    size_t idle = 0;
    while (!g_interrupted && (count == 0 || delivered < count)) {
        bool woken = SC_TRY(follower.wait(std::chrono::milliseconds(1000)));
        SC_TRY(follower.poll(deliver));
        if (cursor_name)
            SC_TRY(store::save_cursor(layout, *cursor_name, follower.cursor()));
        idle = woken ? 0 : idle + 1;
        if (idle_seconds > 0 && idle >= idle_seconds)
            break;
    }
    if (cursor_name)
        SC_TRY(store::save_cursor(layout, *cursor_name, follower.cursor()));
    CommandResult result {Json {{"delivered", delivered}}, View::text, ""};
    result.streamed = true;
    return result;
}

std::string seconds_text(double seconds) {
    char buffer[64];
    if (seconds < 120)
        std::snprintf(buffer, sizeof buffer, "%.1fs", seconds);
    else if (seconds < 7200)
        std::snprintf(buffer, sizeof buffer, "%.1fm", seconds / 60);
    else if (seconds < 172800)
        std::snprintf(buffer, sizeof buffer, "%.1fh", seconds / 3600);
    else
        std::snprintf(buffer, sizeof buffer, "%.1fd", seconds / 86400);
    return buffer;
}

Result<CommandResult> stats(const Invocation& invocation, Context& context) {
    std::string root = SC_TRY(existing_store(context));
    store::EventQuery query = SC_TRY(read_query(invocation, context));
    observe::TaskProjection projection;
    store::Reader reader(root);
    SC_TRY(reader.read_events(query, [&](const store::EventView& event) {
        projection.apply(event);
        return true;
    }));
    Json data = projection.to_json();
    std::string text = "Events: " + std::to_string(projection.events()) + "\n\nBy type:\n";
    for (const auto& [type, count] : projection.by_type())
        text += "  " + type + std::string(type.size() < 24 ? 24 - type.size() : 1, ' ') + std::to_string(count) + "\n";
    text += "\nTasks by status:\n";
    for (const auto& [status, count] : projection.by_status())
        text += "  " + status + std::string(status.size() < 24 ? 24 - status.size() : 1, ' ') + std::to_string(count) +
                "\n";
    observe::Summary cycle = observe::summarise(projection.cycle_times());
    text += "\nCycle time, created to done (" + std::to_string(cycle.count) + " tasks): ";
    text += cycle.count == 0 ? "none done yet\n"
                             : "median " + seconds_text(cycle.median) + ", p90 " + seconds_text(cycle.p90) + ", mean " +
                                   seconds_text(cycle.mean) + "\n";
    text += "\nPer hour (UTC)        created  completed\n";
    for (const auto& [hour, counts] : projection.per_hour()) {
        char line[96];
        std::snprintf(line, sizeof line, "  %s:00Z  %7lld  %9lld\n", hour.c_str(),
                      static_cast<long long>(counts.created), static_cast<long long>(counts.completed));
        text += line;
    }
    return CommandResult {std::move(data), View::text, text};
}

Result<CommandResult> export_events(const Invocation& invocation, Context& context) {
    std::string root = SC_TRY(existing_store(context));
    store::EventQuery query = SC_TRY(read_query(invocation, context));
    std::string lines;
    size_t count = 0;
    store::Reader reader(root);
    SC_TRY(reader.read_events(query, [&](const store::EventView& event) {
        lines.append(event.line);
        lines.push_back('\n');
        ++count;
        return true;
    }));
    if (auto output = invocation.get("output")) {
        SC_TRY(files::write_atomic(*output, lines, files::Durability::none, 0600));
        return CommandResult {Json {{"exported", count}, {"file", *output}}, View::message,
                              "Exported " + std::to_string(count) + " events to " + *output};
    }
    // JSON Lines on stdout whatever the format: that is what export is for.
    context.write_out(lines);
    CommandResult result {Json(), View::text, ""};
    result.streamed = true;
    return result;
}

Result<CommandResult> replay(const Invocation& invocation, Context& context) {
    std::string root = SC_TRY(existing_store(context));
    std::optional<std::string> into = invocation.get("into");
    bool verify = invocation.has("verify");
    if (!into && !verify)
        return make_error(ErrorCode::invalid_argument, "say what to do with the replayed tree",
                          "use --into DIR to write it out, --verify to compare it with the live tree, or both");
    observe::ReplayOptions options;
    if (auto as_of = invocation.get("as-of"))
        options.as_of = SC_TRY(parse_time_option(*as_of, "--as-of", context.clock().now_unix_nanos()));
    if (verify && options.as_of)
        return make_error(ErrorCode::invalid_argument, "--verify compares with the tree as it is now",
                          "drop --as-of, or use --into DIR to see the past state");
    if (into && files::exists(*into) && !files::is_directory(*into))
        return make_error(ErrorCode::already_exists, "not a folder", Location {*into, 0, {}},
                          "choose a new or empty folder");
    std::optional<observe::TreeModel> live;
    observe::TreeLock lock;  // held until the comparison is made: no command changes the tree meanwhile
    if (verify) {
        // Reading the live tree is a moment to record edits made outside sc, so the log is
        // complete before it is replayed and compared.
        tasks::ProjectPaths project = SC_TRY(context.project());
        tasks::TaskTree tree = tasks::TaskService::for_project(project, context.clock()).tree();
        if (observe::CommandObserver* observer = context.observer(); observer != nullptr && observer->enabled()) {
            lock = observer->lock_tree();
            observer->check_external_changes(observe::tree_roots(tree));
        }
        live = SC_TRY(observe::TreeModel::read_live(observe::tree_roots(tree)));
    }
    observe::ReplayResult replayed = SC_TRY(observe::replay_events(root, options));
    // Said once per file: the comparison takes such a file as matching when its size does.
    for (const auto& [key, size] : replayed.model.oversized())
        context.warn(make_error(ErrorCode::parse,
                                key + " was larger than 8 MiB when recorded (" + std::to_string(size) +
                                    " bytes): the events hold its size, not its content, and replay leaves it out",
                                "shrink or remove the file; sc does not read task files over 8 MiB"));
    Json data = Json::object();
    data["events"] = replayed.events_applied;
    data["files"] = replayed.model.files().size();
    std::string message;
    std::vector<std::string> differences;
    if (live) {
        differences = replayed.model.differences(*live);
        data["identical"] = differences.empty();
        data["differences"] = differences;
        if (differences.empty()) {
            message = "Replayed " + std::to_string(replayed.events_applied) + " events: the tree (" +
                      std::to_string(live->files().size()) + " files) is identical";
        } else {
            message = std::to_string(differences.size()) + (differences.size() == 1 ? " difference:" : " differences:");
            for (const std::string& line : differences)
                message += "\n  " + line;
        }
    }
    lock.release();
    if (into) {
        SC_TRY(replayed.model.write_to(*into));
        data["into"] = *into;
        message += (message.empty() ? "" : "\n") + std::string("Rebuilt ") +
                   std::to_string(replayed.model.files().size() - replayed.model.oversized().size()) + " files from " +
                   std::to_string(replayed.events_applied) + " events into " + *into;
    }
    CommandResult result {std::move(data), View::message, message};
    // The report is printed whatever the outcome (the hint points at its JSON form); differences
    // make the command fail with exit 4, with --into as without.
    if (!differences.empty())
        result.failure = make_error(ErrorCode::conflict,
                                    "the events do not rebuild the live tree: " + std::to_string(differences.size()) +
                                        (differences.size() == 1 ? " difference (" : " differences (") +
                                        differences.front() + (differences.size() > 1 ? ", ..." : "") + ")",
                                    "see them all with `sc events replay --verify --format json`");
    return result;
}

// The task folder (a subtask's parent) that keys the stream of `id`: the one named in a
// parent-qualified id, else the folder the tree finds it in; empty for a task in no folder or
// one the tree no longer has.
std::string stream_folder(const std::string& id, Context& context) {
    if (size_t slash = id.find('/'); slash != std::string::npos)
        return id.substr(0, slash);
    Result<tasks::ProjectPaths> project = context.project();
    if (!project.ok())
        return {};
    tasks::TaskService service = tasks::TaskService::for_project(project.value(), context.clock());
    Result<tasks::TaskLocation> found = service.tree().find(id);
    return found.ok() && !found->is_parent ? observe::task_folder_of(found->relative_path) : std::string();
}

Result<CommandResult> history(const Invocation& invocation, Context& context) {
    std::string root = SC_TRY(existing_store(context));
    const std::string& id = invocation.argument(0);
    std::string folder = stream_folder(id, context);
    std::string bare_id = id.substr(id.find('/') == std::string::npos ? 0 : id.find('/') + 1);
    bool json = context.globals().format == OutputFormat::json;
    // A subtask's events before streams were keyed by parent are in `task:<id>`, shared with
    // any twin: those whose files lie in this parent's folder are its own.
    std::vector<std::pair<uint64_t, Json>> rows;
    store::Reader reader(root);
    auto read = [&](const std::string& stream, const std::string& required) -> Status {
        SC_TRY(reader.read_stream(stream, 1, [&](const store::EventView& event) {
            if (required.empty() || event.data.find(required) != std::string_view::npos)
                rows.emplace_back(event.seq, json ? envelope_json(event) : row_of(event));
            return true;
        }));
        return {};
    };
    SC_TRY(read(observe::stream_for_task(bare_id, folder), {}));
    if (!folder.empty())
        SC_TRY(read(observe::stream_for_task(bare_id), "/" + folder + "/"));
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    Json data = Json::array();
    for (auto& [seq, row] : rows)
        data.push_back(std::move(row));
    if (data.empty())
        return make_error(ErrorCode::not_found, "no events for task " + id,
                          "check the id with `sc task list --all`; tasks changed before telemetry was on have none");
    return CommandResult {std::move(data), View::records, ""};
}

void add_events_commands(Registry& registry) {
    std::vector<OptionSpec> listing = filter_options();
    listing.push_back({"last", OptionKind::value, "Only the last N", "N", {}, {}});
    registry.add({
        .group = "events",
        .name = "list",
        .summary = "List domain events, oldest first",
        .description = "With --format json each item is the full event envelope (docs/store.md).",
        .arguments = {},
        .options = listing,
        .examples = {"sc events list --last 20", "sc events list --type TaskCreated --since 1d",
                     "sc events list --stream task:add-login-page-11A --format json"},
        .mutates = false,
        .handler = list,
    });
    std::vector<OptionSpec> following = filter_options();
    following.push_back({"from-start", OptionKind::flag, "Show the existing events first", "", {}, {}});
    following.push_back({"cursor", OptionKind::value, "Resume from (and save to) a named cursor", "NAME", {}, {}});
    following.push_back({"count", OptionKind::value, "Stop after N events", "N", {}, {}});
    following.push_back({"timeout", OptionKind::value, "Stop after this many idle seconds", "SECONDS", {}, {}});
    registry.add({
        .group = "events",
        .name = "follow",
        .summary = "Print events as they are appended (Ctrl-C to stop)",
        .description = "Wakes on inotify, no polling. With --format json prints one envelope per line.",
        .arguments = {},
        .options = following,
        .examples = {"sc events follow", "sc events follow --type TaskCompleted --format json"},
        .mutates = false,
        .handler = follow,
    });
    registry.add({
        .group = "events",
        .name = "stats",
        .summary = "Counts by type, tasks by status, cycle time, tasks created and completed per hour",
        .description = "Computed from the events alone (projections).",
        .arguments = {},
        .options = filter_options(),
        .examples = {"sc events stats", "sc events stats --since 7d --format json"},
        .mutates = false,
        .handler = stats,
    });
    std::vector<OptionSpec> exporting = filter_options();
    exporting.push_back({"output", OptionKind::value, "Write to this file instead of stdout", "FILE", {}, {}});
    registry.add({
        .group = "events",
        .name = "export",
        .summary = "Write events as JSON Lines (the envelopes, unchanged)",
        .description = "",
        .arguments = {},
        .options = exporting,
        .examples = {"sc events export --since 2026-11-01 > events.jsonl",
                     "sc events export --type TaskCompleted | jq .data.taskId"},
        .mutates = false,
        .handler = export_events,
    });
    registry.add({
        .group = "events",
        .name = "replay",
        .summary = "Rebuild the task tree from events alone",
        .description = "--into DIR writes the rebuilt tree (the project-local tree under .tasks-local/); --verify "
                       "compares it with the live tree and lists every difference (exit 4 when they differ); "
                       "--as-of TIME rebuilds the state at a past moment.",
        .arguments = {},
        .options = {{"into", OptionKind::value, "Write the rebuilt tree into this new folder", "DIR", {}, {}},
                    {"verify", OptionKind::flag, "Compare the rebuilt tree with the live one", "", {}, {}},
                    {"as-of", OptionKind::value, "Only events up to this time", "TIME", {}, {}}},
        .examples = {"sc events replay --verify", "sc events replay --into /tmp/tree --as-of 2026-11-27T12:00:00Z"},
        .mutates = false,
        .handler = replay,
    });
}

}  // namespace

void register_event_commands(Registry& registry) {
    registry.add_group({"events", "Domain events: list, follow, stats, export, replay"});
    if (registry.wants("events"))
        add_events_commands(registry);
    // `task history` reads events, so it lives here; it is listed with the task commands.
    if (!registry.wants("task"))
        return;
    registry.add({
        .group = "task",
        .name = "history",
        .summary = "Show every event of one task",
        .description = "",
        .arguments = {{"id", "Task id", true}},
        .options = {},
        .examples = {"sc task history add-login-page-11A"},
        .mutates = false,
        .handler = history,
    });
}

}  // namespace sc::cli
