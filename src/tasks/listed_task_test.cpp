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

TEST(ListedTask, ReadingOnlyTheDocumentGivesWhatAFullDecodeGivesOfIt) {
    const std::string text =
        "---\nstatus: In Progress\ntype: feature\ntags: [a, b]\n---\n\n# Title\n\n## Instruction\n\nDo.\n";
    for (const std::string& content :
         {text, std::string("---\nstatus: todo\n---\n\n# T\n"), std::string("---\ntype: bug\n---\n\n# No status\n")}) {
        Result<TaskDocument> document = TaskDocument::parse(content, k_path);
        ASSERT_TRUE(document.ok()) << content;
        TaskRecord record;
        record.path = k_path;
        record.document = std::move(document).value();
        std::string encoded = encode_listed(record, k_path);
        ListedTask all;
        ListedTask part;
        ASSERT_TRUE(decode_listed(encoded, k_path, all));
        ASSERT_TRUE(decode_listed(encoded, k_path, part, ListedFields::document));
        EXPECT_TRUE(part.listed);
        EXPECT_EQ(part.status, all.status);
        EXPECT_EQ(part.document, all.document);
        EXPECT_FALSE(part.document.empty());
        ASSERT_EQ(part.diagnostics.size(), all.diagnostics.size());
        for (size_t i = 0; i < all.diagnostics.size(); ++i)
            EXPECT_EQ(part.diagnostics[i].message, all.diagnostics[i].message);
        EXPECT_TRUE(part.title.empty());
        EXPECT_FALSE(part.type);
    }
    // A skipped file reads alike either way.
    ListedTask part;
    ASSERT_TRUE(decode_listed(encoded_error(3), k_path, part, ListedFields::document));
    EXPECT_FALSE(part.listed);
    ASSERT_EQ(part.diagnostics.size(), 1U);
}

TEST(ListedTask, AnEntryWhoseDocumentLengthDisagreesIsRefused) {
    Result<TaskDocument> document = TaskDocument::parse("---\nstatus: todo\n---\n\n# T\n", k_path);
    ASSERT_TRUE(document.ok());
    TaskRecord record;
    record.document = std::move(document).value();
    std::string encoded = encode_listed(record, k_path);
    // Kind and count of diagnostics, then the document's length.
    size_t count_end = encoded.find(';') + 1;
    size_t length_end = encoded.find(';', count_end);
    ListedTask listed;
    for (std::string length : {"0", "1", "99999999"}) {
        std::string damaged = encoded.substr(0, count_end) + length + encoded.substr(length_end);
        EXPECT_FALSE(decode_listed(damaged, k_path, listed)) << damaged;
    }
    EXPECT_FALSE(decode_listed("T0;99999999;", k_path, listed, ListedFields::document));
    EXPECT_TRUE(decode_listed(encoded, k_path, listed));
}

}  // namespace
}  // namespace sc::tasks
