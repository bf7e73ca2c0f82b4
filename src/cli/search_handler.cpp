// The work of `sc search` (docs/search.md), linked into sc-server only: SQLite stays out of
// `sc`, whose `search` command hands itself over to `sc-server cli search ...`. The index is
// derived data beside the task-tree state; every search first records edits made outside sc
// (the check every task command runs), then brings the index up to date.

#include "cli/search_handler.hpp"

#include <cmath>
#include <cstdio>

#include "cli/commands/commands.hpp"
#include "cli/commands/signal_support.hpp"
#include "cli/commands/task_support.hpp"
#include "cli/commands/telemetry_support.hpp"
#include "observe/command_observer.hpp"
#include "search/search.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string time_or_empty(int64_t nanos) {
    return nanos > 0 ? time_text(nanos) : std::string();
}

double rounded(double score) {
    return std::round(score * 1000.0) / 1000.0;
}

Json hit_json(const search::Hit& hit) {
    Json row = {{"type", search::to_string(hit.kind)},
                {"id", hit.ref},
                {"title", hit.title},
                {"score", rounded(hit.score)},
                {"excerpt", hit.excerpt}};
    switch (hit.kind) {
        case search::DocKind::task:
            row["status"] = hit.status;
            row["task_type"] = hit.type;
            row["area"] = hit.area;
            row["phase"] = hit.phase;
            row["location"] = hit.location;
            row["parent"] = hit.parent;
            row["tags"] = hit.tags;
            row["path"] = hit.path;
            row["updated"] = time_or_empty(hit.time);
            break;
        case search::DocKind::doc:
            row["path"] = hit.path;
            row["updated"] = time_or_empty(hit.time);
            break;
        case search::DocKind::event:
            row["event_type"] = hit.type;
            row["seq"] = std::stoull(hit.extra.empty() ? "0" : hit.extra);
            row["task"] = hit.parent;
            row["time"] = time_or_empty(hit.time);
            break;
        case search::DocKind::span:
            row["span_id"] = hit.extra;
            row["status"] = hit.status;
            row["time"] = time_or_empty(hit.time);
            break;
        case search::DocKind::log:
            row["span_id"] = hit.extra;
            row["severity"] = hit.status;
            row["time"] = time_or_empty(hit.time);
            break;
    }
    return row;
}

Result<std::vector<search::DocKind>> read_kinds(const Invocation& invocation) {
    std::vector<search::DocKind> kinds;
    for (const std::string& value : invocation.get_all("type")) {
        for (std::string_view name : text::split(value, ',')) {
            std::optional<search::DocKind> kind = search::doc_kind_of(text::to_lower_ascii(name));
            if (!kind)
                return make_error(ErrorCode::invalid_argument, "\"" + std::string(name) + "\" is not a search type",
                                  Location {"", 0, "--type"},
                                  "use task, doc, event, span or log (several: --type task doc)");
            kinds.push_back(*kind);
        }
    }
    return kinds;
}

std::vector<std::string> values_of(const Invocation& invocation, const std::string& option) {
    std::vector<std::string> out;
    for (const std::string& value : invocation.get_all(option))
        for (std::string_view part : text::split(value, ','))
            if (!text::trim(part).empty())
                out.emplace_back(text::trim(part));
    return out;
}

Result<size_t> read_limit(const Invocation& invocation) {
    std::optional<std::string> given = invocation.get("limit");
    if (!given)
        return size_t {20};
    char* end = nullptr;
    long value = std::strtol(given->c_str(), &end, 10);
    if (given->empty() || *end != '\0' || value < 1 || value > 1000)
        return make_error(ErrorCode::invalid_argument, "--limit \"" + *given + "\" is not a number from 1 to 1000",
                          Location {"", 0, "--limit"}, "give how many results to show, e.g. --limit 10");
    return static_cast<size_t>(value);
}

Result<search::SearchSetup> setup_for(Context& context, observe::ObservedTaskService& service) {
    tasks::ProjectPaths paths = SC_TRY(context.project());
    search::SearchSetup setup;
    setup.sources.trees = observe::tree_roots(service.service().tree());
    setup.sources.project_root = paths.project_root;
    setup.sources.docs = search::default_doc_patterns();
    const config::Values& config = context.config();
    if (auto docs = config.find("search.docs"); docs != config.end()) {
        if (docs->second.is_list)
            setup.sources.docs.insert(setup.sources.docs.end(), docs->second.items.begin(), docs->second.items.end());
        else if (!docs->second.text.empty())
            setup.sources.docs.push_back(docs->second.text);
    }
    Result<observe::TelemetryLocation> location = telemetry_location(context);
    if (location.ok())
        setup.sources.store_root = location->path;
    setup.index_path = search::index_path_for(setup.sources.store_root);
    observe::CommandObserver* observer = context.observer();
    setup.sources.events_follow_tree = observer != nullptr && observer->enabled();
    setup.warn = [&context](const Error& warning) { context.warn(warning); };
    return setup;
}

}  // namespace

Result<CommandResult> run_search_command(const Invocation& invocation, Context& context) {
    search::SearchRequest request;
    request.query = text::join(invocation.arguments(), " ");
    request.reindex = invocation.has("reindex");
    request.filters.kinds = SC_TRY(read_kinds(invocation));
    request.filters.status = values_of(invocation, "status");
    request.filters.area = values_of(invocation, "area");
    request.filters.tags = values_of(invocation, "tags");
    request.filters.phase = values_of(invocation, "phase");
    request.filters.location = values_of(invocation, "location");
    for (const std::string& location : request.filters.location)
        if (location != "current" && location != "archive")
            return make_error(ErrorCode::invalid_argument, "--location \"" + location + "\" is not a workflow folder",
                              Location {"", 0, "--location"}, "use current or archive");
    TimeWindow window = SC_TRY(read_time_window(invocation, context));
    request.filters.since = window.since;
    request.filters.until = window.until;
    request.filters.limit = SC_TRY(read_limit(invocation));
    // Bad input is refused before the tree or the index is touched.
    SC_TRY(search::parse_query(request.query));

    observe::ObservedTaskService service = SC_TRY(open_task_service(context));
    SC_TRY(service.service().tree().require_initialised());
    SC_TRY(service.record_outside_edits("search"));
    search::SearchSetup setup = SC_TRY(setup_for(context, service));
    search::SearchOutcome outcome = SC_TRY(search::run_search(setup, request));

    if (request.reindex && request.query.empty() && !invocation.has("status") && !invocation.has("type")) {
        const search::UpdateReport& report = outcome.update;
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.3f", report.seconds);
        Json data = {{"rebuilt", true},
                     {"tasks", report.tasks},
                     {"docs", report.docs},
                     {"events", report.events},
                     {"spans", report.spans},
                     {"logs", report.logs},
                     {"seconds", std::stod(seconds)},
                     {"index", outcome.in_memory ? "" : setup.index_path}};
        std::string message = "Search index rebuilt in " + std::string(seconds) +
                              " s: " + std::to_string(report.tasks) + " tasks, " + std::to_string(report.docs) +
                              " docs, " + std::to_string(report.events) + " events, " + std::to_string(report.spans) +
                              " spans, " + std::to_string(report.logs) + " log records";
        return CommandResult {std::move(data), View::message, std::move(message)};
    }
    Json rows = Json::array();
    for (const search::Hit& hit : outcome.hits)
        rows.push_back(hit_json(hit));
    return CommandResult {std::move(rows), View::search, ""};
}

void install_search_handler() {
    set_search_handler(run_search_command);
}

}  // namespace sc::cli
