// Fuzzes every parser of outside input in the telemetry core: W3C traceparent/tracestate,
// OTEL_RESOURCE_ATTRIBUTES, the OTEL_* environment settings, and the YAML config files.
// Bad input must give a warning or an error value, never a crash or a hang.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config_file.hpp"
#include "telemetry/sdk/propagation.hpp"
#include "telemetry/sdk/resource.hpp"
#include "telemetry/sdk/settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    using namespace sc::telemetry::sdk;

    auto context = parse_traceparent(input);
    if (context.ok() && format_traceparent(*context).size() != 55)
        __builtin_trap();  // a parsed header must format back to a version 00 header
    (void)parse_tracestate(input);
    (void)parse_resource_attributes(input);

    sc::MapEnvironment environment;
    for (const char* name : {"TRACEPARENT", "OTEL_SDK_DISABLED", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
                             "OTEL_TRACES_EXPORTER", "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_BSP_MAX_QUEUE_SIZE",
                             "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_RESOURCE_ATTRIBUTES"})
        environment.set(name, std::string(input));
    std::vector<sc::Error> warnings;
    (void)context_from_environment(environment, warnings);

    sc::config::Loaded loaded;
    sc::config::load_text(input, "fuzz.yaml", loaded);
    ResolvedSettings resolved = resolve_settings({&environment, &loaded.values, nullptr});
    sc::config::validate(loaded.values, telemetry_key_specs(), "telemetry", resolved.warnings);
    return 0;
}
