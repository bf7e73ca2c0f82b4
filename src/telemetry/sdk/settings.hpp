#pragma once
// Telemetry settings resolved from four sources, highest first: command-line flags, the OTel
// environment variables (OTEL_*, plus SCOPECRAFT_TELEMETRY_* for our own keys), the
// `telemetry:` section of the config files, and defaults. Every value remembers its source so
// `sc telemetry config` can show it; a bad value is a warning naming the variable or file:line,
// and the next source down is used instead. Nothing here reads a clock or starts a thread.

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/config_file.hpp"
#include "telemetry/api/logs.hpp"
#include "telemetry/sdk/batcher.hpp"
#include "telemetry/sdk/metric_data.hpp"
#include "telemetry/sdk/tracer_provider.hpp"
#include "util/environment.hpp"
#include "util/result.hpp"

namespace sc::telemetry::sdk {

/// Where a signal goes: the local store (OTLP JSON lines; `otlp` is accepted as a synonym, since
/// the store is shipped to OTLP backends later), readable text on stderr, or nowhere.
enum class ExporterKind { store, console };

enum class SamplerKind {
    always_on,
    always_off,
    traceidratio,
    parentbased_always_on,
    parentbased_always_off,
    parentbased_traceidratio,
};

struct TelemetrySettings {
    bool enabled = true;
    Severity level = Severity::info;
    std::vector<ExporterKind> traces_exporters {ExporterKind::store};
    std::vector<ExporterKind> metrics_exporters {ExporterKind::store};
    std::vector<ExporterKind> logs_exporters {ExporterKind::store};
    SamplerKind sampler = SamplerKind::parentbased_always_on;
    double sampler_ratio = 1.0;
    std::chrono::milliseconds metrics_interval {60000};
    Temporality temporality = Temporality::delta;
    size_t cardinality_limit = 2000;
    BatchOptions span_batch;
    BatchOptions log_batch {2048, 512, std::chrono::milliseconds {1000}, std::chrono::milliseconds {30000},
                            Threading::background};
    SpanLimits span_limits;
    AttributeLimits log_limits;
    ExceptionRecording exceptions = ExceptionRecording::logs;
    std::string service_name;         // empty: the resource's default
    std::string resource_attributes;  // OTEL_RESOURCE_ATTRIBUTES text
    std::string resource_attributes_origin = "OTEL_RESOURCE_ATTRIBUTES";
    std::string dir;                  // the telemetry store folder; empty: the project's default
    std::string durability = "none";  // the store's durability: none, batch or always
    // The network server (`sc telemetry serve`, docs/export.md): where it listens and the
    // bearer token it requires (mandatory for a bind that is not loopback).
    std::string server_host = "127.0.0.1";
    int server_port = 4318;
    std::string server_token;
};

/// One line of `sc telemetry config`.
struct SettingRow {
    std::string_view key;  // one of the keys the SDK knows: static storage
    std::string value;
    std::string source;  // "default", "env OTEL_TRACES_SAMPLER", "file /path:12", "flag"
};

struct SettingsSources {
    const Environment* environment = nullptr;
    /// The merged config files (config::load_files); null when there are none.
    const config::Values* file = nullptr;
    /// Values given on the command line, by config key (e.g. "telemetry.enabled" -> "false").
    const std::map<std::string, std::string>* flags = nullptr;
};

struct ResolvedSettings {
    TelemetrySettings settings;
    std::vector<SettingRow> rows;  // every key, in a stable order
    std::vector<Error> warnings;   // for the caller to print on stderr
};

ResolvedSettings resolve_settings(const SettingsSources& sources);

/// The keys of the `telemetry:` section, for config::validate and the documentation.
std::span<const config::KeySpec> telemetry_key_specs();

std::string_view to_string(SamplerKind sampler);

}  // namespace sc::telemetry::sdk
