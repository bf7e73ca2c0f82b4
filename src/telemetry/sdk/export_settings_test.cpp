// Export settings: the OTLP exporter variables and config keys, their precedence per signal
// and field, endpoint paths, headers, and warnings for bad values.

#include "telemetry/sdk/export_settings.hpp"

#include <gtest/gtest.h>

#include "telemetry/sdk/settings_test_support.hpp"

namespace sc::telemetry::sdk {
namespace {

using test_support::file_values;
using test_support::row;

TEST(ExportSettings, DefaultsAreTheSpecificationsLocalhostProtobufTenSeconds) {
    MapEnvironment environment;
    ExportSettings resolved = resolve_export_settings({&environment, nullptr, nullptr});
    EXPECT_TRUE(resolved.warnings.empty());
    EXPECT_FALSE(resolved.endpoint_configured);
    EXPECT_EQ(resolved.target(OtlpSignal::traces).url, "http://localhost:4318/v1/traces");
    EXPECT_EQ(resolved.target(OtlpSignal::metrics).url, "http://localhost:4318/v1/metrics");
    EXPECT_EQ(resolved.target(OtlpSignal::logs).url, "http://localhost:4318/v1/logs");
    EXPECT_EQ(resolved.target(OtlpSignal::logs).protocol, OtlpProtocol::http_protobuf);
    EXPECT_EQ(resolved.target(OtlpSignal::logs).timeout, std::chrono::milliseconds {10000});
    EXPECT_FALSE(resolved.target(OtlpSignal::logs).gzip);
    EXPECT_EQ(resolved.rows.size(), export_key_specs().size());
    EXPECT_EQ(row(resolved, "telemetry.export.otlp.traces.endpoint")->source, "default + /v1/traces");
}

TEST(ExportSettings, GeneralEndpointGetsTheSignalPathAndSignalEndpointIsUsedAsIs) {
    MapEnvironment environment;
    environment.set("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/otlp/");
    environment.set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://jaeger:4318/custom/spans");
    ExportSettings resolved = resolve_export_settings({&environment, nullptr, nullptr});
    EXPECT_TRUE(resolved.endpoint_configured);
    EXPECT_EQ(resolved.target(OtlpSignal::traces).url, "https://jaeger:4318/custom/spans");
    EXPECT_EQ(resolved.target(OtlpSignal::metrics).url, "http://collector:4318/otlp/v1/metrics");
    EXPECT_EQ(row(resolved, "telemetry.export.otlp.traces.endpoint")->source, "env OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    EXPECT_EQ(row(resolved, "telemetry.export.otlp.logs.endpoint")->source,
              "env OTEL_EXPORTER_OTLP_ENDPOINT + /v1/logs");
}

TEST(ExportSettings, FlagOverSignalVariableOverGeneralVariableOverFileOverDefault) {
    MapEnvironment environment;
    environment.set("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json");
    environment.set("OTEL_EXPORTER_OTLP_TIMEOUT", "2500");
    config::Values file = file_values({{"telemetry.export.otlp.timeout", "30s"},
                                       {"telemetry.export.otlp.logs.timeout", "1s"},
                                       {"telemetry.export.otlp.compression", "gzip"},
                                       {"telemetry.export.otlp.logs.endpoint", "http://loki:3100/otlp/v1/logs"}});
    std::map<std::string, std::string> flags {{"telemetry.export.otlp.protocol", "http/protobuf"}};
    ExportSettings resolved = resolve_export_settings({&environment, &file, &flags});
    EXPECT_TRUE(resolved.warnings.empty());
    // The flag beats the metrics variable.
    EXPECT_EQ(resolved.target(OtlpSignal::metrics).protocol, OtlpProtocol::http_protobuf);
    EXPECT_EQ(row(resolved, "telemetry.export.otlp.metrics.protocol")->source, "flag");
    // A variable, even the general one, beats the files.
    EXPECT_EQ(resolved.target(OtlpSignal::logs).timeout, std::chrono::milliseconds {2500});
    EXPECT_EQ(row(resolved, "telemetry.export.otlp.logs.timeout")->source, "env OTEL_EXPORTER_OTLP_TIMEOUT");
    // Within the files, the signal's key beats the general one.
    EXPECT_EQ(resolved.target(OtlpSignal::logs).url, "http://loki:3100/otlp/v1/logs");
    EXPECT_EQ(row(resolved, "telemetry.export.otlp.logs.endpoint")->source, "file /home/ada/.scopecraft/config.yaml:5");
    EXPECT_TRUE(resolved.target(OtlpSignal::traces).gzip);
    EXPECT_TRUE(resolved.endpoint_configured);
}

TEST(ExportSettings, HeadersArePercentDecodedAndShownWithoutTheirValues) {
    MapEnvironment environment;
    environment.set("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20s3cret, X-Scope-OrgID=team-a");
    ExportSettings resolved = resolve_export_settings({&environment, nullptr, nullptr});
    const auto& headers = resolved.target(OtlpSignal::traces).headers;
    ASSERT_EQ(headers.size(), 2u);
    EXPECT_EQ(headers[0], (std::pair<std::string, std::string> {"Authorization", "Bearer s3cret"}));
    EXPECT_EQ(headers[1], (std::pair<std::string, std::string> {"X-Scope-OrgID", "team-a"}));
    EXPECT_EQ(row(resolved, "telemetry.export.otlp.headers")->value, "Authorization=(hidden),X-Scope-OrgID=(hidden)");
}

TEST(ExportSettings, BadValuesAreWarnedOnceAndTheNextSourceIsUsed) {
    MapEnvironment environment;
    environment.set("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318");
    environment.set("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    environment.set("OTEL_EXPORTER_OTLP_HEADERS", "novalue");
    environment.set("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd");
    ExportSettings resolved = resolve_export_settings({&environment, nullptr, nullptr});
    ASSERT_EQ(resolved.warnings.size(), 4u);
    EXPECT_EQ(resolved.warnings[0].message,
              "telemetry.export.otlp.endpoint: 'localhost:4318' from env OTEL_EXPORTER_OTLP_ENDPOINT is not valid; "
              "ignored");
    EXPECT_EQ(resolved.target(OtlpSignal::traces).url, "http://localhost:4318/v1/traces");
    EXPECT_EQ(resolved.target(OtlpSignal::traces).protocol, OtlpProtocol::http_protobuf);
    EXPECT_FALSE(resolved.endpoint_configured);
}

TEST(ExportSettings, ConfigKeysAreKnownToValidation) {
    config::Values file = file_values({{"telemetry.export.otlp.endpoint", "http://c:4318"},
                                       {"telemetry.export.otlp.traces.headers", "a=b"},
                                       {"telemetry.export.otlp.colour", "blue"}});
    std::vector<config::KeySpec> specs(export_key_specs().begin(), export_key_specs().end());
    std::vector<Error> warnings;
    config::validate(file, specs, "telemetry", warnings);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].message.find("telemetry.export.otlp.colour"), std::string::npos);
}

}  // namespace
}  // namespace sc::telemetry::sdk
