#include "tasks/layout.hpp"

#include <gtest/gtest.h>

namespace sc::tasks {
namespace {

TEST(TaskFileName, PlainTaskHasNoSequence) {
    std::optional<TaskFileName> name = parse_task_filename("add-login-page-11A.task.md");
    ASSERT_TRUE(name);
    EXPECT_EQ(name->id, "add-login-page-11A");
    EXPECT_EQ(name->sequence, "");
    EXPECT_EQ(name->base_id, "add-login-page-11A");
}

TEST(TaskFileName, SubtaskPrefixesAreReadWithUnderscoreOrDash) {
    std::optional<TaskFileName> underscore = parse_task_filename("02_implement-token-service-11L.task.md");
    ASSERT_TRUE(underscore);
    EXPECT_EQ(underscore->id, "02_implement-token-service-11L");
    EXPECT_EQ(underscore->sequence, "02");
    EXPECT_EQ(underscore->base_id, "implement-token-service-11L");
    std::optional<TaskFileName> dash = parse_task_filename("03-old-style-01B.task.md");
    ASSERT_TRUE(dash);
    EXPECT_EQ(dash->sequence, "03");
    EXPECT_EQ(dash->base_id, "old-style-01B");
}

TEST(TaskFileName, OtherFilesAreNotTasks) {
    EXPECT_FALSE(parse_task_filename("_overview.md"));
    EXPECT_FALSE(parse_task_filename("notes.md"));
    EXPECT_FALSE(parse_task_filename(".task.md"));
    EXPECT_FALSE(parse_task_filename(".hidden-11A.task.md"));
    EXPECT_FALSE(parse_task_filename("x-11A.task.md~"));
    // Scopecraft's empty-name id is still a file it made, so it is listed.
    EXPECT_TRUE(parse_task_filename("-11A.task.md"));
}

TEST(MonthFolder, OnlyRealMonthsCount) {
    EXPECT_TRUE(is_month_folder("2026-11"));
    EXPECT_TRUE(is_month_folder("2025-01"));
    EXPECT_FALSE(is_month_folder("2025-13"));
    EXPECT_FALSE(is_month_folder("2025-00"));
    EXPECT_FALSE(is_month_folder("2025-1"));
    EXPECT_FALSE(is_month_folder("quarterly-cleanup-11A"));
    EXPECT_TRUE(validate_archive_month("2025-02").ok());
    EXPECT_EQ(validate_archive_month("../x").error().code, ErrorCode::invalid_argument);
}

TEST(IdPathSafety, AttacksAreRejectedAsUnsafePaths) {
    for (std::string_view attack :
         {"../etc/passwd", "..", ".", "/etc/passwd", "a/b", "a\\b", ".hidden", "", "x\n-11A"}) {
        Status status = validate_id_for_path(attack);
        ASSERT_FALSE(status.ok()) << attack;
        EXPECT_EQ(status.error().code, ErrorCode::unsafe_path) << attack;
    }
    std::string with_nul("abc\0def", 7);
    EXPECT_EQ(validate_id_for_path(with_nul).error().code, ErrorCode::unsafe_path);
    EXPECT_EQ(validate_id_for_path(std::string(300, 'a')).error().code, ErrorCode::unsafe_path);
}

TEST(IdPathSafety, OrdinaryIdsPass) {
    EXPECT_TRUE(validate_id_for_path("add-login-page-11A").ok());
    EXPECT_TRUE(validate_id_for_path("02_implement-token-service-11L").ok());
    EXPECT_TRUE(validate_id_for_path("-11A").ok());
    EXPECT_TRUE(validate_id_for_path("a..b-11A").ok());  // dots inside a name are not a path
}

TEST(RelativePathSafety, EscapesAreRejected) {
    EXPECT_TRUE(validate_relative_path("current/x-11A.task.md").ok());
    for (std::string_view attack : {"/abs/path", "current/../../x", "./current", "current//x", "", "a/./b"})
        EXPECT_EQ(validate_relative_path(attack).error().code, ErrorCode::unsafe_path) << attack;
}

}  // namespace
}  // namespace sc::tasks
