#include "store/segment_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "store/event_parser.hpp"
#include "util/files.hpp"

namespace sc::store {

static Result<std::string> read_from(const std::string& path, uint64_t from, size_t padding) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return files::from_errno(errno, "reading segment", path);
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        int saved = errno;
        ::close(fd);
        return files::from_errno(saved, "reading segment", path);
    }
    uint64_t size = static_cast<uint64_t>(info.st_size);
    std::string bytes;
    if (from < size) {
        // The file may still grow while we read it (readers take no lock); read what fstat saw.
        bytes.resize(size - from + padding);
        size_t got_total = 0;
        while (got_total < size - from) {
            ssize_t got =
                ::pread(fd, bytes.data() + got_total, size - from - got_total, static_cast<off_t>(from + got_total));
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0) {
                int saved = errno;
                ::close(fd);
                return files::from_errno(saved, "reading segment", path);
            }
            if (got == 0)
                break;  // truncated under us by a repair: keep what we have
            got_total += static_cast<size_t>(got);
        }
        bytes.resize(got_total);
    }
    ::close(fd);
    return bytes;
}

Result<SegmentBuffer> read_segment(const std::string& path, bool compressed, uint64_t from) {
    SegmentBuffer buffer;
    if (!compressed) {
        buffer.bytes = SC_TRY(read_from(path, from, k_parse_padding));
        buffer.size = buffer.bytes.size();
    } else {
        std::string packed = SC_TRY(read_from(path, 0, 0));
        std::string plain = SC_TRY(zstd_decompress(packed, path));
        if (from < plain.size())
            buffer.bytes.assign(plain, from);
        buffer.size = buffer.bytes.size();
    }
    buffer.bytes.append(k_parse_padding, ' ');
    return buffer;
}

Result<std::string> zstd_compress(std::string_view content) {
    std::string packed(ZSTD_compressBound(content.size()), '\0');
    size_t written = ZSTD_compress(packed.data(), packed.size(), content.data(), content.size(), 3);
    if (ZSTD_isError(written))
        return make_error(ErrorCode::internal, std::string("zstd compression failed: ") + ZSTD_getErrorName(written));
    packed.resize(written);
    return packed;
}

Result<std::string> zstd_decompress(std::string_view compressed, const std::string& path) {
    // Streaming decompression: handles frames with and without a recorded content size, and
    // several concatenated frames (what `zstd` writes when files are appended together).
    ZSTD_DCtx* context = ZSTD_createDCtx();
    if (context == nullptr)
        return make_error(ErrorCode::internal, "out of memory for zstd");
    std::string plain;
    unsigned long long expected = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
    if (expected != ZSTD_CONTENTSIZE_UNKNOWN && expected != ZSTD_CONTENTSIZE_ERROR && expected < (1ULL << 34))
        plain.reserve(static_cast<size_t>(expected) + k_parse_padding);
    ZSTD_inBuffer input {compressed.data(), compressed.size(), 0};
    std::string chunk(ZSTD_DStreamOutSize(), '\0');
    size_t last_result = 0;
    for (;;) {
        ZSTD_outBuffer output {chunk.data(), chunk.size(), 0};
        last_result = ZSTD_decompressStream(context, &output, &input);
        if (ZSTD_isError(last_result)) {
            ZSTD_freeDCtx(context);
            return make_error(ErrorCode::parse,
                              std::string("compressed segment is damaged: ") + ZSTD_getErrorName(last_result),
                              Location {path, 0, {}}, "restore it from a backup or move it aside");
        }
        plain.append(chunk.data(), output.pos);
        // A full output buffer may mean more is waiting inside the decoder: go round again.
        if (input.pos == input.size && output.pos < output.size)
            break;
    }
    ZSTD_freeDCtx(context);
    if (last_result != 0)
        return make_error(ErrorCode::parse, "compressed segment is truncated", Location {path, 0, {}},
                          "restore it from a backup or move it aside");
    return plain;
}

Status compress_segment(const std::string& plain_path) {
    std::string content = SC_TRY(files::read(plain_path));
    std::string packed = SC_TRY(zstd_compress(content));
    std::string target = plain_path + ".zst";
    SC_TRY(files::write_atomic(target, packed, files::Durability::sync, 0600));
    // Check the copy before the original goes: a compressed segment that cannot be read back
    // would be data lost.
    std::string written = SC_TRY(files::read(target));
    std::string round_trip = SC_TRY(zstd_decompress(written, target));
    if (round_trip != content) {
        ::unlink(target.c_str());
        return make_error(ErrorCode::internal, "compressed segment does not match its source",
                          Location {plain_path, 0, {}}, "the plain segment was kept");
    }
    if (::unlink(plain_path.c_str()) != 0)
        return files::from_errno(errno, "removing compressed segment's source", plain_path);
    return {};
}

}  // namespace sc::store

namespace sc::store {

Result<SegmentBuffer> read_range(const Layout& layout, const SegmentId& id, uint64_t offset, uint32_t length) {
    std::string path = layout.segment_path(id);
    SegmentBuffer buffer;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        buffer.bytes.resize(length + k_parse_padding, ' ');
        ssize_t got = 0;
        do {
            got = ::pread(fd, buffer.bytes.data(), length, static_cast<off_t>(offset));
        } while (got < 0 && errno == EINTR);
        int saved = errno;
        ::close(fd);
        if (got < 0)
            return files::from_errno(saved, "reading segment", path);
        if (static_cast<uint32_t>(got) != length)
            return make_error(ErrorCode::not_found, "segment is shorter than its index says", Location {path, 0, {}},
                              "run `sc telemetry check --repair`");
        buffer.size = length;
        return buffer;
    }
    if (errno != ENOENT)
        return files::from_errno(errno, "reading segment", path);
    std::string compressed_path = layout.segment_path(id, true);
    SegmentBuffer whole = SC_TRY(read_segment(compressed_path, true));
    if (offset + length > whole.size)
        return make_error(ErrorCode::not_found, "segment is shorter than its index says",
                          Location {compressed_path, 0, {}}, "run `sc telemetry check --repair`");
    buffer.bytes.assign(whole.bytes, offset, length);
    buffer.bytes.append(k_parse_padding, ' ');
    buffer.size = length;
    return buffer;
}

}  // namespace sc::store

namespace sc::store {

namespace {
constexpr size_t k_chunk_bytes = 1 << 20;
// The smallest buffer: a reader opened at the end of a segment still reads what is appended.
constexpr size_t k_min_chunk_bytes = 4096;

// The first buffer holds what is left of a plain segment, up to a chunk: a reader that follows
// a segment from the byte it reached (the search index's catch-up, the Prometheus tail) reads a
// few lines, and a 1 MiB buffer filled for them cost 256 page faults (docs/performance.md,
// "Search"). A line longer than the buffer grows it, as before.
size_t first_chunk_bytes(int fd, bool compressed, uint64_t from) {
    struct stat info {};
    if (compressed || ::fstat(fd, &info) != 0)
        return k_chunk_bytes;
    uint64_t size = static_cast<uint64_t>(info.st_size);
    uint64_t left = size > from ? size - from : 0;
    uint64_t pages = (left + k_min_chunk_bytes) / k_min_chunk_bytes * k_min_chunk_bytes;
    return static_cast<size_t>(std::clamp<uint64_t>(pages, k_min_chunk_bytes, k_chunk_bytes));
}
}  // namespace

Result<SegmentLineReader> SegmentLineReader::open(const std::string& path, bool compressed, uint64_t from) {
    SegmentLineReader reader;
    reader.m_path = path;
    reader.m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (reader.m_fd < 0)
        return files::from_errno(errno, "reading segment", path);
    if (compressed) {
        reader.m_zstd = ZSTD_createDCtx();
        if (reader.m_zstd == nullptr)
            return make_error(ErrorCode::internal, "out of memory for zstd");
        reader.m_compressed_input.resize(ZSTD_DStreamInSize());
        reader.m_skip = from;
    } else if (from > 0 && ::lseek(reader.m_fd, static_cast<off_t>(from), SEEK_SET) < 0) {
        return files::from_errno(errno, "seeking in segment", path);
    }
    reader.m_base = from;
    reader.m_buffer.resize(first_chunk_bytes(reader.m_fd, compressed, from) + k_parse_padding, ' ');
    return reader;
}

SegmentLineReader::SegmentLineReader(SegmentLineReader&& other) noexcept {
    *this = std::move(other);
}

SegmentLineReader& SegmentLineReader::operator=(SegmentLineReader&& other) noexcept {
    if (this != &other) {
        this->~SegmentLineReader();
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
        m_zstd = std::exchange(other.m_zstd, nullptr);
        m_compressed_input = std::move(other.m_compressed_input);
        m_input_position = other.m_input_position;
        m_input_size = other.m_input_size;
        m_input_done = other.m_input_done;
        m_skip = other.m_skip;
        m_buffer = std::move(other.m_buffer);
        m_filled = other.m_filled;
        m_lines = other.m_lines;
        m_base = other.m_base;
        m_at_end = other.m_at_end;
    }
    return *this;
}

SegmentLineReader::~SegmentLineReader() {
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (m_zstd != nullptr)
        ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(m_zstd));
    m_zstd = nullptr;
}

// Reads up to `room` content bytes into `into`; 0 at the end.
Result<size_t> SegmentLineReader::fill(char* into, size_t room) {
    if (m_zstd == nullptr) {
        for (;;) {
            ssize_t got = ::read(m_fd, into, room);
            if (got >= 0)
                return static_cast<size_t>(got);
            if (errno != EINTR)
                return files::from_errno(errno, "reading segment", m_path);
        }
    }
    auto* context = static_cast<ZSTD_DCtx*>(m_zstd);
    for (;;) {
        if (m_input_position == m_input_size && !m_input_done) {
            ssize_t got = ::read(m_fd, m_compressed_input.data(), m_compressed_input.size());
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                return files::from_errno(errno, "reading segment", m_path);
            m_input_position = 0;
            m_input_size = static_cast<size_t>(got);
            m_input_done = got == 0;
        }
        ZSTD_inBuffer input {m_compressed_input.data(), m_input_size, m_input_position};
        ZSTD_outBuffer output {into, room, 0};
        size_t result = ZSTD_decompressStream(context, &output, &input);
        m_input_position = input.pos;
        if (ZSTD_isError(result))
            return make_error(ErrorCode::parse,
                              std::string("compressed segment is damaged: ") + ZSTD_getErrorName(result),
                              Location {m_path, 0, {}}, "restore it from a backup or move it aside");
        if (m_skip > 0) {  // drop what lies before the starting offset
            size_t dropped = static_cast<size_t>(std::min<uint64_t>(m_skip, output.pos));
            std::memmove(into, into + dropped, output.pos - dropped);
            output.pos -= dropped;
            m_skip -= dropped;
        }
        if (output.pos > 0)
            return output.pos;
        if (m_input_done && m_input_position == m_input_size)
            return 0;
    }
}

Result<bool> SegmentLineReader::next() {
    if (m_at_end)
        return false;
    // Keep the unfinished line from the previous chunk at the front.
    m_base += m_lines;
    std::memmove(m_buffer.data(), m_buffer.data() + m_lines, m_filled - m_lines);
    m_filled -= m_lines;
    m_lines = 0;
    for (;;) {
        size_t capacity = m_buffer.size() - k_parse_padding;
        if (m_filled == capacity) {  // one line longer than the buffer: grow
            m_buffer.resize(capacity * 2 + k_parse_padding, ' ');
            capacity *= 2;
        }
        size_t got = SC_TRY(fill(m_buffer.data() + m_filled, capacity - m_filled));
        m_filled += got;
        std::string_view filled(m_buffer.data(), m_filled);
        size_t last_newline = filled.rfind('\n');
        if (got == 0) {
            m_lines = last_newline == std::string_view::npos ? 0 : last_newline + 1;
            if (m_lines == 0) {
                m_at_end = true;
                std::fill(m_buffer.begin() + static_cast<std::ptrdiff_t>(m_filled), m_buffer.end(), ' ');
                return false;
            }
            break;
        }
        if (last_newline != std::string_view::npos && m_filled == capacity) {
            m_lines = last_newline + 1;
            break;
        }
    }
    // Padding after the lines must be readable; what follows them in the buffer is.
    return true;
}

}  // namespace sc::store
