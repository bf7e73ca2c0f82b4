// The resource: required attributes, OTEL_RESOURCE_ATTRIBUTES with percent-decoding, precedence.

#include "telemetry/sdk/resource.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace sc::telemetry::sdk {
namespace {

TEST(Resource, CarriesServiceProcessHostAndSdk) {
    std::vector<Error> warnings;
    Resource resource = make_resource({.service_version = "1.2.3"}, warnings);
    EXPECT_TRUE(warnings.empty());
    EXPECT_EQ(resource.get("service.name"), "scopecraft");
    EXPECT_EQ(resource.get("service.version"), "1.2.3");
    EXPECT_EQ(resource.get("telemetry.sdk.language"), "cpp");
    EXPECT_FALSE(resource.get("process.executable.name").empty());
    EXPECT_FALSE(resource.get("host.name").empty());
    bool has_pid = false;
    for (const KeyValue& attribute : resource.attributes)
        if (attribute.key == "process.pid")
            has_pid = std::get<int64_t>(attribute.value) == ::getpid();
    EXPECT_TRUE(has_pid);
}

TEST(Resource, AttributesArePercentDecoded) {
    Result<KeyValues> parsed = parse_resource_attributes("deployment.environment=dev, team=a%2Cb%3Dc ,x=caf%C3%A9");
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    ASSERT_EQ(parsed->size(), 3u);
    EXPECT_EQ(std::get<std::string>((*parsed)[1].value), "a,b=c");
    EXPECT_EQ(std::get<std::string>((*parsed)[2].value), "caf\xC3\xA9");
}

TEST(Resource, MalformedAttributesAreDiscardedWholeWithAWarning) {
    for (const char* text : {"novalue", "a=1,=2", "a=%zz", "a=%C3"}) {
        EXPECT_FALSE(parse_resource_attributes(text).ok()) << text;
        std::vector<Error> warnings;
        Resource resource = make_resource({.attributes_text = text, .detect_process = false}, warnings);
        ASSERT_EQ(warnings.size(), 1u) << text;
        EXPECT_NE(warnings[0].message.find("OTEL_RESOURCE_ATTRIBUTES"), std::string::npos);
        EXPECT_EQ(resource.get("service.name"), "scopecraft");
    }
}

TEST(Resource, ServiceNameSettingWinsOverTheAttributes) {
    std::vector<Error> warnings;
    Resource from_attributes =
        make_resource({.attributes_text = "service.name=agent-runner", .detect_process = false}, warnings);
    EXPECT_EQ(from_attributes.get("service.name"), "agent-runner");
    Resource explicit_name = make_resource(
        {.service_name = "sc-mcp", .attributes_text = "service.name=agent-runner", .detect_process = false}, warnings);
    EXPECT_EQ(explicit_name.get("service.name"), "sc-mcp");
    EXPECT_TRUE(warnings.empty());
}

}  // namespace
}  // namespace sc::telemetry::sdk
