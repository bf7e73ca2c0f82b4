#include "store/envelope.hpp"

#include "util/json_check.hpp"
#include "util/json_string.hpp"

#include <pthread.h>
#include <sys/random.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <cstring>

#include <simdjson.h>

#include "store/layout.hpp"
#include "util/swar.hpp"
#include "util/text.hpp"

namespace sc::store {

namespace {

// One generator per thread (splitmix64 over a getrandom seed: cheap to seed, unlike a
// Mersenne Twister with a seed sequence), reseeded in a forked child so parent and child
// never share ids.
thread_local uint64_t t_random_state = 0;
thread_local bool t_seeded = false;
bool g_fork_handler_installed = false;

void mark_unseeded_after_fork() {
    t_seeded = false;
}

uint64_t next_random() {
    if (!t_seeded) {
        if (!g_fork_handler_installed) {
            g_fork_handler_installed = true;
            ::pthread_atfork(nullptr, nullptr, &mark_unseeded_after_fork);
        }
        uint64_t seed = 0;
        if (::getrandom(&seed, sizeof seed, 0) != static_cast<ssize_t>(sizeof seed))
            seed = static_cast<uint64_t>(::getpid()) * 0x9E3779B97F4A7C15ULL ^ reinterpret_cast<uintptr_t>(&seed);
        t_random_state = seed;
        t_seeded = true;
    }
    uint64_t z = (t_random_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

constexpr char k_hex[] = "0123456789abcdef";

void put_digits(char* out, uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace

std::string make_uuid_v7(int64_t unix_nanos) {
    uint64_t millis = static_cast<uint64_t>(unix_nanos / 1'000'000);
    uint64_t random_a = next_random();
    uint64_t random_b = next_random();
    uint8_t bytes[16];
    for (int i = 0; i < 6; ++i)
        bytes[i] = static_cast<uint8_t>(millis >> (8 * (5 - i)));
    bytes[6] = static_cast<uint8_t>(0x70 | ((random_a >> 8) & 0x0F));
    bytes[7] = static_cast<uint8_t>(random_a);
    bytes[8] = static_cast<uint8_t>(0x80 | ((random_b >> 56) & 0x3F));
    for (int i = 9; i < 16; ++i)
        bytes[i] = static_cast<uint8_t>(random_b >> (8 * (15 - i)));
    // Written into a fixed buffer: this runs once per appended event.
    char text[36];
    char* cursor = text;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *cursor++ = '-';
        *cursor++ = k_hex[bytes[i] >> 4];
        *cursor++ = k_hex[bytes[i] & 0x0F];
    }
    return std::string(text, sizeof text);
}

namespace {

// The envelope's time, "2026-11-27T19:16:00.123456789Z", into 30 bytes. Every event of a batch
// has the same time: it is formatted once.
const char* fixed_time(int64_t unix_nanos) {
    thread_local int64_t t_last = INT64_MIN;
    thread_local char t_text[30];
    if (unix_nanos == t_last)
        return t_text;
    Day day = day_of_unix_nanos(unix_nanos);
    int64_t within_day = unix_nanos - unix_nanos_of_day(day);
    int year = 0;
    unsigned month = 0, day_of_month = 0;
    civil_from_days(day, year, month, day_of_month);
    int64_t seconds = within_day / 1'000'000'000;
    char buffer[30] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0',
                       '0', ':', '0', '0', '.', '0', '0', '0', '0', '0', '0', '0', '0', '0', 'Z'};
    put_digits(buffer, static_cast<uint64_t>(year < 0 ? 0 : year), 4);
    put_digits(buffer + 5, month, 2);
    put_digits(buffer + 8, day_of_month, 2);
    put_digits(buffer + 11, static_cast<uint64_t>(seconds / 3600), 2);
    put_digits(buffer + 14, static_cast<uint64_t>(seconds / 60 % 60), 2);
    put_digits(buffer + 17, static_cast<uint64_t>(seconds % 60), 2);
    put_digits(buffer + 20, static_cast<uint64_t>(within_day % 1'000'000'000), 9);
    std::memcpy(t_text, buffer, sizeof buffer);
    t_last = unix_nanos;
    return t_text;
}

}  // namespace

void append_time(std::string& out, int64_t unix_nanos) {
    out.append(fixed_time(unix_nanos), 30);
}

bool parse_fixed_time(std::string_view text, int64_t& unix_nanos) {
    static constexpr char k_shape[] = "dddd-dd-ddTdd:dd:dd.dddddddddZ";
    if (text.size() != 30)
        return false;
    for (size_t i = 0; i < 30; ++i) {
        bool digit = text[i] >= '0' && text[i] <= '9';
        if (k_shape[i] == 'd' ? !digit : text[i] != k_shape[i])
            return false;
    }
    auto number = [&](size_t from, size_t width) {
        int64_t value = 0;
        for (size_t i = from; i < from + width; ++i)
            value = value * 10 + (text[i] - '0');
        return value;
    };
    int64_t month = number(5, 2), day = number(8, 2), hour = number(11, 2), minute = number(14, 2),
            second = number(17, 2);
    // int64 nanoseconds reach from 1677 to 2262; anything outside is not a time we wrote.
    int64_t year = number(0, 4);
    if (year < 1678 || year > 2261 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
        second > 60)
        return false;
    Day days =
        days_from_civil(static_cast<int>(number(0, 4)), static_cast<unsigned>(month), static_cast<unsigned>(day));
    unix_nanos = unix_nanos_of_day(days) + ((hour * 60 + minute) * 60 + second) * 1'000'000'000 + number(20, 9);
    return true;
}

// The error is built only on failure: this runs for nine fields of every appended event.
static Status text_error(const std::string& value, const char* field) {
    if (value.empty())
        return make_error(ErrorCode::invalid_argument, std::string("event has no ") + field, Location {{}, 0, field},
                          std::string("give the event a ") + field);
    size_t bad = 0;
    text::is_valid_utf8(value, &bad);
    return make_error(ErrorCode::invalid_argument,
                      std::string("event ") + field + " is not valid UTF-8 at byte " + std::to_string(bad),
                      Location {{}, 0, field}, "pass UTF-8 text");
}

bool is_valid_text(std::string_view text) {
    return text::is_valid_utf8(text);  // ASCII runs are skipped eight bytes at a time
}

static bool text_ok(const std::string& value, bool required) {
    if (value.empty())
        return !required;
    return text::is_valid_utf8(value);
}

#define SC_REQUIRE_TEXT(value, field, required) \
    if (!text_ok(value, required))              \
    return text_error(value, field)

Status validate_new_event(NewEvent& event) {
    SC_REQUIRE_TEXT(event.stream, "stream", true);
    SC_REQUIRE_TEXT(event.type, "type", true);
    SC_REQUIRE_TEXT(event.id, "id", false);
    SC_REQUIRE_TEXT(event.meta.trace_id, "meta.trace_id", false);
    SC_REQUIRE_TEXT(event.meta.span_id, "meta.span_id", false);
    SC_REQUIRE_TEXT(event.meta.correlation_id, "meta.correlation_id", false);
    SC_REQUIRE_TEXT(event.meta.causation_id, "meta.causation_id", false);
    SC_REQUIRE_TEXT(event.meta.actor, "meta.actor", false);
    SC_REQUIRE_TEXT(event.meta.host, "meta.host", false);
    if (event.data_json.empty() || event.data_json == "{}") {
        event.data_json = "{}";
        return {};
    }
    auto bad_data = [](std::string why, size_t offset) {
        if (offset != std::string::npos)
            why += " (at byte " + std::to_string(offset) + ")";
        return make_error(ErrorCode::invalid_argument, "event data is not a JSON object: " + why,
                          Location {{}, 0, "data"}, "pass the event's fields as one JSON object");
    };
    // One pass decides nearly every text: valid, compact (what nlohmann's dump() writes), an
    // object. Such data is stored as given, without a copy. A line readers could not parse
    // would be an event lost, so anything else goes through simdjson, the readers' parser.
    json::Checked checked = json::check(event.data_json);
    if (checked.verdict == json::Verdict::invalid)
        return bad_data(checked.why, checked.offset);
    if (checked.verdict == json::Verdict::valid && !checked.object)
        return bad_data("it is not an object", std::string::npos);
    if (checked.verdict == json::Verdict::valid && checked.compact)
        return {};
    // Pretty-printed (it may hold newlines) or undecided: minified, then parsed in full.
    thread_local simdjson::dom::parser t_parser;
    thread_local std::string t_compact;  // reused: no allocation per event
    if (t_compact.size() < event.data_json.size() + simdjson::SIMDJSON_PADDING)
        t_compact.resize(event.data_json.size() + simdjson::SIMDJSON_PADDING);
    char* compact = t_compact.data();
    size_t compact_length = 0;
    if (simdjson::minify(event.data_json.data(), event.data_json.size(), compact, compact_length) != simdjson::SUCCESS)
        return bad_data("it could not be read", std::string::npos);
    simdjson::dom::element root;
    auto error = t_parser.parse(compact, compact_length, false).get(root);
    if (error != simdjson::SUCCESS)
        return bad_data(simdjson::error_message(error), std::string::npos);
    if (root.type() != simdjson::dom::element_type::OBJECT)
        return bad_data("it is not an object", std::string::npos);
    event.data_json.assign(compact, compact_length);
    return {};
}

namespace {

/// The decimal digits of `value`, written backwards from the end of `buffer`.
struct Decimal {
    char buffer[20];
    char* begin;

    explicit Decimal(uint64_t value) : begin(buffer + sizeof buffer) {
        do {
            *--begin = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0);
    }
    [[nodiscard]] std::string_view text() const { return {begin, static_cast<size_t>(buffer + sizeof buffer - begin)}; }
};

/// Writes a line into space reserved for it in `out`: no capacity check per piece. A string
/// that needs escaping (rare in an envelope: ids, hex trace ids, stream and type names do not)
/// is escaped by the shared escaper and makes room for its extra bytes.
class LineWriter {
public:
    LineWriter(std::string& out, size_t bound) : m_out(out) {
        size_t start = out.size();
        out.resize(start + bound);
        m_at = out.data() + start;
    }
    /// Drops the reserved space left over.
    ~LineWriter() { m_out.resize(static_cast<size_t>(m_at - m_out.data())); }
    LineWriter(const LineWriter&) = delete;
    LineWriter& operator=(const LineWriter&) = delete;

    template <size_t N>
    void literal(const char (&text)[N]) {
        std::memcpy(m_at, text, N - 1);
        m_at += N - 1;
    }
    void bytes(std::string_view text) {
        std::memcpy(m_at, text.data(), text.size());
        m_at += text.size();
    }
    void character(char c) { *m_at++ = c; }
    void quoted(std::string_view text) {
        if (!json::needs_escape(text)) {
            character('"');
            bytes(text);
            character('"');
            return;
        }
        std::string escaped;
        json::append_string(escaped, text);
        size_t used = static_cast<size_t>(m_at - m_out.data());
        m_out.resize(m_out.size() + escaped.size() - text.size() - 2);  // the bound counted the text and quotes
        m_at = m_out.data() + used;
        bytes(escaped);
    }
    void number(uint64_t value) { bytes(Decimal(value).text()); }
    template <size_t N>
    void meta_field(const char (&name)[N], const std::string& value) {
        if (value.empty())
            return;
        literal(name);
        quoted(value);
        character(',');
    }

private:
    std::string& m_out;
    char* m_at = nullptr;
};

}  // namespace

void append_envelope_line(std::string& out, const NewEvent& event, uint64_t seq, uint64_t version,
                          int64_t time_unix_nanos, int64_t pid) {
    const EventMeta& meta = event.meta;
    size_t bound = k_envelope_frame_bytes + event.data_json.size() + event.id.size() + event.stream.size() +
                   event.type.size() + meta.trace_id.size() + meta.span_id.size() + meta.correlation_id.size() +
                   meta.causation_id.size() + meta.actor.size() + meta.host.size();
    LineWriter line(out, bound);
    line.literal("{\"id\":");
    line.quoted(event.id);
    line.literal(",\"seq\":");
    line.number(seq);
    line.literal(",\"stream\":");
    line.quoted(event.stream);
    line.literal(",\"version\":");
    line.number(version);
    line.literal(",\"type\":");
    line.quoted(event.type);
    line.literal(",\"time\":\"");
    line.bytes(std::string_view(fixed_time(time_unix_nanos), 30));
    line.literal("\",\"data\":");
    line.bytes(event.data_json);
    line.literal(",\"meta\":{");
    line.meta_field("\"trace_id\":", meta.trace_id);
    line.meta_field("\"span_id\":", meta.span_id);
    line.meta_field("\"correlation_id\":", meta.correlation_id);
    line.meta_field("\"causation_id\":", meta.causation_id);
    line.meta_field("\"actor\":", meta.actor);
    line.meta_field("\"host\":", meta.host);
    line.literal("\"pid\":");
    int64_t effective_pid = meta.pid != 0 ? meta.pid : pid;
    if (effective_pid < 0) {
        line.character('-');
        effective_pid = -effective_pid;
    }
    line.number(static_cast<uint64_t>(effective_pid));
    line.literal(",\"schema_version\":");
    line.number(static_cast<uint64_t>(meta.schema_version < 0 ? 0 : meta.schema_version));
    line.literal("}}\n");
}

}  // namespace sc::store
