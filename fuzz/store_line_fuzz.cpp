// Fuzzes everything that reads one stored line or record: the envelope parser, the index
// record and head decoders, segment path parsing, and the OTLP time scan. None may crash,
// and what the parser accepts must survive a round trip through the writer.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/envelope.hpp"
#include "store/event_parser.hpp"
#include "store/head.hpp"
#include "store/reader.hpp"
#include "store/stream_index.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    sc::store::EventParser parser;
    sc::store::EventView event;
    if (parser.parse_copy(input, event)) {
        // Re-encode what was read; the writer's line must parse back to the same fields.
        sc::store::NewEvent again;
        again.id = std::string(event.id);
        again.stream = std::string(event.stream);
        again.type = std::string(event.type);
        again.data_json = std::string(event.data);
        uint64_t seq = event.seq, version = event.version;
        int64_t time = event.time_unix_nanos;
        if (sc::store::validate_new_event(again).ok()) {
            std::string line;
            sc::store::append_envelope_line(line, again, seq, version, time, 1);
            line.pop_back();
            sc::store::EventParser second;
            sc::store::EventView reread;
            if (!second.parse_copy(line, reread) || reread.seq != seq || reread.version != version ||
                reread.stream != again.stream || reread.type != again.type || reread.id != again.id)
                __builtin_trap();
        }
    }
    sc::store::StreamRecord record;
    (void)sc::store::decode_stream_record(input, record);
    sc::store::HeadState head;
    (void)sc::store::decode_head(input, head);
    sc::store::SegmentId id;
    bool compressed = false;
    (void)sc::store::parse_segment_path(input, id, compressed);
    int64_t earliest = 0, latest = 0;
    (void)sc::store::otlp_time_bounds(input, earliest, latest);
    int64_t nanos = 0;
    (void)sc::store::parse_fixed_time(input, nanos);
    return 0;
}
