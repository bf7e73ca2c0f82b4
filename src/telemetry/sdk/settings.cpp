#include "telemetry/sdk/settings.hpp"

#include <limits>

#include "util/text.hpp"

namespace sc::telemetry::sdk {
namespace {

// What an OTEL_SDK_DISABLED that is neither true nor false turns into: no setting accepts it.
constexpr std::string_view k_invalid = "\x01invalid";

using Apply = bool (*)(std::string_view text, TelemetrySettings& settings, std::string& shown,
                       std::vector<std::string>& notes);

struct Entry {
    std::string_view key;
    std::string_view env;
    std::string_view default_text;
    config::Type type;
    std::string_view hint;
    Apply apply;
    bool inverted_env = false;  // OTEL_SDK_DISABLED says the opposite of telemetry.enabled
};

// The OTel specification's booleans: only true/false, in any case.
bool parse_otel_bool(std::string_view text, bool& value) {
    std::string lower = text::to_lower_ascii(text::trim(text));
    if (lower == "true" || lower == "false") {
        value = lower == "true";
        return true;
    }
    return false;
}

bool apply_enabled(std::string_view text, TelemetrySettings& settings, std::string& shown, std::vector<std::string>&) {
    if (!config::parse_bool(text, settings.enabled))
        return false;
    shown = settings.enabled ? "true" : "false";
    return true;
}

bool apply_level(std::string_view text, TelemetrySettings& settings, std::string& shown, std::vector<std::string>&) {
    std::string lower = text::to_lower_ascii(text::trim(text));
    static constexpr std::pair<std::string_view, Severity> k_levels[] = {
        {"trace", Severity::trace}, {"debug", Severity::debug}, {"info", Severity::info},
        {"warn", Severity::warn},   {"error", Severity::error}, {"fatal", Severity::fatal}};
    for (const auto& [name, severity] : k_levels) {
        if (lower == name || (lower == "warning" && name == "warn")) {
            settings.level = severity;
            shown = name;
            return true;
        }
    }
    return false;
}

bool parse_exporters(std::string_view text, std::vector<ExporterKind>& exporters, std::string& shown,
                     std::vector<std::string>& notes) {
    std::vector<ExporterKind> parsed;
    std::vector<std::string> names;
    bool saw_none = false;
    for (std::string_view part : text::split(text, ',')) {
        std::string name = text::to_lower_ascii(text::trim(part));
        if (name.empty())
            continue;
        ExporterKind kind;
        if (name == "store" || name == "otlp") {
            kind = ExporterKind::store;
        } else if (name == "console" || name == "logging") {
            kind = ExporterKind::console;
        } else if (name == "none") {
            saw_none = true;
            continue;
        } else {
            notes.push_back("unknown exporter '" + name + "' ignored (known: store, otlp, console, none)");
            continue;
        }
        bool duplicate = false;
        for (ExporterKind existing : parsed)
            duplicate = duplicate || existing == kind;
        if (!duplicate) {
            parsed.push_back(kind);
            names.push_back(kind == ExporterKind::store ? "store" : "console");
        }
    }
    if (parsed.empty() && !saw_none)
        return false;
    exporters = std::move(parsed);
    shown = names.empty() ? "none" : text::join(names, ",");
    return true;
}

bool apply_traces_exporters(std::string_view text, TelemetrySettings& settings, std::string& shown,
                            std::vector<std::string>& notes) {
    return parse_exporters(text, settings.traces_exporters, shown, notes);
}
bool apply_metrics_exporters(std::string_view text, TelemetrySettings& settings, std::string& shown,
                             std::vector<std::string>& notes) {
    return parse_exporters(text, settings.metrics_exporters, shown, notes);
}
bool apply_logs_exporters(std::string_view text, TelemetrySettings& settings, std::string& shown,
                          std::vector<std::string>& notes) {
    return parse_exporters(text, settings.logs_exporters, shown, notes);
}

bool apply_sampler(std::string_view text, TelemetrySettings& settings, std::string& shown, std::vector<std::string>&) {
    std::string lower = text::to_lower_ascii(text::trim(text));
    for (SamplerKind kind : {SamplerKind::always_on, SamplerKind::always_off, SamplerKind::traceidratio,
                             SamplerKind::parentbased_always_on, SamplerKind::parentbased_always_off,
                             SamplerKind::parentbased_traceidratio}) {
        if (lower == to_string(kind)) {
            settings.sampler = kind;
            shown = lower;
            return true;
        }
    }
    return false;
}

bool apply_ratio(std::string_view text, TelemetrySettings& settings, std::string& shown, std::vector<std::string>&) {
    double ratio = 0.0;
    if (!config::parse_number(text, ratio) || ratio < 0.0 || ratio > 1.0)
        return false;
    settings.sampler_ratio = ratio;
    shown = std::string(text::trim(text));
    return true;
}

bool parse_positive_ms(std::string_view text, std::chrono::milliseconds& out, std::string& shown, bool allow_zero) {
    int64_t milliseconds = 0;
    if (!config::parse_duration_ms(text, milliseconds) || (milliseconds == 0 && !allow_zero))
        return false;
    out = std::chrono::milliseconds {milliseconds};
    shown = std::to_string(milliseconds) + "ms";
    return true;
}

bool parse_count(std::string_view text, int64_t minimum, int64_t& value, std::string& shown) {
    if (!config::parse_integer(text, value) || value < minimum || value > std::numeric_limits<uint32_t>::max())
        return false;
    shown = std::to_string(value);
    return true;
}

bool apply_interval(std::string_view text, TelemetrySettings& settings, std::string& shown, std::vector<std::string>&) {
    return parse_positive_ms(text, settings.metrics_interval, shown, false);
}

bool apply_temporality(std::string_view text, TelemetrySettings& settings, std::string& shown,
                       std::vector<std::string>&) {
    std::string lower = text::to_lower_ascii(text::trim(text));
    if (lower == "delta" || lower == "lowmemory")
        settings.temporality = Temporality::delta;
    else if (lower == "cumulative")
        settings.temporality = Temporality::cumulative;
    else
        return false;
    shown = lower;
    return true;
}

bool apply_cardinality(std::string_view text, TelemetrySettings& settings, std::string& shown,
                       std::vector<std::string>&) {
    int64_t value = 0;
    if (!parse_count(text, 2, value, shown))
        return false;
    settings.cardinality_limit = static_cast<size_t>(value);
    return true;
}

#define SC_BATCH_APPLY(name, batch, field, minimum)                                                                \
    bool name(std::string_view text, TelemetrySettings& settings, std::string& shown, std::vector<std::string>&) { \
        int64_t value = 0;                                                                                         \
        if (!parse_count(text, minimum, value, shown))                                                             \
            return false;                                                                                          \
        settings.batch.field = static_cast<size_t>(value);                                                         \
        return true;                                                                                               \
    }
SC_BATCH_APPLY(apply_bsp_queue, span_batch, max_queue_size, 1)
SC_BATCH_APPLY(apply_bsp_batch, span_batch, max_export_batch_size, 1)
SC_BATCH_APPLY(apply_blrp_queue, log_batch, max_queue_size, 1)
SC_BATCH_APPLY(apply_blrp_batch, log_batch, max_export_batch_size, 1)
#undef SC_BATCH_APPLY

bool apply_bsp_delay(std::string_view text, TelemetrySettings& settings, std::string& shown,
                     std::vector<std::string>&) {
    return parse_positive_ms(text, settings.span_batch.schedule_delay, shown, true);
}
bool apply_bsp_timeout(std::string_view text, TelemetrySettings& settings, std::string& shown,
                       std::vector<std::string>&) {
    return parse_positive_ms(text, settings.span_batch.export_timeout, shown, true);
}
bool apply_blrp_delay(std::string_view text, TelemetrySettings& settings, std::string& shown,
                      std::vector<std::string>&) {
    return parse_positive_ms(text, settings.log_batch.schedule_delay, shown, true);
}
bool apply_blrp_timeout(std::string_view text, TelemetrySettings& settings, std::string& shown,
                        std::vector<std::string>&) {
    return parse_positive_ms(text, settings.log_batch.export_timeout, shown, true);
}

// Limits: the general ones, then the per-signal ones, which default to "inherit".
bool apply_limit(std::string_view text, uint32_t& target, std::string& shown, bool allow_unlimited) {
    std::string lower = text::to_lower_ascii(text::trim(text));
    if (lower == "inherit") {
        shown = "inherit";
        return true;  // resolve_settings copies the general limit afterwards
    }
    if (allow_unlimited && (lower == "unlimited" || lower == "none")) {
        target = std::numeric_limits<uint32_t>::max();
        shown = "unlimited";
        return true;
    }
    int64_t value = 0;
    if (!parse_count(text, 0, value, shown))
        return false;
    target = static_cast<uint32_t>(value);
    return true;
}

#define SC_LIMIT_APPLY(name, target, unlimited)                                                                    \
    bool name(std::string_view text, TelemetrySettings& settings, std::string& shown, std::vector<std::string>&) { \
        return apply_limit(text, settings.target, shown, unlimited);                                               \
    }
SC_LIMIT_APPLY(apply_attribute_count, span_limits.attributes.count, false)
SC_LIMIT_APPLY(apply_attribute_length, span_limits.attributes.value_length, true)
SC_LIMIT_APPLY(apply_span_attribute_count, span_limits.attributes.count, false)
SC_LIMIT_APPLY(apply_span_attribute_length, span_limits.attributes.value_length, true)
SC_LIMIT_APPLY(apply_span_event_count, span_limits.events, false)
SC_LIMIT_APPLY(apply_span_link_count, span_limits.links, false)
SC_LIMIT_APPLY(apply_event_attribute_count, span_limits.event_attributes.count, false)
SC_LIMIT_APPLY(apply_link_attribute_count, span_limits.link_attributes.count, false)
SC_LIMIT_APPLY(apply_log_attribute_count, log_limits.count, false)
SC_LIMIT_APPLY(apply_log_attribute_length, log_limits.value_length, true)
#undef SC_LIMIT_APPLY

bool apply_exceptions(std::string_view text, TelemetrySettings& settings, std::string& shown,
                      std::vector<std::string>&) {
    std::string lower = text::to_lower_ascii(text::trim(text));
    if (lower == "logs")
        settings.exceptions = ExceptionRecording::logs;
    else if (lower == "logs/dup")
        settings.exceptions = ExceptionRecording::logs_and_span_events;
    else
        return false;
    shown = lower;
    return true;
}

bool apply_service_name(std::string_view text, TelemetrySettings& settings, std::string& shown,
                        std::vector<std::string>&) {
    settings.service_name = std::string(text::trim(text));
    shown = settings.service_name.empty() ? "(from the resource, else scopecraft)" : settings.service_name;
    return true;
}

bool apply_resource_attributes(std::string_view text, TelemetrySettings& settings, std::string& shown,
                               std::vector<std::string>&) {
    settings.resource_attributes = std::string(text);
    shown = settings.resource_attributes;
    return true;
}

bool apply_dir(std::string_view text, TelemetrySettings& settings, std::string& shown, std::vector<std::string>&) {
    settings.dir = std::string(text::trim(text));
    shown = settings.dir.empty() ? "(the project's default)" : settings.dir;
    return true;
}

bool apply_durability(std::string_view text, TelemetrySettings& settings, std::string& shown,
                      std::vector<std::string>&) {
    std::string lower = text::to_lower_ascii(text::trim(text));
    if (lower != "none" && lower != "batch" && lower != "always")
        return false;
    settings.durability = lower;
    shown = lower;
    return true;
}

bool apply_server_host(std::string_view text, TelemetrySettings& settings, std::string& shown,
                       std::vector<std::string>&) {
    std::string host(text::trim(text));
    if (host.empty())
        return false;
    settings.server_host = host;
    shown = host;
    return true;
}

bool apply_server_port(std::string_view text, TelemetrySettings& settings, std::string& shown,
                       std::vector<std::string>&) {
    int64_t port = 0;
    if (!config::parse_integer(text::trim(text), port) || port < 0 || port > 65535)
        return false;
    settings.server_port = static_cast<int>(port);
    shown = std::to_string(port);
    return true;
}

// The token is a secret: `sc telemetry config` says whether it is set, never what it is.
bool apply_server_token(std::string_view text, TelemetrySettings& settings, std::string& shown,
                        std::vector<std::string>&) {
    settings.server_token = std::string(text::trim(text));
    shown = settings.server_token.empty() ? "(none)" : "(set, hidden)";
    return true;
}

using config::Type;

// The order is the order of `sc telemetry config`; general limits come before the ones that
// inherit from them.
const Entry k_entries[] = {
    {"telemetry.enabled", "OTEL_SDK_DISABLED", "true", Type::boolean, "true or false", apply_enabled, true},
    {"telemetry.level", "SCOPECRAFT_TELEMETRY_LEVEL", "info", Type::string,
     "the lowest log severity kept: trace, debug, info, warn or error", apply_level},
    {"telemetry.exporters.traces", "OTEL_TRACES_EXPORTER", "store", Type::string_list,
     "store (or otlp), console, none, or a comma-separated list", apply_traces_exporters},
    {"telemetry.exporters.metrics", "OTEL_METRICS_EXPORTER", "store", Type::string_list,
     "store (or otlp), console, none, or a comma-separated list", apply_metrics_exporters},
    {"telemetry.exporters.logs", "OTEL_LOGS_EXPORTER", "store", Type::string_list,
     "store (or otlp), console, none, or a comma-separated list", apply_logs_exporters},
    {"telemetry.sampling.sampler", "OTEL_TRACES_SAMPLER", "parentbased_always_on", Type::string,
     "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or "
     "parentbased_traceidratio",
     apply_sampler},
    {"telemetry.sampling.ratio", "OTEL_TRACES_SAMPLER_ARG", "1.0", Type::number, "a number from 0 to 1", apply_ratio},
    {"telemetry.metrics.interval", "OTEL_METRIC_EXPORT_INTERVAL", "60000", Type::duration,
     "milliseconds, or a duration such as 30s (long-running processes only)", apply_interval},
    {"telemetry.metrics.temporality", "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta", Type::string,
     "delta, cumulative or lowmemory", apply_temporality},
    {"telemetry.metrics.cardinality_limit", "", "2000", Type::integer, "a whole number of at least 2",
     apply_cardinality},
    {"telemetry.batch.schedule_delay", "OTEL_BSP_SCHEDULE_DELAY", "5000", Type::duration, "milliseconds",
     apply_bsp_delay},
    {"telemetry.batch.export_timeout", "OTEL_BSP_EXPORT_TIMEOUT", "30000", Type::duration, "milliseconds",
     apply_bsp_timeout},
    {"telemetry.batch.max_queue_size", "OTEL_BSP_MAX_QUEUE_SIZE", "2048", Type::integer, "a positive whole number",
     apply_bsp_queue},
    {"telemetry.batch.max_export_batch_size", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "512", Type::integer,
     "a positive whole number", apply_bsp_batch},
    {"telemetry.logs.batch.schedule_delay", "OTEL_BLRP_SCHEDULE_DELAY", "1000", Type::duration, "milliseconds",
     apply_blrp_delay},
    {"telemetry.logs.batch.export_timeout", "OTEL_BLRP_EXPORT_TIMEOUT", "30000", Type::duration, "milliseconds",
     apply_blrp_timeout},
    {"telemetry.logs.batch.max_queue_size", "OTEL_BLRP_MAX_QUEUE_SIZE", "2048", Type::integer,
     "a positive whole number", apply_blrp_queue},
    {"telemetry.logs.batch.max_export_batch_size", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "512", Type::integer,
     "a positive whole number", apply_blrp_batch},
    {"telemetry.limits.attribute_count", "OTEL_ATTRIBUTE_COUNT_LIMIT", "128", Type::integer, "a whole number",
     apply_attribute_count},
    {"telemetry.limits.attribute_value_length", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "unlimited", Type::string,
     "a whole number of bytes or unlimited", apply_attribute_length},
    {"telemetry.limits.span_attribute_count", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "inherit", Type::string,
     "a whole number or inherit", apply_span_attribute_count},
    {"telemetry.limits.span_attribute_value_length", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "inherit", Type::string,
     "a whole number of bytes, unlimited or inherit", apply_span_attribute_length},
    {"telemetry.limits.span_event_count", "OTEL_SPAN_EVENT_COUNT_LIMIT", "128", Type::integer, "a whole number",
     apply_span_event_count},
    {"telemetry.limits.span_link_count", "OTEL_SPAN_LINK_COUNT_LIMIT", "128", Type::integer, "a whole number",
     apply_span_link_count},
    {"telemetry.limits.event_attribute_count", "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "128", Type::integer,
     "a whole number", apply_event_attribute_count},
    {"telemetry.limits.link_attribute_count", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "128", Type::integer, "a whole number",
     apply_link_attribute_count},
    {"telemetry.limits.log_attribute_count", "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "inherit", Type::string,
     "a whole number or inherit", apply_log_attribute_count},
    {"telemetry.limits.log_attribute_value_length", "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "inherit",
     Type::string, "a whole number of bytes, unlimited or inherit", apply_log_attribute_length},
    {"telemetry.exceptions", "OTEL_SEMCONV_EXCEPTION_SIGNAL_OPT_IN", "logs", Type::string,
     "logs, or logs/dup to also add span events", apply_exceptions},
    {"telemetry.service.name", "OTEL_SERVICE_NAME", "", Type::string, "a service name", apply_service_name},
    {"telemetry.resource.attributes", "OTEL_RESOURCE_ATTRIBUTES", "", Type::string,
     "key=value pairs separated by commas, values percent-encoded", apply_resource_attributes},
    {"telemetry.dir", "SCOPECRAFT_TELEMETRY_DIR", "", Type::string, "a folder path", apply_dir},
    {"telemetry.durability", "SCOPECRAFT_TELEMETRY_DURABILITY", "none", Type::string, "none, batch or always",
     apply_durability},
    // The network server (`sc telemetry serve`).
    {"telemetry.server.host", "SCOPECRAFT_SERVER_HOST", "127.0.0.1", Type::string,
     "an address to listen on, such as 127.0.0.1 or 0.0.0.0 (which needs a token)", apply_server_host},
    {"telemetry.server.port", "SCOPECRAFT_SERVER_PORT", "4318", Type::integer, "a port from 0 to 65535",
     apply_server_port},
    {"telemetry.server.token", "SCOPECRAFT_SERVER_TOKEN", "", Type::string,
     "the bearer token clients must send (Authorization: Bearer ...)", apply_server_token},
};

std::vector<config::KeySpec> make_specs() {
    std::vector<config::KeySpec> specs;
    for (const Entry& entry : k_entries)
        specs.push_back({entry.key, entry.type, entry.hint});
    return specs;
}

/// Where a value came from, for `sc telemetry config` and for warnings.
struct Origin {
    std::string source;  // "flag", "env OTEL_TRACES_SAMPLER", "file /path:12", "default"
    Location where;
};

}  // namespace

std::string_view to_string(SamplerKind sampler) {
    switch (sampler) {
        case SamplerKind::always_on:
            return "always_on";
        case SamplerKind::always_off:
            return "always_off";
        case SamplerKind::traceidratio:
            return "traceidratio";
        case SamplerKind::parentbased_always_on:
            return "parentbased_always_on";
        case SamplerKind::parentbased_always_off:
            return "parentbased_always_off";
        case SamplerKind::parentbased_traceidratio:
            return "parentbased_traceidratio";
    }
    return "parentbased_always_on";
}

std::span<const config::KeySpec> telemetry_key_specs() {
    static const std::vector<config::KeySpec> k_specs = make_specs();
    return k_specs;
}

ResolvedSettings resolve_settings(const SettingsSources& sources) {
    ResolvedSettings resolved;
    TelemetrySettings& settings = resolved.settings;
    // The general attribute limits, before the span-specific ones overwrite the shared storage,
    // and whether the log limits were given or inherit them.
    AttributeLimits general_limits;
    bool log_count_given = false;
    bool log_length_given = false;
    resolved.rows.reserve(std::size(k_entries));

    for (const Entry& entry : k_entries) {
        // Tries one source's value: true once the entry has its value. The sources are tried
        // from the strongest (flags) to the default, and a value that does not parse is
        // reported and passed over; an origin is only spelled out when it is shown.
        auto take = [&](std::string_view text, const auto& origin_of) {
            std::string shown;
            std::vector<std::string> notes;
            bool ok = entry.apply(text, settings, shown, notes);
            if (!ok || !notes.empty() || entry.key == "telemetry.resource.attributes") {
                Origin origin = origin_of();
                for (const std::string& note : notes)
                    resolved.warnings.push_back(make_error(ErrorCode::invalid_argument,
                                                           std::string(entry.key) + ": " + note, origin.where,
                                                           std::string(entry.hint)));
                if (!ok) {
                    std::string shown_value = text == k_invalid ? origin.where.field : std::string(text);
                    resolved.warnings.push_back(make_error(ErrorCode::invalid_argument,
                                                           std::string(entry.key) + ": '" + shown_value + "' from " +
                                                               origin.source + " is not valid; ignored",
                                                           origin.where, std::string(entry.hint)));
                    return false;
                }
                if (entry.key == "telemetry.resource.attributes" && origin.source != "default")
                    settings.resource_attributes_origin =
                        origin.where.file.empty() ? origin.where.field : origin.where.to_string();
            }
            if (entry.key == "telemetry.limits.attribute_value_length")
                general_limits = settings.span_limits.attributes;
            if (entry.key == "telemetry.limits.log_attribute_count")
                log_count_given = shown != "inherit";
            if (entry.key == "telemetry.limits.log_attribute_value_length")
                log_length_given = shown != "inherit";
            resolved.rows.push_back({entry.key, std::move(shown), origin_of().source});
            return true;
        };

        if (sources.flags != nullptr && !sources.flags->empty()) {
            auto found = sources.flags->find(std::string(entry.key));
            if (found != sources.flags->end() && take(found->second, [&] {
                    return Origin {"flag", Location {{}, 0, std::string(entry.key)}};
                }))
                continue;
        }
        if (sources.environment != nullptr && !entry.env.empty()) {
            std::optional<std::string> value = sources.environment->get(std::string(entry.env));
            // The specification treats an empty variable as unset.
            if (value && !text::trim(*value).empty()) {
                std::string text = *value;
                if (entry.inverted_env) {
                    bool disabled = false;
                    text = parse_otel_bool(*value, disabled) ? (disabled ? "false" : "true") : std::string(k_invalid);
                }
                auto origin = [&] {
                    Origin env {"env " + std::string(entry.env), Location {{}, 0, std::string(entry.env)}};
                    if (entry.inverted_env)
                        env.where.field = std::string(entry.env) + "=" + *value;
                    return env;
                };
                if (take(text, origin))
                    continue;
            }
        }
        if (sources.file != nullptr) {
            auto found = sources.file->find(entry.key);
            if (found != sources.file->end() && take(found->second.text, [&] {
                    return Origin {"file " + found->second.origin(),
                                   Location {found->second.file, found->second.line, std::string(entry.key)}};
                }))
                continue;
        }
        take(entry.default_text, [] { return Origin {"default", {}}; });
    }

    // Per-signal limits that were left at "inherit" take the general values.
    if (!log_count_given)
        settings.log_limits.count = general_limits.count;
    if (!log_length_given)
        settings.log_limits.value_length = general_limits.value_length;
    // Event and link attributes have no length limit of their own: they take the span's.
    settings.span_limits.event_attributes.value_length = settings.span_limits.attributes.value_length;
    settings.span_limits.link_attributes.value_length = settings.span_limits.attributes.value_length;
    return resolved;
}

}  // namespace sc::telemetry::sdk
