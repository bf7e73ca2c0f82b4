#include "store/segment_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>

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
