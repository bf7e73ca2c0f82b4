#include "store/segment_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "store/event_parser.hpp"
#include "store/test_support.hpp"

namespace sc::store {
namespace {

using testing::TempDir;

void append_to(const std::string& path, const std::string& bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
}

// Every complete line the reader gives until the end, each checked for its parse padding.
std::vector<std::string> read_all(SegmentLineReader& reader) {
    std::vector<std::string> lines;
    for (;;) {
        Result<bool> more = reader.next();
        EXPECT_TRUE(more.ok());
        if (!more.ok() || !*more)
            return lines;
        std::string_view chunk = reader.lines();
        size_t start = 0;
        while (start < chunk.size()) {
            size_t end = chunk.find('\n', start);
            EXPECT_GE(reader.capacity_from(start), end + 1 - start + k_parse_padding);
            lines.emplace_back(chunk.substr(start, end - start));
            start = end + 1;
        }
    }
}

TEST(SegmentLineReader, ReadsTheLinesAfterAnOffsetNearTheEndOfALargeSegment) {
    TempDir dir;
    std::string path = dir.path() + "/segment.jsonl";
    std::string content;
    for (int i = 0; i < 40000; ++i)
        content += "{\"line\":" + std::to_string(i) + ",\"text\":\"" + std::string(40, 'x') + "\"}\n";
    append_to(path, content);
    size_t from = content.rfind("{\"line\":39998");
    Result<SegmentLineReader> reader = SegmentLineReader::open(path, false, from);
    ASSERT_TRUE(reader.ok()) << reader.error().describe();
    std::vector<std::string> lines = read_all(*reader);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with("{\"line\":39998,"));
    EXPECT_TRUE(lines[1].starts_with("{\"line\":39999,"));
}

TEST(SegmentLineReader, ReadsLinesAppendedAfterItOpenedThatAreLongerThanWhatWasLeft) {
    TempDir dir;
    std::string path = dir.path() + "/segment.jsonl";
    append_to(path, "{\"first\":1}\n");
    Result<SegmentLineReader> reader = SegmentLineReader::open(path, false, 12);
    ASSERT_TRUE(reader.ok()) << reader.error().describe();
    std::string long_line = "{\"long\":\"" + std::string(3 << 20, 'y') + "\"}";
    append_to(path, long_line + "\n{\"short\":2}\n{\"torn\":");
    std::vector<std::string> lines = read_all(*reader);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], long_line);
    EXPECT_EQ(lines[1], "{\"short\":2}");
    EXPECT_EQ(reader->tail(), "{\"torn\":");
}

TEST(SegmentLineReader, AtTheEndOfASegmentReadsNothing) {
    TempDir dir;
    std::string path = dir.path() + "/segment.jsonl";
    append_to(path, "{\"only\":1}\n");
    Result<SegmentLineReader> reader = SegmentLineReader::open(path, false, 11);
    ASSERT_TRUE(reader.ok()) << reader.error().describe();
    EXPECT_TRUE(read_all(*reader).empty());
    EXPECT_EQ(reader->tail(), "");
}

}  // namespace
}  // namespace sc::store
