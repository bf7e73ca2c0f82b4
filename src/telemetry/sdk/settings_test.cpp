// Settings: precedence flags > env > file > defaults, provenance, and warnings for bad values.

#include "telemetry/sdk/settings.hpp"

#include <gtest/gtest.h>

#include "telemetry/sdk/settings_test_support.hpp"

namespace sc::telemetry::sdk {
namespace {

using test_support::file_values;
using test_support::row;

TEST(Settings, DefaultsWhenNothingIsSet) {
    MapEnvironment environment;
    ResolvedSettings resolved = resolve_settings({&environment, nullptr, nullptr});
    EXPECT_TRUE(resolved.warnings.empty());
    EXPECT_TRUE(resolved.settings.enabled);
    EXPECT_EQ(resolved.settings.sampler, SamplerKind::parentbased_always_on);
    EXPECT_EQ(resolved.settings.temporality, Temporality::delta);
    EXPECT_EQ(resolved.settings.traces_exporters, std::vector<ExporterKind> {ExporterKind::store});
    EXPECT_EQ(resolved.settings.span_batch.max_queue_size, 2048u);
    EXPECT_EQ(resolved.settings.log_batch.schedule_delay, std::chrono::milliseconds {1000});
    ASSERT_NE(row(resolved, "telemetry.enabled"), nullptr);
    EXPECT_EQ(row(resolved, "telemetry.enabled")->source, "default");
    EXPECT_EQ(resolved.rows.size(), telemetry_key_specs().size());
}

TEST(Settings, FlagsOverEnvironmentOverFileOverDefaults) {
    MapEnvironment environment;
    environment.set("OTEL_TRACES_SAMPLER", "traceidratio");
    environment.set("OTEL_TRACES_SAMPLER_ARG", "0.5");
    config::Values file = file_values({{"telemetry.sampling.sampler", "always_off"},
                                       {"telemetry.sampling.ratio", "0.1"},
                                       {"telemetry.metrics.interval", "30s"}});
    std::map<std::string, std::string> flags {{"telemetry.sampling.ratio", "0.25"}};
    ResolvedSettings resolved = resolve_settings({&environment, &file, &flags});
    EXPECT_TRUE(resolved.warnings.empty());
    EXPECT_EQ(resolved.settings.sampler, SamplerKind::traceidratio);
    EXPECT_DOUBLE_EQ(resolved.settings.sampler_ratio, 0.25);
    EXPECT_EQ(resolved.settings.metrics_interval, std::chrono::milliseconds {30000});
    EXPECT_EQ(row(resolved, "telemetry.sampling.sampler")->source, "env OTEL_TRACES_SAMPLER");
    EXPECT_EQ(row(resolved, "telemetry.sampling.ratio")->source, "flag");
    EXPECT_EQ(row(resolved, "telemetry.metrics.interval")->source, "file /home/ada/.scopecraft/config.yaml:4");
    EXPECT_EQ(row(resolved, "telemetry.metrics.interval")->value, "30000ms");
}

TEST(Settings, OtelSdkDisabledTurnsTelemetryOff) {
    MapEnvironment environment;
    environment.set("OTEL_SDK_DISABLED", "TRUE");
    config::Values file = file_values({{"telemetry.enabled", "true"}});
    ResolvedSettings resolved = resolve_settings({&environment, &file, nullptr});
    EXPECT_FALSE(resolved.settings.enabled);
    EXPECT_EQ(row(resolved, "telemetry.enabled")->source, "env OTEL_SDK_DISABLED");
}

TEST(Settings, EmptyEnvironmentVariablesCountAsUnset) {
    MapEnvironment environment;
    environment.set("OTEL_TRACES_SAMPLER", "");
    ResolvedSettings resolved = resolve_settings({&environment, nullptr, nullptr});
    EXPECT_TRUE(resolved.warnings.empty());
    EXPECT_EQ(row(resolved, "telemetry.sampling.sampler")->source, "default");
}

TEST(Settings, BadValueWarnsAndFallsToTheNextSource) {
    MapEnvironment environment;
    environment.set("OTEL_TRACES_SAMPLER", "jaeger_remote");
    environment.set("OTEL_SDK_DISABLED", "perhaps");
    environment.set("OTEL_BSP_MAX_QUEUE_SIZE", "-4");
    config::Values file = file_values({{"telemetry.sampling.sampler", "always_off"}});
    ResolvedSettings resolved = resolve_settings({&environment, &file, nullptr});
    EXPECT_EQ(resolved.settings.sampler, SamplerKind::always_off);
    EXPECT_EQ(row(resolved, "telemetry.sampling.sampler")->source, "file /home/ada/.scopecraft/config.yaml:2");
    EXPECT_TRUE(resolved.settings.enabled);
    EXPECT_EQ(resolved.settings.span_batch.max_queue_size, 2048u);
    ASSERT_EQ(resolved.warnings.size(), 3u);
    bool names_variable = false;
    for (const Error& warning : resolved.warnings)
        names_variable = names_variable || warning.message.find("OTEL_TRACES_SAMPLER") != std::string::npos;
    EXPECT_TRUE(names_variable);
}

TEST(Settings, BadFileValueNamesFileAndLine) {
    MapEnvironment environment;
    config::Values file = file_values({{"telemetry.sampling.ratio", "most"}});
    ResolvedSettings resolved = resolve_settings({&environment, &file, nullptr});
    ASSERT_EQ(resolved.warnings.size(), 1u);
    EXPECT_EQ(resolved.warnings[0].where.file, "/home/ada/.scopecraft/config.yaml");
    EXPECT_EQ(resolved.warnings[0].where.line, 2);
    EXPECT_FALSE(resolved.warnings[0].hint.empty());
    EXPECT_DOUBLE_EQ(resolved.settings.sampler_ratio, 1.0);
}

TEST(Settings, UnknownExporterNamesAreDroppedWithAWarning) {
    MapEnvironment environment;
    environment.set("OTEL_TRACES_EXPORTER", "zipkin,console");
    environment.set("OTEL_METRICS_EXPORTER", "prometheus");
    environment.set("OTEL_LOGS_EXPORTER", "none");
    ResolvedSettings resolved = resolve_settings({&environment, nullptr, nullptr});
    EXPECT_EQ(resolved.settings.traces_exporters, std::vector<ExporterKind> {ExporterKind::console});
    EXPECT_EQ(resolved.settings.metrics_exporters, std::vector<ExporterKind> {ExporterKind::store});
    EXPECT_TRUE(resolved.settings.logs_exporters.empty());
    EXPECT_EQ(row(resolved, "telemetry.exporters.logs")->value, "none");
    EXPECT_EQ(resolved.warnings.size(), 3u);  // zipkin; prometheus, and its value as a whole
}

TEST(Settings, SpanLimitsInheritTheGeneralOnes) {
    MapEnvironment environment;
    environment.set("OTEL_ATTRIBUTE_COUNT_LIMIT", "10");
    environment.set("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "64");
    environment.set("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "50");
    ResolvedSettings resolved = resolve_settings({&environment, nullptr, nullptr});
    EXPECT_EQ(resolved.settings.span_limits.attributes.count, 50u);
    EXPECT_EQ(resolved.settings.span_limits.attributes.value_length, 64u);
    EXPECT_EQ(resolved.settings.log_limits.count, 10u);
    EXPECT_EQ(resolved.settings.log_limits.value_length, 64u);
}

TEST(Settings, KeySpecsCoverEveryRowForValidation) {
    config::Values file = file_values({{"telemetry.exporters.traces", "store"}, {"telemetry.colour", "blue"}});
    std::vector<Error> warnings;
    config::validate(file, telemetry_key_specs(), "telemetry", warnings);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].message.find("telemetry.colour"), std::string::npos);
}

}  // namespace
}  // namespace sc::telemetry::sdk
