// The configuration files docs/export.md shows (docs/examples/*.yaml) are YAML, and every
// component a Collector-style pipeline names is defined: a typo there would only show when a
// reader starts the Collector or Jaeger.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "util/files.hpp"

namespace sc::ship {
namespace {

const std::string k_examples = std::string(SC_SOURCE_DIR) + "/docs/examples/";

void expect_pipelines_defined(const std::string& file) {
    YAML::Node config = YAML::LoadFile(k_examples + file);
    ASSERT_TRUE(config["service"]["pipelines"].IsMap()) << file;
    for (const auto& pipeline : config["service"]["pipelines"]) {
        for (const char* kind : {"receivers", "processors", "exporters"}) {
            for (const auto& name : pipeline.second[kind]) {
                std::string component = name.as<std::string>();
                EXPECT_TRUE(config[kind][component])
                    << file << ": pipeline " << pipeline.first.as<std::string>() << " names " << kind << " "
                    << component << ", which is not defined";
            }
        }
    }
    for (const auto& name : config["service"]["extensions"])
        EXPECT_TRUE(config["extensions"][name.as<std::string>()]) << file << ": extension " << name.as<std::string>();
    EXPECT_EQ(config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].as<std::string>(), "0.0.0.0:4318") << file;
}

TEST(DocsExamples, TheCollectorConfigurationParsesAndDefinesWhatItsPipelinesUse) {
    expect_pipelines_defined("otel-collector.yaml");
}

TEST(DocsExamples, TheJaegerConfigurationParsesAndDefinesWhatItsPipelinesUse) {
    expect_pipelines_defined("jaeger.yaml");
}

TEST(DocsExamples, TheTempoConfigurationTakesOtlpHttp) {
    YAML::Node config = YAML::LoadFile(k_examples + "tempo.yaml");
    EXPECT_EQ(config["distributor"]["receivers"]["otlp"]["protocols"]["http"]["endpoint"].as<std::string>(),
              "0.0.0.0:4318");
}

TEST(DocsExamples, ExportMdShowsTheFilesAsTheyAre) {
    Result<std::string> page = files::read(std::string(SC_SOURCE_DIR) + "/docs/export.md");
    ASSERT_TRUE(page.ok());
    for (const char* file : {"otel-collector.yaml", "jaeger.yaml", "tempo.yaml"}) {
        Result<std::string> content = files::read(k_examples + file);
        ASSERT_TRUE(content.ok()) << file;
        EXPECT_NE(page->find("```yaml\n" + *content + "```"), std::string::npos)
            << "docs/export.md does not show docs/examples/" << file << " as it is";
    }
}

}  // namespace
}  // namespace sc::ship
