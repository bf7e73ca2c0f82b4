// `sc metrics [NAME]`: the current value of each metric in the store, and its rate over a window.

#include <charconv>
#include <map>

#include "cli/commands/commands.hpp"
#include "cli/commands/signal_support.hpp"
#include "cli/commands/telemetry_support.hpp"
#include "observe/metric_values.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;

constexpr double k_nanos_per_minute = 60e9;
constexpr size_t k_max_buckets = 200;

// `--buckets N`: 0 when absent.
Result<size_t> read_buckets(const Invocation& invocation) {
    std::optional<std::string> text = invocation.get("buckets");
    if (!text)
        return size_t {0};
    size_t value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value == 0 || value > k_max_buckets)
        return make_error(
            ErrorCode::invalid_argument,
            "--buckets takes a number from 1 to " + std::to_string(k_max_buckets) + ", not \"" + *text + "\"",
            Location {"", 0, "--buckets"}, "e.g. --buckets 24 --since 24h");
    return value;
}

// The window the buckets cut: --since (or the oldest point shown) to --until (or now).
std::pair<int64_t, int64_t> series_window(const std::vector<observe::MetricPoint>& points,
                                          const observe::MetricFilter& filter, const TimeWindow& window, int64_t now) {
    int64_t until = window.until.value_or(now + 1);
    int64_t since = until;
    if (window.since)
        since = *window.since;
    else
        for (const observe::MetricPoint& point : points)
            if (point.time < until && point.name.compare(0, filter.name.size(), filter.name) == 0)
                since = std::min(since, point.time);
    return {since, until};
}

const char* type_name(observe::MetricType type) {
    switch (type) {
        case observe::MetricType::gauge:
            return "gauge";
        case observe::MetricType::histogram:
            return "histogram";
        case observe::MetricType::sum:
            break;
    }
    return "sum";
}

Json quantile_json(const observe::MetricValue& value, double quantile) {
    std::optional<double> estimate = observe::histogram_quantile(value, quantile);
    return estimate ? number_json(*estimate) : Json(nullptr);
}

// Every row has the same keys, so the table has fixed columns; what does not apply is null
// (an empty cell in the table).
Json row_of(const observe::MetricValue& value, bool by_attributes, std::optional<double> window_nanos) {
    bool histogram = value.type == observe::MetricType::histogram;
    Json row = {{"name", value.name}, {"type", type_name(value.type)}, {"unit", value.unit}};
    if (by_attributes)
        row["attributes"] = value.attributes;
    row["value"] = histogram ? Json(nullptr) : number_json(value.value);
    row["count"] = histogram ? Json(value.count) : Json(nullptr);
    row["sum"] = histogram ? number_json(value.sum) : Json(nullptr);
    row["mean"] = histogram && value.count > 0 ? number_json(value.mean()) : Json(nullptr);
    row["p50"] = histogram ? quantile_json(value, 0.5) : Json(nullptr);
    row["p95"] = histogram ? quantile_json(value, 0.95) : Json(nullptr);
    if (window_nanos) {
        bool has_rate = value.increase.has_value() && *window_nanos > 0;
        double per_minute = has_rate ? *value.increase * k_nanos_per_minute / *window_nanos : 0;
        row["increase"] = has_rate ? number_json(*value.increase) : Json(nullptr);
        row["per_minute"] = has_rate ? number_json(per_minute) : Json(nullptr);
        row["per_hour"] = has_rate ? number_json(per_minute * 60) : Json(nullptr);
    }
    return row;
}

Result<CommandResult> metrics(const Invocation& invocation, Context& context) {
    TimeWindow window = SC_TRY(read_time_window(invocation, context));
    observe::MetricFilter filter;
    filter.name = invocation.arguments().empty() ? "" : invocation.argument(0);
    filter.since = window.since;
    filter.until = window.until;
    filter.by_attributes = invocation.has("attributes");
    store::Reader reader(SC_TRY(existing_store(context)));
    auto loaded = SC_TRY(observe::load_metric_points(reader, signal_query_for(window)));
    warn_skipped_lines(context, loaded.stats, "metrics");
    std::optional<double> window_nanos;
    if (window.since)
        window_nanos = static_cast<double>(window.until.value_or(context.clock().now_unix_nanos()) - *window.since);
    size_t buckets = SC_TRY(read_buckets(invocation));
    std::map<std::string, Json> series;  // name (and attributes) -> values per bucket
    auto key_of = [&filter](const std::string& name, const observe::Attributes& attributes) {
        return filter.by_attributes ? name + '\0' + nlohmann::json(attributes).dump() : name;
    };
    if (buckets > 0) {
        auto [since, until] = series_window(loaded.records, filter, window, context.clock().now_unix_nanos());
        for (const observe::MetricSeries& one : observe::metric_series(loaded.records, filter, since, until, buckets)) {
            Json values = Json::array();
            for (const std::optional<double>& value : one.values)
                values.push_back(value ? number_json(*value) : Json(nullptr));
            series[key_of(one.name, one.attributes)] = std::move(values);
        }
    }
    // A table joins an array's cells and would drop a null one, shifting the buckets: there an
    // empty bucket is shown as "-".
    if (context.globals().format != OutputFormat::json)
        for (auto& [key, values] : series) {
            std::string text;
            for (const Json& value : values)
                text += (text.empty() ? "" : ", ") + (value.is_null() ? std::string("-") : value.dump());
            values = text;
        }
    Json rows = Json::array();
    for (const observe::MetricValue& value : observe::current_metrics(loaded.records, filter)) {
        rows.push_back(row_of(value, filter.by_attributes, window_nanos));
        if (buckets > 0) {
            auto found = series.find(key_of(value.name, value.attributes));
            rows.back()["series"] = found != series.end() ? found->second : Json(std::vector<Json>(buckets, nullptr));
        }
    }
    if (rows.empty() && !filter.name.empty())
        return make_error(ErrorCode::not_found, "no metric named " + filter.name + "… in the store",
                          Location {reader.layout().root(), 0, {}},
                          "`sc metrics` lists every metric recorded (in the window given)");
    return CommandResult {std::move(rows), View::records, ""};
}

}  // namespace

void register_metric_commands(Registry& registry) {
    if (!registry.wants("", "metrics"))
        return;
    std::vector<OptionSpec> options = time_window_options();
    options.push_back(
        {"attributes", OptionKind::flag, "One row per attribute set instead of one per metric", "", {}, {}});
    options.push_back({"buckets",
                       OptionKind::value,
                       "Add each metric's values over the window cut into N equal buckets (series)",
                       "N",
                       {},
                       {}});
    registry.add({
        .group = "",
        .name = "metrics",
        .summary = "Current metric values, and their rates with --since",
        .description = "Counters add up the deltas every process wrote; gauges show their latest value; "
                       "histograms show count, sum, mean and p50/p95 estimated from their buckets. With "
                       "--since, `increase` is the growth inside the window and per_minute/per_hour its rate. With "
                       "--buckets N, `series` holds N values, oldest first, over --since (or the oldest point) to "
                       "--until (or now): a counter's increase in each bucket, a histogram's observations, a "
                       "gauge's latest value; null where the bucket has no point.",
        .arguments = {{"name", "Only metrics whose name starts with NAME", false}},
        .options = std::move(options),
        .examples = {"sc metrics", "sc metrics scopecraft.operations --since 1h --attributes",
                     "sc metrics --format json", "sc metrics --since 24h --buckets 24 --format json"},
        .mutates = false,
        .handler = metrics,
    });
}

}  // namespace sc::cli
