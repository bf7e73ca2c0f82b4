// `sc telemetry ...`: the store's health and size, its repair and pruning, and the effective
// telemetry configuration.

#include "cli/commands/commands.hpp"
#include "cli/commands/telemetry_support.hpp"
#include "observe/state_check.hpp"
#include "store/maintenance.hpp"
#include "telemetry/sdk/export_settings.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string human_bytes(uint64_t bytes) {
    char buffer[32];
    if (bytes < 1024)
        std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < 1024 * 1024)
        std::snprintf(buffer, sizeof buffer, "%.1f KiB", static_cast<double>(bytes) / 1024);
    else
        std::snprintf(buffer, sizeof buffer, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
    return buffer;
}

Result<CommandResult> status(const Invocation&, Context& context) {
    std::string root = SC_TRY(existing_store(context));
    store::StatusReport report = SC_TRY(store::status(root));
    Json data = Json::parse(report.to_json());
    std::string text = "Store: " + root + "\nSize: " + human_bytes(report.total_bytes) + "\n";
    for (store::Signal signal : store::k_all_signals) {
        auto index = static_cast<size_t>(signal);
        text += "  " + std::string(store::signal_name(signal)) + ": " + std::to_string(report.lines_by_signal[index]) +
                " lines, " + human_bytes(report.bytes_by_signal[index]) + "\n";
    }
    if (report.events > 0)
        text += "Events: " + std::to_string(report.events) + ", from " + report.oldest_event_time + " to " +
                report.newest_event_time + "\n";
    text += "Days:\n";
    for (const store::DayUsage& day : report.days)
        text += "  " + std::string(store::signal_name(day.signal)) + "/" + store::format_day(day.day) + "  " +
                std::to_string(day.lines) + " lines  " + human_bytes(day.bytes) +
                (day.compressed_segments > 0 ? "  (zstd)" : "") + "\n";
    if (report.corrupt_lines + report.incomplete_tails > 0)
        text += "Problems: " + std::to_string(report.corrupt_lines) + " corrupt lines, " +
                std::to_string(report.incomplete_tails) + " incomplete tails: run `sc telemetry check`\n";
    else
        text += "Problems: none\n";
    return CommandResult {std::move(data), View::text, text};
}

Result<CommandResult> check(const Invocation& invocation, Context& context) {
    std::string root = SC_TRY(existing_store(context));
    bool repair = invocation.has("repair");
    store::CheckReport report =
        SC_TRY(store::check(root, repair ? store::CheckMode::repair : store::CheckMode::report));
    // After the store (a repaired store replays what it kept): the task-tree state against the log.
    observe::StateCheckReport state = SC_TRY(observe::check_tree_state(root, repair));
    Json data = Json::parse(report.to_json());
    data["taskTreeState"] = {{"present", state.present},
                             {"differences", state.differences},
                             {"replayProblem", state.replay_problem},
                             {"repaired", state.repaired}};
    std::string text = "Checked " + std::to_string(report.lines_checked) + " lines in " +
                       std::to_string(report.segments_checked) + " segments: ";
    if (report.clean()) {
        text += "clean\n";
    } else {
        text +=
            std::to_string(report.corrupt_lines) + " corrupt lines, " + std::to_string(report.torn_tails) +
            " torn tails, " + std::to_string(report.seq_problems) + " seq problems, " +
            std::to_string(report.index_problems) + " index problems" +
            (report.missing_events > 0 ? ", " + std::to_string(report.missing_events) + " acknowledged events missing"
                                       : std::string()) +
            "\n";
        for (const store::CheckIssue& issue : report.issues)
            text += "  " + issue.kind + " " + issue.where + " @" + std::to_string(issue.offset) + ": " + issue.detail +
                    "\n";
        if (report.repaired)
            text += "Repaired: " + std::to_string(report.lines_quarantined) + " lines and " +
                    std::to_string(report.tails_quarantined) + " tails moved to quarantine/" +
                    (report.index_rebuilt ? ", index rebuilt" : "") + "\n";
    }
    if (!state.replay_problem.empty())
        text += "The task events do not replay: " + state.replay_problem + "\n";
    if (!state.differences.empty()) {
        text += "The task-tree state disagrees with the event log: " + std::to_string(state.differences.size()) +
                (state.differences.size() == 1 ? " difference\n" : " differences\n");
        for (size_t i = 0; i < state.differences.size() && i < 20; ++i)
            text += "  " + state.differences[i] + "\n";
        if (state.repaired)
            text += "Repaired: task-tree state rebuilt from the events\n";
    }
    // The report is printed (as JSON with --format json), then the failure, if any.
    CommandResult result {std::move(data), View::text, text};
    bool store_failed = !report.clean() && !report.repaired;
    if (store_failed)
        result.failure =
            make_error(ErrorCode::parse, "the telemetry store has problems", Location {root, 0, {}},
                       "run `sc telemetry check --repair` to move bad lines to quarantine/ and rebuild the index");
    else if (!state.replay_problem.empty())
        result.failure =
            make_error(ErrorCode::conflict, "the task events do not replay", Location {root, 0, {}},
                       "`sc events replay --verify` names the event; the task-tree state cannot be checked");
    else if (!state.differences.empty() && !state.repaired)
        result.failure =
            make_error(ErrorCode::conflict, "the task-tree state disagrees with the event log", Location {root, 0, {}},
                       "run `sc telemetry check --repair` to rebuild it from the events");
    return result;
}

Result<int> read_days(const Invocation& invocation, const std::string& option) {
    auto value = invocation.get(option);
    if (!value)
        return -1;
    if (value->empty() || value->size() > 5 || value->find_first_not_of("0123456789") != std::string::npos)
        return make_error(ErrorCode::invalid_argument, "--" + option + " needs a number of days",
                          Location {"", 0, "--" + option}, "e.g. --" + option + " 30");
    return std::stoi(*value);
}

Result<uint64_t> read_size(const std::string& text) {
    size_t digits = text.find_first_not_of("0123456789");
    // A number first ("M" and "-1" have none), of at most 12 digits before a unit.
    if (digits == 0 || text.empty() || (digits == std::string::npos ? text.size() > 15 : digits > 12))
        return make_error(ErrorCode::invalid_argument, "\"" + text + "\" is not a size", Location {"", 0, "--max-size"},
                          "e.g. 500M, 2G or 1048576");
    uint64_t number = std::stoull(text.substr(0, digits));
    std::string unit = digits == std::string::npos ? "" : text.substr(digits);
    uint64_t scale = unit.empty() || unit == "B"    ? 1
                     : unit == "K" || unit == "KiB" ? 1024ULL
                     : unit == "M" || unit == "MiB" ? 1024ULL * 1024
                     : unit == "G" || unit == "GiB" ? 1024ULL * 1024 * 1024
                                                    : 0;
    if (scale == 0)
        return make_error(ErrorCode::invalid_argument, "unknown size unit \"" + unit + "\"",
                          Location {"", 0, "--max-size"}, "use K, M or G");
    return number * scale;
}

Result<CommandResult> prune(const Invocation& invocation, Context& context) {
    std::string root = SC_TRY(existing_store(context));
    store::PrunePolicy policy;
    int older = SC_TRY(read_days(invocation, "older-than"));
    int compress = SC_TRY(read_days(invocation, "compress-after"));
    if (older >= 0)
        policy.max_age_days = older;
    if (compress >= 0)
        policy.compress_after_days = compress;
    if (auto size = invocation.get("max-size"))
        policy.max_total_bytes = SC_TRY(read_size(*size));
    policy.compress_instead_of_delete = invocation.has("compress");
    policy.dry_run = invocation.has("dry-run");
    policy.clock = &context.clock();
    if (!policy.max_age_days && !policy.compress_after_days && !policy.max_total_bytes)
        return make_error(ErrorCode::invalid_argument, "no retention rule given",
                          "use --older-than DAYS, --max-size SIZE and/or --compress-after DAYS");
    store::PruneReport report = SC_TRY(store::prune(root, policy));
    Json data = Json::parse(report.to_json());
    std::string verb = report.dry_run ? "Would " : "";
    std::string text = verb + (report.dry_run ? "delete " : "Deleted ") + std::to_string(report.deleted_days.size()) +
                       " days, " + (report.dry_run ? "compress " : "compressed ") +
                       std::to_string(report.compressed_days.size()) + " days; " + human_bytes(report.bytes_before) +
                       " -> " + human_bytes(report.bytes_after) + "\n";
    for (const std::string& day : report.deleted_days)
        text += "  deleted " + day + "\n";
    for (const std::string& day : report.compressed_days)
        text += "  compressed " + day + "\n";
    return CommandResult {std::move(data), View::text, text};
}

Result<CommandResult> config(const Invocation&, Context& context) {
    telemetry::sdk::ResolvedSettings settings = telemetry_settings(context);
    for (const Error& warning : settings.warnings)
        context.warn(warning);
    Json rows = Json::array();
    for (const telemetry::sdk::SettingRow& row : settings.rows)
        rows.push_back({{"key", row.key}, {"value", row.value}, {"source", row.source}});
    Result<observe::TelemetryLocation> location = telemetry_location(context);
    if (location.ok())
        rows.push_back({{"key", "telemetry.dir (effective)"}, {"value", location->path}, {"source", location->source}});
    // Where `sc telemetry ship` sends the store: resolved here only, never at a command's start.
    telemetry::sdk::SettingsSources sources;
    sources.environment = &context.environment();
    sources.file = &context.config();
    telemetry::sdk::ExportSettings exports = telemetry::sdk::resolve_export_settings(sources);
    for (const Error& warning : exports.warnings)
        context.warn(warning);
    for (const telemetry::sdk::SettingRow& row : exports.rows)
        rows.push_back({{"key", row.key}, {"value", row.value}, {"source", row.source}});
    // Keys under telemetry.export that no setting knows: a typo would otherwise go unnoticed.
    std::vector<Error> unknown;
    config::validate(context.config(), telemetry::sdk::export_key_specs(), "telemetry.export", unknown);
    for (const Error& warning : unknown)
        if (warning.message.starts_with("unknown key"))
            context.warn(warning);
    return CommandResult {std::move(rows), View::records, ""};
}

}  // namespace

void register_telemetry_commands(Registry& registry) {
    registry.add_group(
        {"telemetry", "The telemetry store and configuration: status, check, prune, config, serve, ship"});
    if (!registry.wants("telemetry"))
        return;
    registry.add({
        .group = "telemetry",
        .name = "status",
        .summary = "Size, counts by signal and day, oldest and newest event, corrupt lines",
        .description = "",
        .arguments = {},
        .options = {},
        .examples = {"sc telemetry status", "sc telemetry status --format json"},
        .mutates = false,
        .handler = status,
    });
    registry.add({
        .group = "telemetry",
        .name = "check",
        .summary = "Validate every stored line and the indexes (exit 5 when there are problems)",
        .description = "--repair moves torn and corrupt lines to quarantine/ (never deletes them) and rebuilds index/.",
        .arguments = {},
        .options = {{"repair", OptionKind::flag, "Quarantine bad lines and rebuild the index", "", {}, {}}},
        .examples = {"sc telemetry check", "sc telemetry check --repair"},
        .mutates = true,
        .handler = check,
    });
    registry.add({
        .group = "telemetry",
        .name = "prune",
        .summary = "Delete or compress old days of telemetry",
        .description = "Today and each signal's active day are never touched. Compressed days stay readable by "
                       "every command and by `zstdcat | jq`.",
        .arguments = {},
        .options = {{"older-than", OptionKind::value, "Remove days older than this many days", "DAYS", {}, {}},
                    {"max-size", OptionKind::value, "Then remove the oldest days until the store fits", "SIZE", {}, {}},
                    {"compress-after", OptionKind::value, "Compress days older than this with zstd", "DAYS", {}, {}},
                    {"compress", OptionKind::flag, "With --older-than: compress instead of deleting", "", {}, {}},
                    {"dry-run", OptionKind::flag, "Only say what would happen", "", {}, {}}},
        .examples = {"sc telemetry prune --compress-after 7 --older-than 90", "sc telemetry prune --max-size 500M"},
        .mutates = true,
        .handler = prune,
    });
    registry.add({
        .group = "telemetry",
        .name = "config",
        .summary = "Every effective telemetry setting and where it came from",
        .description = "Precedence: flags, then environment variables (OTEL_*, SCOPECRAFT_TELEMETRY_*), then the "
                       "project's .scopecraft/config.yaml, then ~/.scopecraft/config.yaml, then defaults.",
        .arguments = {},
        .options = {},
        .examples = {"sc telemetry config", "OTEL_TRACES_SAMPLER=always_off sc telemetry config"},
        .mutates = false,
        .handler = config,
    });
    register_ship_commands(registry);
}

}  // namespace sc::cli
