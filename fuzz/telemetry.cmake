# The telemetry core's parsers of outside input: traceparent/tracestate, resource attributes,
# OTEL_* settings and the YAML config files.
sc_add_fuzzer(telemetry_parsers_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/telemetry_parsers_fuzzer.cpp sc_telemetry_sdk sc_config)
