#include "store/stream_index.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "store/hash.hpp"
#include "util/files.hpp"

namespace sc::store {

// Fixed-width fields written by hand: snprintf cost more than the rest of an append.
static void put_hex(char* out, uint64_t value, int width) {
    static constexpr char k_hex[] = "0123456789abcdef";
    for (int i = width - 1; i >= 0; --i, value >>= 4)
        out[i] = k_hex[value & 0xF];
}

static void put_decimal(char* out, uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
        out[i] = static_cast<char>('0' + value % 10);
}

void append_stream_record(std::string& out, const StreamRecord& record) {
    int year = 0;
    unsigned month = 0, day = 0;
    if (record.present())
        civil_from_days(record.day, year, month, day);
    char buffer[k_stream_record_bytes];
    std::memset(buffer, ' ', sizeof buffer);
    put_hex(buffer, record.seq, 16);
    put_decimal(buffer + 17, static_cast<uint64_t>(year < 0 ? 0 : year) * 10000 + month * 100 + day, 8);
    put_decimal(buffer + 26, record.segment, 6);
    put_hex(buffer + 33, record.offset, 12);
    put_hex(buffer + 46, record.length, 8);
    put_hex(buffer + 55, record.id_hash, 16);
    buffer[k_stream_record_bytes - 1] = '\n';
    out.append(buffer, sizeof buffer);
}

static bool parse_hex(std::string_view text, uint64_t& value) {
    value = 0;
    for (char c : text) {
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (digit < 0)
            return false;
        value = value * 16 + static_cast<uint64_t>(digit);
    }
    return true;
}

static bool parse_decimal(std::string_view text, uint64_t& value) {
    value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return true;
}

bool decode_stream_record(std::string_view text, StreamRecord& record) {
    // 16 hex, 8 digits, 6 digits, 12 hex, 8 hex, 16 hex, separated by spaces.
    if (text.size() != k_stream_record_bytes || text[16] != ' ' || text[25] != ' ' || text[32] != ' ' ||
        text[45] != ' ' || text[54] != ' ' || text[71] != '\n')
        return false;
    uint64_t date = 0, segment = 0, length = 0;
    if (!parse_hex(text.substr(0, 16), record.seq) || !parse_decimal(text.substr(17, 8), date) ||
        !parse_decimal(text.substr(26, 6), segment) || !parse_hex(text.substr(33, 12), record.offset) ||
        !parse_hex(text.substr(46, 8), length) || !parse_hex(text.substr(55, 16), record.id_hash))
        return false;
    record.segment = static_cast<uint32_t>(segment);
    record.length = static_cast<uint32_t>(length);
    record.day = 0;
    if (record.present()) {
        auto year = static_cast<int>(date / 10000);
        auto month = static_cast<unsigned>(date / 100 % 100);
        auto day = static_cast<unsigned>(date % 100);
        if (month < 1 || month > 12 || day < 1 || day > 31)
            return false;
        record.day = days_from_civil(year, month, day);
    }
    return true;
}

std::string stream_file_name(std::string_view stream) {
    std::string name;
    name.reserve(std::min<size_t>(stream.size(), 80) + 22);
    for (char c : stream.substr(0, 80)) {
        bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
        name += safe ? c : '_';
    }
    if (!name.empty() && name[0] == '.')
        name[0] = '_';
    char hash[24];
    std::snprintf(hash, sizeof hash, "-%016" PRIx64 ".idx", fnv1a64(stream));
    return name + hash;
}

Result<std::vector<StreamRecord>> read_stream_records(const std::string& path) {
    Result<std::string> content = files::read(path);
    std::vector<StreamRecord> records;
    if (!content) {
        if (content.error().code == ErrorCode::not_found)
            return records;
        return std::move(content).error();
    }
    const std::string& text = *content;
    size_t count = text.size() / k_stream_record_bytes;
    records.resize(count);
    for (size_t i = 0; i < count; ++i) {
        if (!decode_stream_record(std::string_view(text).substr(i * k_stream_record_bytes, k_stream_record_bytes),
                                  records[i]))
            return make_error(ErrorCode::parse, "damaged stream index record " + std::to_string(i + 1),
                              Location {path, static_cast<int>(i + 1), {}}, "run `sc telemetry check --repair`");
    }
    return records;
}

}  // namespace sc::store
