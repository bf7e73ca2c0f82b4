#include "store/event_parser.hpp"

#include <simdjson.h>

#include "store/envelope.hpp"

namespace sc::store {

static_assert(k_parse_padding >= simdjson::SIMDJSON_PADDING, "lines need simdjson's padding after them");

namespace ondemand = simdjson::ondemand;

// Strings are unescaped into the parser's string buffer, which keeps every string of one
// document until the next iterate(): the views in EventView need no copies.
struct EventParser::Impl {
    ondemand::parser parser;
};

EventParser::EventParser() : m_impl(std::make_unique<Impl>()) {}
EventParser::~EventParser() = default;

namespace {

enum Field : unsigned {
    k_id = 1,
    k_seq = 2,
    k_stream = 4,
    k_version = 8,
    k_type = 16,
    k_time = 32,
    k_data = 64,
    k_meta = 128,
    k_required = 255,
};

bool read_string(ondemand::value value, std::string_view& out) {
    return value.get_string().get(out) == simdjson::SUCCESS;
}

// Iterating an object that failed to open is undefined behaviour in simdjson (the fuzzer
// found it), so this runs only on an object that opened.
bool read_meta(ondemand::object& meta, EventView& event) {
    for (auto meta_field_result : meta) {
        ondemand::field meta_field;
        std::string_view meta_key;
        if (std::move(meta_field_result).get(meta_field) != simdjson::SUCCESS ||
            meta_field.unescaped_key().get(meta_key) != simdjson::SUCCESS)
            return false;
        ondemand::value meta_value = meta_field.value();
        bool ok = true;
        if (meta_key == "trace_id") {
            ok = read_string(meta_value, event.trace_id);
        } else if (meta_key == "correlation_id") {
            ok = read_string(meta_value, event.correlation_id);
        } else if (meta_key == "schema_version") {
            int64_t schema = 0;
            ok = meta_value.get_int64().get(schema) == simdjson::SUCCESS && schema > 0 && schema < 1000;
            event.schema_version = static_cast<int>(schema);
        }  // other fields are skipped by moving to the next one
        if (!ok)
            return false;
    }
    return true;
}

}  // namespace

bool EventParser::parse(std::string_view line, size_t capacity, EventView& event) {
    event = EventView {};
    event.line = line;
    if (capacity < line.size() + k_parse_padding) {
        m_error = "internal: line given without padding";
        return false;
    }
    ondemand::document document;
    if (auto error = m_impl->parser.iterate(line.data(), line.size(), capacity).get(document); error) {
        m_error = simdjson::error_message(error);
        return false;
    }
    ondemand::object object;
    if (document.get_object().get(object) != simdjson::SUCCESS) {
        m_error = "not a JSON object";
        return false;
    }
    unsigned seen = 0;
    for (auto field_result : object) {
        ondemand::field field;
        if (std::move(field_result).get(field) != simdjson::SUCCESS) {
            m_error = "malformed field";
            return false;
        }
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
            m_error = "malformed key";
            return false;
        }
        ondemand::value value = field.value();
        bool ok = true;
        if (key == "id") {
            ok = read_string(value, event.id) && !event.id.empty();
            seen |= k_id;
        } else if (key == "seq") {
            // Seqs start at 1: the stream index uses 0 for "no line", so a line claiming seq 0
            // would be indexed as absent and never agree with the segments.
            ok = value.get_uint64().get(event.seq) == simdjson::SUCCESS && event.seq > 0;
            seen |= k_seq;
        } else if (key == "stream") {
            ok = read_string(value, event.stream) && !event.stream.empty();
            seen |= k_stream;
        } else if (key == "version") {
            ok = value.get_uint64().get(event.version) == simdjson::SUCCESS && event.version > 0;
            seen |= k_version;
        } else if (key == "type") {
            ok = read_string(value, event.type) && !event.type.empty();
            seen |= k_type;
        } else if (key == "time") {
            ok = read_string(value, event.time);
            seen |= k_time;
        } else if (key == "data") {
            ondemand::object data;
            ok = value.get_object().get(data) == simdjson::SUCCESS &&
                 data.raw_json().get(event.data) == simdjson::SUCCESS;
            seen |= k_data;
        } else if (key == "meta") {
            ondemand::object meta;
            ok = value.get_object().get(meta) == simdjson::SUCCESS && read_meta(meta, event);
            seen |= k_meta;
        }  // unknown fields (of later schema versions) are skipped by moving on
        if (!ok) {
            m_error = "bad value for \"" + std::string(key) + "\"";
            return false;
        }
    }
    const char* trailing = nullptr;
    if (document.current_location().get(trailing) == simdjson::SUCCESS) {
        m_error = "trailing content after the envelope";
        return false;
    }
    if ((seen & k_required) != k_required) {
        m_error = "missing envelope fields";
        return false;
    }
    if (!parse_fixed_time(event.time, event.time_unix_nanos)) {
        m_error = "bad value for \"time\"";
        return false;
    }
    return true;
}

bool EventParser::parse_copy(std::string_view line, EventView& event) {
    std::string buffer;
    buffer.reserve(line.size() + k_parse_padding);
    buffer.assign(line);
    buffer.append(k_parse_padding, ' ');
    m_copy.swap(buffer);
    if (!parse(std::string_view(m_copy.data(), line.size()), m_copy.size(), event))
        return false;
    event.line = line;
    return true;
}

}  // namespace sc::store
