#pragma once
// The resource every signal carries: who produced it (service.name, service.version), which
// process (process.pid, process.executable.name), on which host (host.name), which SDK
// (telemetry.sdk.*), plus OTEL_RESOURCE_ATTRIBUTES.

#include <string>
#include <string_view>
#include <vector>

#include "telemetry/sdk/attribute_values.hpp"
#include "util/result.hpp"

namespace sc::telemetry::sdk {

struct Resource {
    KeyValues attributes;

    /// The value of a string attribute, empty when absent.
    [[nodiscard]] std::string_view get(std::string_view key) const;
};

struct ResourceOptions {
    /// service.name when set (OTEL_SERVICE_NAME or telemetry.service.name); it wins over a
    /// service.name in `attributes_text`.
    std::string service_name {};
    /// Used when neither the above nor OTEL_RESOURCE_ATTRIBUTES names the service.
    std::string default_service_name = "scopecraft";
    std::string service_version {};
    /// OTEL_RESOURCE_ATTRIBUTES: key=value pairs separated by commas, values percent-encoded.
    std::string attributes_text {};
    /// Where `attributes_text` came from, for warnings (e.g. "OTEL_RESOURCE_ATTRIBUTES").
    std::string attributes_origin = "OTEL_RESOURCE_ATTRIBUTES";
    /// Add process.* and host.name (system calls; done only when telemetry is on).
    bool detect_process = true;
};

/// Parses the OTEL_RESOURCE_ATTRIBUTES format (W3C Baggage without properties), decoding
/// percent-escapes. Any malformed entry fails the whole value, as the specification asks.
Result<KeyValues> parse_resource_attributes(std::string_view text);

/// Builds the resource; a malformed attributes text adds a warning and is ignored.
Resource make_resource(const ResourceOptions& options, std::vector<Error>& warnings);

}  // namespace sc::telemetry::sdk
