// Ids and file names: the rules of docs/task-format.md, checked against every title/id pair that
// Scopecraft 2.1.6 produced in the reference corpus.

#include "tasks/naming.hpp"

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sc::tasks {
namespace {

std::filesystem::path corpus_dir() {
    return std::filesystem::path(SC_SOURCE_DIR) / "tests" / "corpus";
}

TEST(KebabName, DeletesEverythingOutsideAsciiLettersDigitsSpaceAndDash) {
    EXPECT_EQ(kebab_name("Ünïcödé façade — résumé"), "ncd-faade-rsum");
    EXPECT_EQ(kebab_name("v2.0: \"quoted\" & <angle> stuff"), "v20-quoted-angle-stuff");
    EXPECT_EQ(kebab_name("🚀 Launch 🚀 rocket"), "launch-rocket");
    EXPECT_EQ(kebab_name("  Padded title  "), "padded-title");
    EXPECT_EQ(kebab_name("# not a heading"), "not-a-heading");
    EXPECT_EQ(kebab_name("Ship release 1.0"), "ship-release-10");
}

TEST(KebabName, TitleWithoutAsciiLettersGivesEmptyName) {
    EXPECT_EQ(kebab_name("日本語のタスク"), "");
    EXPECT_EQ(kebab_name("!!!"), "");
    EXPECT_EQ(kebab_name(""), "");
    EXPECT_EQ(make_task_id(kebab_name("中文任务"), "11", 'A'), "-11A");
}

TEST(KebabName, CollapsesRunsOfSpaceAndDashesAcrossDeletedCharacters) {
    EXPECT_EQ(kebab_name("a - ! - b"), "a-b");
    EXPECT_EQ(kebab_name("--a--b--"), "a-b");
    EXPECT_EQ(kebab_name("a!b"), "ab");
    EXPECT_EQ(kebab_name("tab\there\nnewline"), "tab-here-newline");
    // JavaScript's \s includes the no-break space and the ideographic space.
    EXPECT_EQ(kebab_name("a\u00a0b\u3000c"), "a-b-c");
    EXPECT_EQ(kebab_name("\xff\xfe junk"), "junk");
}

TEST(AbbreviateName, LeavesNamesOfThirtyCharactersAlone) {
    EXPECT_EQ(name_from_title("Add support for the new API"), "add-support-for-the-new-api");
    EXPECT_EQ(name_from_title("Refactor payment retry handler"), "refactor-payment-retry-handler");
    EXPECT_EQ(abbreviate_name(std::string(30, 'a')), std::string(30, 'a'));
}

TEST(AbbreviateName, KeepsTheFourMostImportantWordsShortened) {
    EXPECT_EQ(name_from_title("Refactor payments retry handler"), "refc-paym-retr-hand");
    EXPECT_EQ(name_from_title("Implement authentication configuration management for the kubernetes deployment "
                              "infrastructure"),
              "impl-auth-config-k8s");
    EXPECT_EQ(name_from_title("Create a dashboard to visualize the performance of slow database queries in production"),
              "cret-dash-perf-db");
    EXPECT_EQ(name_from_title("Improve the reliability of nightly synchronization between regional replicas"),
              "impr-rlblty-nigh-sync");
}

TEST(AbbreviateName, RecognisesWholeTitleAcronymsAndPhrases) {
    EXPECT_EQ(abbreviate_name("application-programming-interface"), "api");
    EXPECT_EQ(abbreviate_name("representational-state-transfer"), "rest");
    EXPECT_EQ(abbreviate_name("javascript-object-notation-thing"), "jvscrpt-obje-nott-thin");
}

TEST(AbbreviateName, NeverExceedsTheLimitAndNeverLeaksJavaScriptInternals) {
    std::string name = name_from_title("Refactor the constructor of the extraordinarily complicated parser");
    EXPECT_LE(name.size(), k_max_name_length);
    EXPECT_EQ(name.find(' '), std::string::npos) << name;
    EXPECT_TRUE(is_safe_path_component(name));
    EXPECT_LE(name_from_title(std::string(200, 'x')).size(), k_max_name_length);
}

// Every task Scopecraft created in the corpus: its id's name part is what we make of its title.
TEST(AbbreviateName, MatchesEveryIdScopecraftMadeInTheCorpus) {
    // Titles changed after creation (the id keeps the old name) and hand-written files.
    const std::set<std::string> skipped = {"refactor-config-loader-11A", "legacy-style-01A", "no-sections-01B",
                                           "missing-area-01C"};
    int checked = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus_dir())) {
        const std::string file = entry.path().filename().string();
        if (file.rfind("list", 0) != 0 || entry.path().extension() != ".json")
            continue;
        std::ifstream stream(entry.path());
        auto list = nlohmann::json::parse(stream);
        for (const auto& task : list) {
            std::string id = task["metadata"]["id"];
            if (skipped.count(id) != 0)
                continue;
            std::string title = task["document"]["title"];
            std::string name;
            if (auto subtask = parse_subtask_file_name(id))
                name = subtask->parts.name;
            else if (auto parts = parse_task_id(id))
                name = parts->name;
            else
                ASSERT_EQ(id.substr(0, 1), "-") << "only the empty name fails the pattern";
            // Scopecraft shows titles trimmed; the padded one was created with spaces around it.
            EXPECT_EQ(name_from_title(title), name) << "title \"" << title << "\" in " << entry.path();
            ++checked;
        }
    }
    EXPECT_GE(checked, 40);
}

TEST(TaskId, IsBuiltFromNameMonthAndLetter) {
    EXPECT_EQ(make_task_id("fix-login", "11", 'A'), "fix-login-11A");
    EXPECT_EQ(month_digits(3), "03");
    EXPECT_EQ(month_digits(12), "12");
    EXPECT_EQ(task_file_name("fix-login-11A"), "fix-login-11A.task.md");
    EXPECT_EQ(subtask_file_name(2, "pdf-export-11H"), "02_pdf-export-11H.task.md");
}

TEST(TaskId, ParsesScopecraftsPattern) {
    auto parts = parse_task_id("user-authentication-overhaul-11A");
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->name, "user-authentication-overhaul");
    EXPECT_EQ(parts->month, "11");
    EXPECT_EQ(parts->letter, 'A');
    EXPECT_EQ(parse_task_id("fix-11B.task.md")->name, "fix");
    EXPECT_EQ(parse_task_id("-11A"), std::nullopt);  // the empty name does not match (.+)
    EXPECT_FALSE(parse_task_id("fix-1A"));
    EXPECT_FALSE(parse_task_id("fix-11a"));
    EXPECT_FALSE(parse_task_id("fix11A"));
    EXPECT_EQ(parse_task_id("a-b-11-12Z")->name, "a-b-11");
}

TEST(TaskId, ValidityChecksMonthAndNameLength) {
    EXPECT_TRUE(is_valid_task_id("fix-login-11A"));
    EXPECT_TRUE(is_valid_task_id("02_pdf-export-11H"));
    EXPECT_FALSE(is_valid_task_id("fix-login-13A"));
    EXPECT_FALSE(is_valid_task_id("fix-login-00A"));
    EXPECT_FALSE(is_valid_task_id("-11A"));
    EXPECT_FALSE(is_valid_task_id(std::string(31, 'a') + "-11A"));
    EXPECT_TRUE(is_valid_task_id(std::string(30, 'a') + "-11A"));
    EXPECT_FALSE(is_valid_task_id("00_pdf-export-11H"));
}

TEST(SubtaskFileName, ParsesUnderscoreAndDashForms) {
    auto name = parse_subtask_file_name("02_implement-token-service-11L.task.md");
    ASSERT_TRUE(name);
    EXPECT_EQ(name->sequence, 2);
    EXPECT_EQ(name->sequence_text, "02");
    EXPECT_EQ(name->separator, '_');
    EXPECT_EQ(name->id, "implement-token-service-11L");
    EXPECT_EQ(name->parts.name, "implement-token-service");
    auto dashed = parse_subtask_file_name("10-pdf-export-11H.task.md");
    ASSERT_TRUE(dashed);
    EXPECT_EQ(dashed->sequence, 10);
    EXPECT_EQ(dashed->separator, '-');
    EXPECT_EQ(dashed->id, "pdf-export-11H");
    EXPECT_FALSE(parse_subtask_file_name("_overview.md"));
    EXPECT_FALSE(parse_subtask_file_name("pdf-export-11H.task.md"));
    EXPECT_FALSE(parse_subtask_file_name("2_pdf-export-11H.task.md"));
}

TEST(PathSafety, RefusesIdsThatCouldLeaveTheTree) {
    EXPECT_TRUE(is_safe_path_component("fix-login-11A"));
    EXPECT_TRUE(is_safe_path_component("-11A"));
    for (std::string_view bad : {"", ".", "..", "../x", "a/b", "/etc", "a\\b", ".hidden", "a..b", "x/../y"})
        EXPECT_FALSE(is_safe_path_component(bad)) << bad;
    EXPECT_FALSE(is_safe_path_component(std::string_view("a\0b", 3)));
    EXPECT_FALSE(is_safe_path_component("a\nb"));
    EXPECT_FALSE(is_safe_path_component(std::string(256, 'a')));
    auto status = check_safe_path_component("../../etc/passwd");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::unsafe_path);
    EXPECT_NE(status.error().message.find("../../etc/passwd"), std::string::npos);
}

}  // namespace
}  // namespace sc::tasks
