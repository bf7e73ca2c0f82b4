// Whole exchanges on a non-blocking socket under a deadline (util/socket_io.hpp), on a
// socketpair: what the watch service's client and server both rely on.
#include "util/socket_io.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace sc::socket_io {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class SocketIoTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, m_fds), 0);
        for (int fd : m_fds)
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    void TearDown() override {
        for (int fd : m_fds)
            if (fd >= 0)
                ::close(fd);
    }
    void close_end(int which) {
        ::close(m_fds[which]);
        m_fds[which] = -1;
    }
    static Deadline in(int ms) { return steady_clock::now() + milliseconds(ms); }

    int m_fds[2] = {-1, -1};
};

TEST_F(SocketIoTest, AMessageLargerThanTheSocketBufferIsSentWholeAndReadToThePeersEnd) {
    std::string message(4 << 20, 'x');
    for (size_t i = 0; i < message.size(); i += 4097)
        message[i] = static_cast<char>('a' + i % 26);
    std::string received;
    bool read_ok = false;
    std::thread reader([&] { read_ok = receive_to_end(m_fds[1], received, in(10000)); });
    EXPECT_TRUE(send_all(m_fds[0], message, in(10000)));
    close_end(0);
    reader.join();
    EXPECT_TRUE(read_ok);
    EXPECT_EQ(received, message);
}

TEST_F(SocketIoTest, ALineIsReadUpToItsBreakAndAnAnswerThatNeverEndsFailsAtTheDeadline) {
    ASSERT_TRUE(send_all(m_fds[0], "sc-watch 1 abc -\n", in(1000)));
    std::string line;
    EXPECT_TRUE(receive_line(m_fds[1], line, 256, in(1000)));
    EXPECT_EQ(line, "sc-watch 1 abc -\n");

    // A peer that says something and then nothing: the reader gives up at the deadline.
    ASSERT_TRUE(send_all(m_fds[0], "partial", in(1000)));
    std::string answer;
    auto start = steady_clock::now();
    EXPECT_FALSE(receive_to_end(m_fds[1], answer, in(50)));
    EXPECT_GE(steady_clock::now() - start, milliseconds(45));
    EXPECT_EQ(answer, "partial");
}

TEST_F(SocketIoTest, ALineLongerThanItsLimitOrCutByThePeersEndIsRefused) {
    ASSERT_TRUE(send_all(m_fds[0], std::string(300, 'a') + "\n", in(1000)));
    std::string too_long;
    EXPECT_FALSE(receive_line(m_fds[1], too_long, 256, in(1000)));
    EXPECT_LE(too_long.size(), 256u) << "no more is read than a line may hold";

    TearDown();
    SetUp();
    ASSERT_TRUE(send_all(m_fds[0], "no line break", in(1000)));
    close_end(0);
    std::string cut;
    EXPECT_FALSE(receive_line(m_fds[1], cut, 256, in(1000)));
    EXPECT_EQ(cut, "no line break");
}

TEST_F(SocketIoTest, SendingToAPeerThatWentAwayFailsWithoutSigpipe) {
    close_end(1);
    EXPECT_FALSE(send_all(m_fds[0], "hello\n", in(1000)));
}

}  // namespace
}  // namespace sc::socket_io
