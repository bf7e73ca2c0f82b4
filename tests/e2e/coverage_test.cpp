// Every command of the registry has an end-to-end test, and the table in tests/README.md that
// says which cannot lie: each command it lists exists, and each test it names is defined in
// tests/e2e/. Every option of every command is passed by some e2e test.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

const std::string k_e2e_folder = std::string(SC_SOURCE_DIR) + "/tests/e2e";
const std::string k_readme = std::string(SC_SOURCE_DIR) + "/tests/README.md";

// The source of every e2e test file.
std::map<std::string, std::string> e2e_sources(const Sandbox& sandbox) {
    std::map<std::string, std::string> sources;
    for (const auto& entry : fs::directory_iterator(k_e2e_folder))
        if (entry.path().extension() == ".cpp")
            sources[entry.path().filename().string()] = sandbox.read(entry.path().string());
    return sources;
}

// "Suite.Name" of every TEST and TEST_F defined in tests/e2e/.
std::set<std::string> defined_tests(const Sandbox& sandbox) {
    static const std::regex k_test(R"(\bTEST(?:_F)?\(\s*(\w+)\s*,\s*(\w+)\s*\))");
    std::set<std::string> names;
    for (const auto& [file, source] : e2e_sources(sandbox))
        for (std::sregex_iterator match(source.begin(), source.end(), k_test), end; match != end; ++match)
            names.insert((*match)[1].str() + "." + (*match)[2].str());
    return names;
}

// The table of tests/README.md: command -> the tests named in its row.
std::map<std::string, std::vector<std::string>> coverage_table(const std::string& readme) {
    static const std::regex k_row(R"(^\| `([^`]+)` \| (.*) \|$)");
    static const std::regex k_name(R"(`([A-Z]\w*\.[A-Z]\w*)`)");
    std::map<std::string, std::vector<std::string>> rows;
    size_t at = 0;
    while (at < readme.size()) {
        size_t end = readme.find('\n', at);
        std::string line = readme.substr(at, end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? readme.size() : end + 1;
        std::smatch row;
        if (!std::regex_match(line, row, k_row))
            continue;
        std::string cell = row[2].str();
        std::vector<std::string>& tests = rows[row[1].str()];
        for (std::sregex_iterator name(cell.begin(), cell.end(), k_name), done; name != done; ++name)
            tests.push_back((*name)[1].str());
    }
    return rows;
}

nlohmann::ordered_json registry(const Sandbox& sandbox) {
    RunResult listed = sandbox.sc({"commands", "--format", "json"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    return listed.json();
}

TEST(CommandCoverage, EveryCommandOfTheRegistryHasAnEndToEndTest) {
    Sandbox sandbox;
    std::string readme = sandbox.read(k_readme);
    auto table = coverage_table(readme);
    ASSERT_FALSE(table.empty()) << "no command table in " << k_readme;
    std::set<std::string> tests = defined_tests(sandbox);
    ASSERT_GT(tests.size(), 50U);

    std::set<std::string> commands;
    for (const auto& command : registry(sandbox)) {
        std::string path = command["command"];
        commands.insert(path);
        auto row = table.find(path);
        if (row == table.end() || row->second.empty())
            ADD_FAILURE() << "`sc " << path << "` has no end-to-end test: add a test to tests/e2e/ and a row "
                          << "| `" << path << "` | `Suite.TestName` | to the table in tests/README.md";
    }
    for (const auto& [path, named] : table)
        EXPECT_TRUE(commands.count(path) > 0) << "tests/README.md lists `" << path << "`, which is no command of sc";

    // Every test named anywhere in the README, in the table or below it, must exist.
    static const std::regex k_name(R"(`([A-Z]\w*\.[A-Z]\w*)`)");
    size_t named = 0;
    for (std::sregex_iterator name(readme.begin(), readme.end(), k_name), done; name != done; ++name, ++named)
        EXPECT_TRUE(tests.count((*name)[1].str()) > 0)
            << "tests/README.md names " << (*name)[1].str() << ", which no TEST in tests/e2e/ defines";
    EXPECT_GT(named, commands.size());
}

TEST(CommandCoverage, EveryOptionOfTheRegistryIsRunByAnEndToEndTest) {
    Sandbox sandbox;
    std::string all_sources;
    for (const auto& [file, source] : e2e_sources(sandbox))
        all_sources += source;
    // An option passed in an argument list ("--title") or in a shell script (" --title ").
    auto passed = [&](const std::string& option) {
        for (const std::string& form : {"\"--" + option + "\"", " --" + option + " ", " --" + option + "\""})
            if (all_sources.find(form) != std::string::npos)
                return true;
        return false;
    };
    for (const auto& command : registry(sandbox)) {
        for (const auto& option : command.value("options", nlohmann::ordered_json::array())) {
            bool found = passed(option["name"]);
            for (const auto& alias : option.value("aliases", nlohmann::ordered_json::array()))
                found = found || passed(alias);
            EXPECT_TRUE(found) << "no e2e test passes --" << option["name"].get<std::string>() << " to `sc "
                               << command["command"].get<std::string>() << "`";
        }
    }
}

}  // namespace
}  // namespace sc::e2e
