#pragma once
// Where the shipper sends the store: the OTLP/HTTP exporter settings of the OpenTelemetry
// specification (OTEL_EXPORTER_OTLP_* and their per-signal forms) and their config-file
// equivalents under `telemetry.export.otlp`. Resolved only by `sc telemetry config` and the
// shipper, never on a task command's start path. Per field and signal, the first valid value
// of: the flag, the signal's variable, the general variable, the signal's config key, the
// general config key, the default (docs/export.md, "Shipping").

#include <array>
#include <chrono>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "config/config_file.hpp"
#include "telemetry/sdk/settings.hpp"

namespace sc::telemetry::sdk {

/// The three OTLP signals; domain events ship as log records, to the logs endpoint.
enum class OtlpSignal : uint8_t { traces = 0, metrics = 1, logs = 2 };
inline constexpr std::array<OtlpSignal, 3> k_otlp_signals {OtlpSignal::traces, OtlpSignal::metrics, OtlpSignal::logs};
std::string_view otlp_signal_name(OtlpSignal signal);

enum class OtlpProtocol : uint8_t { http_protobuf, http_json };
std::string_view to_string(OtlpProtocol protocol);

/// Everything needed to send one signal.
struct OtlpTarget {
    std::string url;  // the full URL, e.g. http://localhost:4318/v1/traces
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds timeout {10000};
    bool gzip = false;
    OtlpProtocol protocol = OtlpProtocol::http_protobuf;
};

struct ExportSettings {
    std::array<OtlpTarget, 3> targets;  // by OtlpSignal
    /// True when some endpoint was set (flag, variable or config key), not only the default:
    /// the server ships continuously only then.
    bool endpoint_configured = false;
    std::vector<SettingRow> rows;  // for `sc telemetry config`; header values are hidden
    std::vector<Error> warnings;

    [[nodiscard]] const OtlpTarget& target(OtlpSignal signal) const { return targets[static_cast<size_t>(signal)]; }
};

/// Flags are read from `sources.flags` by key: "telemetry.export.otlp.endpoint" (a base URL, as
/// OTEL_EXPORTER_OTLP_ENDPOINT) and "telemetry.export.otlp.protocol".
ExportSettings resolve_export_settings(const SettingsSources& sources);

/// The keys of `telemetry.export.otlp`, for config::validate and the documentation.
std::span<const config::KeySpec> export_key_specs();

/// "key1=value1,key2=value2" with percent-encoded values (the OTel header format). False
/// when an entry has no '=' or an empty key.
bool parse_otlp_headers(std::string_view text, std::vector<std::pair<std::string, std::string>>& headers);
/// The general endpoint with the signal's path appended: "http://h:4318" -> "http://h:4318/v1/traces",
/// "http://h/otlp/" -> "http://h/otlp/v1/traces".
std::string signal_url(std::string_view base, OtlpSignal signal);

}  // namespace sc::telemetry::sdk
