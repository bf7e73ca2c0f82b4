// A listing cache entry (tasks/listed_task.hpp) decodes to what was encoded, and an entry whose
// numbers are damaged is refused (the listing then reads the file), never half-read.
#include "tasks/listed_task.hpp"

#include <gtest/gtest.h>

namespace sc::tasks {
namespace {

const std::string k_path = "/tree/current/a-11A.task.md";

std::string encoded_error(int line) {
    Result<TaskRecord> loaded =
        make_error(ErrorCode::invalid_argument, "bad frontmatter", Location {k_path, line, "status"}, "fix it");
    return encode_listed(loaded, k_path);
}

TEST(ListedTask, ASkippedFileDecodesToItsDiagnosticWithItsLineWhateverItsDigits) {
    for (int line : {0, 7, 12345, 2000000000, -1}) {
        ListedTask listed;
        ASSERT_TRUE(decode_listed(encoded_error(line), k_path, listed)) << line;
        EXPECT_FALSE(listed.listed);
        ASSERT_EQ(listed.diagnostics.size(), 1U);
        EXPECT_EQ(listed.diagnostics[0].where.file, k_path);
        EXPECT_EQ(listed.diagnostics[0].where.line, line);
        EXPECT_EQ(listed.diagnostics[0].where.field, "status");
        EXPECT_EQ(listed.diagnostics[0].message, "skipped: bad frontmatter");
        EXPECT_EQ(listed.diagnostics[0].hint, "fix it");
    }
}

TEST(ListedTask, AnEntryWithADamagedNumberIsRefused) {
    std::string good = encoded_error(42);
    ASSERT_EQ(good.substr(0, 5), "N1;-4");  // kind, count, the file's own path as `-`, line
    ListedTask listed;
    for (std::string damaged :
         {std::string("N;") + good.substr(3), std::string("N1") + good.substr(3), std::string("N-;") + good.substr(3),
          std::string("Nx;") + good.substr(3), good.substr(0, 4) + ";" + good.substr(7),
          good.substr(0, 4) + "-;" + good.substr(7), good.substr(0, 4) + "4x2;" + good.substr(7), std::string("N1;")}) {
        EXPECT_FALSE(decode_listed(damaged, k_path, listed)) << damaged;
    }
    EXPECT_TRUE(decode_listed(good, k_path, listed));
}

}  // namespace
}  // namespace sc::tasks
