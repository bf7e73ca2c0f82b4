// The configuration files: flattening, layering, provenance, and warnings for bad input.

#include "config/config_file.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "util/files.hpp"

namespace sc::config {
namespace {

class ConfigFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/sc-config-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        m_dir = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }
    std::string write(const std::string& name, std::string_view content) {
        std::string path = m_dir + "/" + name;
        EXPECT_TRUE(files::write_atomic(path, content).ok());
        return path;
    }
    std::string m_dir;
};

const KeySpec k_specs[] = {
    {"telemetry.enabled", Type::boolean, "true or false"},
    {"telemetry.exporters.traces", Type::string_list, "store, console or none"},
    {"telemetry.sampling.ratio", Type::number, "between 0 and 1"},
    {"telemetry.metrics.interval", Type::duration, "e.g. 60s"},
};

TEST_F(ConfigFileTest, NestedKeysFlattenToDottedNamesWithTheirLines) {
    std::string path = write("config.yaml",
                             "telemetry:\n"
                             "  enabled: false\n"
                             "  exporters:\n"
                             "    traces: [store, console]\n");
    Loaded loaded;
    load_file(path, loaded);
    ASSERT_TRUE(loaded.warnings.empty());
    ASSERT_EQ(loaded.values.count("telemetry.enabled"), 1u);
    EXPECT_EQ(loaded.values["telemetry.enabled"].text, "false");
    EXPECT_EQ(loaded.values["telemetry.enabled"].line, 2);
    EXPECT_EQ(loaded.values["telemetry.enabled"].origin(), path + ":2");
    const Value& traces = loaded.values["telemetry.exporters.traces"];
    EXPECT_TRUE(traces.is_list);
    EXPECT_EQ(traces.text, "store,console");
    EXPECT_EQ(traces.line, 4);
}

TEST_F(ConfigFileTest, ProjectFileOverridesUserFileKeyByKey) {
    std::string user = write("user.yaml", "telemetry:\n  enabled: false\n  sampling:\n    ratio: 0.5\n");
    std::string project = write("project.yaml", "telemetry:\n  sampling:\n    ratio: 0.25\n");
    std::vector<std::string> paths = {user, project};
    Loaded loaded = load_files(paths);
    EXPECT_EQ(loaded.values["telemetry.sampling.ratio"].text, "0.25");
    EXPECT_EQ(loaded.values["telemetry.sampling.ratio"].file, project);
    EXPECT_EQ(loaded.values["telemetry.enabled"].file, user);
}

TEST_F(ConfigFileTest, MissingFileIsSilent) {
    Loaded loaded;
    load_file(m_dir + "/absent.yaml", loaded);
    EXPECT_TRUE(loaded.values.empty());
    EXPECT_TRUE(loaded.warnings.empty());
}

TEST_F(ConfigFileTest, SyntaxErrorIsAWarningWithFileAndLine) {
    std::string path = write("bad.yaml", "telemetry:\n  enabled: [true\n  other: 1\n");
    Loaded loaded;
    load_file(path, loaded);
    EXPECT_TRUE(loaded.values.empty());
    ASSERT_EQ(loaded.warnings.size(), 1u);
    EXPECT_EQ(loaded.warnings[0].where.file, path);
    EXPECT_GT(loaded.warnings[0].where.line, 0);
}

TEST_F(ConfigFileTest, TopLevelListIsRejectedWithAHint) {
    std::string path = write("list.yaml", "- a\n- b\n");
    Loaded loaded;
    load_file(path, loaded);
    ASSERT_EQ(loaded.warnings.size(), 1u);
    EXPECT_FALSE(loaded.warnings[0].hint.empty());
}

TEST_F(ConfigFileTest, ValidateReportsUnknownKeysAndWrongTypesWithLines) {
    std::string path = write("config.yaml",
                             "telemetry:\n"
                             "  enabled: maybe\n"
                             "  sampling:\n"
                             "    ratio: lots\n"
                             "  colour: blue\n"
                             "tasks:\n"
                             "  other: 1\n");
    Loaded loaded;
    load_file(path, loaded);
    std::vector<Error> warnings;
    validate(loaded.values, k_specs, "telemetry", warnings);
    ASSERT_EQ(warnings.size(), 3u);  // tasks.* belongs to another section
    std::vector<int> lines;
    for (const Error& warning : warnings)
        lines.push_back(warning.where.line);
    std::sort(lines.begin(), lines.end());
    EXPECT_EQ(lines, (std::vector<int> {2, 4, 5}));
}

TEST_F(ConfigFileTest, ListWhereAScalarIsExpectedIsAWrongType) {
    std::string path = write("config.yaml", "telemetry:\n  enabled: [true]\n");
    Loaded loaded;
    load_file(path, loaded);
    std::vector<Error> warnings;
    validate(loaded.values, k_specs, "telemetry", warnings);
    EXPECT_EQ(warnings.size(), 1u);
}

TEST_F(ConfigFileTest, DeepNestingIsRefusedWithoutCrashing) {
    std::string deep;
    for (int level = 0; level < 200; ++level)
        deep += std::string(static_cast<size_t>(level) * 2, ' ') + "k" + std::to_string(level) + ":\n";
    deep += std::string(400, ' ') + "leaf: 1\n";
    std::string path = write("deep.yaml", deep);
    Loaded loaded;
    load_file(path, loaded);
    EXPECT_FALSE(loaded.warnings.empty());
}

TEST(ConfigText, DeeplyNestedFlowCollectionsAreAWarningNotACrash) {
    Loaded loaded;
    load_text("telemetry: " + std::string(100000, '['), "deep.yaml", loaded);
    load_text("telemetry: " + std::string(100000, '{'), "deep.yaml", loaded);
    EXPECT_EQ(loaded.warnings.size(), 2u);
    EXPECT_TRUE(loaded.values.empty());
}

TEST(ConfigValues, ParsersAcceptTheDocumentedForms) {
    bool flag = false;
    EXPECT_TRUE(parse_bool("YES", flag));
    EXPECT_TRUE(flag);
    EXPECT_TRUE(parse_bool(" off ", flag));
    EXPECT_FALSE(flag);
    EXPECT_FALSE(parse_bool("maybe", flag));
    int64_t milliseconds = 0;
    EXPECT_TRUE(parse_duration_ms("250", milliseconds));
    EXPECT_EQ(milliseconds, 250);
    EXPECT_TRUE(parse_duration_ms("5s", milliseconds));
    EXPECT_EQ(milliseconds, 5000);
    EXPECT_TRUE(parse_duration_ms("2m", milliseconds));
    EXPECT_EQ(milliseconds, 120000);
    EXPECT_FALSE(parse_duration_ms("-5s", milliseconds));
    EXPECT_FALSE(parse_duration_ms("5 fortnights", milliseconds));
    double number = 0;
    EXPECT_TRUE(parse_number("0.25", number));
    EXPECT_FALSE(parse_number("nan", number));
    int64_t integer = 0;
    EXPECT_FALSE(parse_integer("12x", integer));
}

TEST(ConfigPaths, UserFileThenProjectFile) {
    MapEnvironment environment(std::map<std::string, std::string> {{"HOME", "/home/ada"}});
    std::vector<std::string> paths = default_paths(environment, "/work/project");
    ASSERT_EQ(paths.size(), 2u);
    EXPECT_EQ(paths[0], "/home/ada/.scopecraft/config.yaml");
    EXPECT_EQ(paths[1], "/work/project/.scopecraft/config.yaml");
}

}  // namespace
}  // namespace sc::config
