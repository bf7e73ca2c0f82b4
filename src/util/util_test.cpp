#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/clock.hpp"
#include "util/files.hpp"
#include "util/json_string.hpp"
#include "util/result.hpp"
#include "util/text.hpp"

namespace sc {
namespace {

Result<int> parse_positive(int value) {
    if (value <= 0)
        return make_error(ErrorCode::invalid_argument, "not positive", Location {"input", 3, "count"}, "use 1 or more");
    return value;
}

Result<int> doubled(int value) {
    int checked = SC_TRY(parse_positive(value));
    return checked * 2;
}

TEST(Result, TryPropagatesTheFirstError) {
    EXPECT_EQ(doubled(4).value(), 8);
    Result<int> failed = doubled(-1);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().describe(), "not positive (input:3: count)");
    EXPECT_EQ(failed.error().hint, "use 1 or more");
}

TEST(Text, Base64EncodesTheRfc4648VectorsAndDecodesThemBack) {
    const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [bytes, encoded] : vectors) {
        EXPECT_EQ(text::base64_encode(bytes), encoded);
        std::string decoded;
        ASSERT_TRUE(text::base64_decode(encoded, decoded)) << encoded;
        EXPECT_EQ(decoded, bytes);
    }
    std::string invalid_utf8("\xff\xfe title \xc3(\x00", 12);
    std::string decoded;
    ASSERT_TRUE(text::base64_decode(text::base64_encode(invalid_utf8), decoded));
    EXPECT_EQ(decoded, invalid_utf8);
    EXPECT_FALSE(text::base64_decode("Zm9", decoded)) << "not a multiple of four";
    EXPECT_FALSE(text::base64_decode("Zm=v", decoded)) << "padding inside";
    EXPECT_FALSE(text::base64_decode("Zm9*", decoded)) << "not in the alphabet";
}

TEST(Text, ReadDecimalReadsWhatAppendDecimalWritesAtTheLimitsAndRefusesWhatDoesNotFit) {
    std::vector<int64_t> signed_values {0, 7, -7, 1796613373136895016, INT64_MAX, INT64_MIN};
    for (int64_t written : signed_values) {
        std::string out;
        text::append_decimal(out, written, ' ');
        out += "rest";
        std::string_view view = out;
        int64_t read = 1;
        ASSERT_TRUE(text::read_decimal(view, read, ' ')) << out;
        EXPECT_EQ(read, written);
        EXPECT_EQ(view, "rest");
    }
    std::string max = "18446744073709551615\n";
    std::string_view view = max;
    uint64_t unsigned_value = 0;
    ASSERT_TRUE(text::read_decimal(view, unsigned_value, '\n'));
    EXPECT_EQ(unsigned_value, UINT64_MAX);
    EXPECT_TRUE(view.empty());
    // Refused, and nothing consumed: one past the limits, a sign where none is read, no digits,
    // the wrong separator, no separator, a number too large for a narrower type.
    for (std::string bad : {"18446744073709551616 ", "-1 ", " 1 ", "- ", "12x", "12", "", "99999999999999999999999 "}) {
        std::string_view rest = bad;
        uint64_t value = 5;
        EXPECT_FALSE(text::read_decimal(rest, value, ' ')) << bad;
        EXPECT_EQ(value, 5U);
        EXPECT_EQ(rest, bad);
    }
    for (std::string bad : {"9223372036854775808 ", "-9223372036854775809 "}) {
        std::string_view rest = bad;
        int64_t value = 5;
        EXPECT_FALSE(text::read_decimal(rest, value, ' ')) << bad;
    }
    // Every length from 1 to 20 digits, leading zeros too, and a run of digits cut by another
    // byte at each position of the eight-digit steps.
    std::mt19937_64 random(19);
    for (int round = 0; round < 2000; ++round) {
        uint64_t written = random() >> (random() % 64);
        std::string digits = std::to_string(written);
        if (round % 7 == 0)
            digits = "000" + digits;
        std::string line = digits + " ";
        std::string_view rest = line;
        uint64_t read = 0;
        ASSERT_TRUE(text::read_decimal(rest, read, ' ')) << line;
        EXPECT_EQ(read, written);
        std::string cut = line;
        cut[round % digits.size()] = round % 2 == 0 ? ':' : '/';
        rest = cut;
        EXPECT_FALSE(text::read_decimal(rest, read, ' ')) << cut;
    }
    std::string small = "300 ";
    std::string_view rest = small;
    uint8_t narrow = 0;
    EXPECT_FALSE(text::read_decimal(rest, narrow, ' '));
    std::string negative = "-128 ";
    rest = negative;
    int8_t tiny = 0;
    ASSERT_TRUE(text::read_decimal(rest, tiny, ' '));
    EXPECT_EQ(tiny, -128);
}

TEST(Text, Utf8ValidationFindsTheFirstBadByte) {
    size_t bad = 0;
    EXPECT_TRUE(text::is_valid_utf8("plain ascii and \xc3\xa9\xe2\x9c\x85\xf0\x9f\x8e\x89"));
    EXPECT_FALSE(text::is_valid_utf8("ab\xff", &bad));
    EXPECT_EQ(bad, 2U);
    EXPECT_FALSE(text::is_valid_utf8("\xc0\xaf"));      // overlong '/'
    EXPECT_FALSE(text::is_valid_utf8("\xed\xa0\x80"));  // surrogate
    EXPECT_FALSE(text::is_valid_utf8("\xe2\x9c"));      // truncated
}

TEST(Text, Utf8ValidationFindsABadByteAtEveryPositionAfterAnAsciiRun) {
    // The ASCII fast path skips eight bytes at a time: a bad byte must be found wherever it
    // falls relative to those words, and a good sequence must pass wherever it falls.
    for (size_t position = 0; position < 20; ++position) {
        std::string bad(position, 'a');
        bad += "\xff tail";
        size_t offset = 0;
        EXPECT_FALSE(text::is_valid_utf8(bad, &offset)) << position;
        EXPECT_EQ(offset, position);
        std::string good(position, 'a');
        good += "\xc3\xa9 tail and more ascii";
        EXPECT_TRUE(text::is_valid_utf8(good)) << position;
        EXPECT_EQ(text::ascii_prefix_length(good), position);
    }
}

TEST(JsonString, WritesTheSameBytesAsNlohmannForEveryAsciiByteAtEveryPosition) {
    for (int byte = 0; byte < 0x80; ++byte) {
        for (size_t position = 0; position < 18; ++position) {
            std::string text(position, 'x');
            text += static_cast<char>(byte);
            text += "after \xc3\xa9 and some more";
            std::string ours;
            json::append_string(ours, text);
            EXPECT_EQ(ours, nlohmann::json(text).dump()) << "byte " << byte << " at " << position;
        }
    }
}

TEST(JsonString, WritesTheSameBytesAsNlohmannWhenSeveralEscapesShareAWord) {
    // JSON text inside a string (MCP's text content) has a quote every few bytes.
    const char specials[] = {'"', '\\', '\n', '\x01', '\t'};
    for (size_t first = 0; first < 18; ++first) {
        for (size_t second = first; second < 18; ++second) {
            for (char special : specials) {
                std::string text = "0123456789abcdef01";
                text[first] = '"';
                text[second] = special;
                text += "{\"k\":\"v\",\"n\":[1,2]} \xc3\xa9";
                std::string ours;
                json::append_string(ours, text);
                EXPECT_EQ(ours, nlohmann::json(text).dump()) << first << " " << second;
            }
        }
    }
}

TEST(JsonString, WritesTheSameBytesAsNlohmannForRandomMixesOfEscapesAndText) {
    // Words of quotes and backslashes only (JSON text inside a string), words with a control
    // among them, multi-byte characters across word boundaries, at every length.
    const std::vector<std::string> pieces = {"\"",      "\\",       "\n",           "\x01", "\x1f", "\t",    "a",
                                             "{\"k\":", "\xc3\xa9", "\xe2\x82\xac", " ",    "\x7f", "\b\f\r"};
    uint64_t seed = 12345;
    auto next = [&seed] {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<size_t>(seed >> 33);
    };
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        size_t count = next() % 40;
        for (size_t i = 0; i < count; ++i)
            text += pieces[next() % pieces.size()];
        std::string ours = "prefix";
        json::append_string(ours, text);
        EXPECT_EQ(ours, "prefix" + nlohmann::json(text).dump()) << round;
    }
}

// Whether another open file description can take the lock on `path` now (then lets it go).
bool others_can_lock(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0);
    bool taken = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    ::close(fd);
    return taken;
}

TEST(KeptLockFile, HoldsTheLockOthersTakeAndFollowsTheFileWhenItIsRemovedBetweenHolds) {
    std::string folder = ::testing::TempDir() + "kept-lock";
    ASSERT_TRUE(files::make_directories(folder).ok());
    std::string path = folder + "/tasks.lock";
    ::unlink(path.c_str());
    files::KeptLockFile kept(path);
    {
        Result<files::FileLock> lock = kept.acquire();
        ASSERT_TRUE(lock.ok()) << lock.error().describe();
        EXPECT_FALSE(others_can_lock(path));
    }
    EXPECT_TRUE(others_can_lock(path));  // let go, the file still open
    {
        Result<files::FileLock> again = kept.acquire();
        ASSERT_TRUE(again.ok());
        EXPECT_FALSE(others_can_lock(path));
    }
    // Removed between two holds (rm -rf of the store, say): the next hold is on the file that
    // others now create and lock, not on the removed one.
    ASSERT_EQ(::unlink(path.c_str()), 0);
    {
        Result<files::FileLock> after = kept.acquire();
        ASSERT_TRUE(after.ok()) << after.error().describe();
        EXPECT_TRUE(files::exists(path));
        EXPECT_FALSE(others_can_lock(path));
    }
    // Replaced by another file under the same name: the same.
    std::string other = folder + "/other.lock";
    ASSERT_TRUE(files::write_atomic(other, "").ok());
    ASSERT_EQ(::rename(other.c_str(), path.c_str()), 0);
    {
        Result<files::FileLock> replaced = kept.acquire();
        ASSERT_TRUE(replaced.ok());
        EXPECT_FALSE(others_can_lock(path));
    }
    EXPECT_TRUE(others_can_lock(path));
}

TEST(Files, ReadRegularReadsSmallEmptyAndLargeFilesWhole) {
    std::string folder = ::testing::TempDir() + "read-regular";
    ASSERT_TRUE(files::make_directories(folder).ok());
    for (size_t size : {size_t {0}, size_t {1}, size_t {16383}, size_t {16384}, size_t {16385}, size_t {100000}}) {
        std::string content(size, 'x');
        for (size_t i = 0; i < size; ++i)
            content[i] = static_cast<char>('a' + i % 26);
        std::string path = folder + "/f" + std::to_string(size);
        ASSERT_TRUE(files::write_atomic(path, content).ok());
        Result<std::string> read = files::read_regular(path);
        ASSERT_TRUE(read.ok()) << size;
        EXPECT_EQ(read.value(), content) << size;
    }
    EXPECT_EQ(files::read_regular(folder + "/missing").error().code, ErrorCode::not_found);
}

TEST(Files, ReadIfExistsTellsAMissingFileFromAnUnreadableOne) {
    std::string folder = ::testing::TempDir() + "read-if-exists";
    ASSERT_TRUE(files::make_directories(folder).ok());
    ASSERT_TRUE(files::write_atomic(folder + "/present", "text").ok());
    EXPECT_EQ(files::read_if_exists(folder + "/present").value(), std::optional<std::string>("text"));
    EXPECT_EQ(files::read_if_exists(folder + "/missing").value(), std::nullopt);
    // A file where a folder should be (ENOTDIR) is as missing as the file itself.
    EXPECT_EQ(files::read_if_exists(folder + "/present/below").value(), std::nullopt);
    // A folder exists but cannot be read as a file: that is an error, not an absence.
    Result<std::optional<std::string>> folder_read = files::read_if_exists(folder);
    EXPECT_FALSE(folder_read.ok());
}

TEST(JsonString, ReplacingInvalidTurnsEachBadByteIntoOneReplacementCharacter) {
    std::string out;
    json::append_string_replacing_invalid(out, std::string_view("a\"\xff\xc3\xa9\xe2\x82 b\n", 10));
    EXPECT_EQ(out, "\"a\\\"\xEF\xBF\xBD\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD b\\n\"");
    std::string valid;
    json::append_string_replacing_invalid(valid, "plain \xc3\xa9");
    std::string same;
    json::append_string(same, "plain \xc3\xa9");
    EXPECT_EQ(valid, same);
}

TEST(Clock, Rfc3339RoundTripsWithNanoseconds) {
    int64_t parsed = 0;
    ASSERT_TRUE(parse_rfc3339("2026-11-27T13:51:01.123456789Z", parsed));
    EXPECT_EQ(format_rfc3339_nanos(parsed), "2026-11-27T13:51:01.123456789Z");
    ASSERT_TRUE(parse_rfc3339("2026-11-27T14:51:01+01:00", parsed));
    EXPECT_EQ(format_rfc3339_nanos(parsed), "2026-11-27T13:51:01.000000000Z");
    ASSERT_TRUE(parse_rfc3339("2026-11-27", parsed));
    EXPECT_EQ(utc_date(parsed), "2026-11-27");
    EXPECT_FALSE(parse_rfc3339("2026-13-01", parsed));
    EXPECT_FALSE(parse_rfc3339("yesterday", parsed));
}

class FilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/sc-util-test-XXXXXX";
        m_root = ::mkdtemp(pattern);
    }
    void TearDown() override { std::system(("rm -rf '" + m_root + "'").c_str()); }
    std::string m_root;
};

TEST_F(FilesTest, WriteAtomicReplacesContentAndKeepsMode) {
    std::string path = m_root + "/a.txt";
    ASSERT_TRUE(files::write_atomic(path, "one", files::Durability::none, 0600).ok());
    ASSERT_TRUE(files::write_atomic(path, "two").ok());
    EXPECT_EQ(files::read(path).value(), "two");
    struct stat info {};
    ::stat(path.c_str(), &info);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
}

TEST_F(FilesTest, CreateExclusiveRefusesAnExistingFile) {
    std::string path = m_root + "/b.txt";
    ASSERT_TRUE(files::create_exclusive(path, "first").ok());
    Status second = files::create_exclusive(path, "second");
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::already_exists);
    EXPECT_EQ(files::read(path).value(), "first");
}

TEST_F(FilesTest, MissingFileIsNotFound) {
    Result<std::string> missing = files::read(m_root + "/nope");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
    EXPECT_NE(missing.error().describe().find("/nope"), std::string::npos);
}

TEST_F(FilesTest, MakeDirectoriesCreatesNestedFolders) {
    std::string path = m_root + "/x/y/z";
    ASSERT_TRUE(files::make_directories(path, 0700).ok());
    EXPECT_TRUE(files::is_directory(path));
}

}  // namespace
}  // namespace sc
