// Fuzzes the segment reader: the input becomes an events segment and a traces segment of a
// scratch store, which is then scanned, checked, repaired and appended to. Nothing may crash,
// and after a repair the store must check clean and accept appends with the next seq.

#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "store/maintenance.hpp"
#include "store/reader.hpp"
#include "store/segment_file.hpp"
#include "store/store.hpp"
#include "util/files.hpp"

namespace {

std::string scratch_root() {
    static std::string root = [] {
        std::string pattern = (std::filesystem::exists("/dev/shm") ? std::string("/dev/shm") : std::string("/tmp")) +
                              "/sc-store-fuzz-XXXXXX";
        return std::string(::mkdtemp(pattern.data()));
    }();
    return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    std::string root = scratch_root() + "/store";
    std::filesystem::remove_all(root);
    sc::store::Layout layout(root);
    sc::store::SegmentId events {sc::store::Signal::events, 20'000, 1};
    sc::store::SegmentId traces {sc::store::Signal::traces, 20'000, 1};
    (void)sc::store::make_private_directories(layout.day_folder(sc::store::Signal::events, 20'000));
    (void)sc::store::make_private_directories(layout.day_folder(sc::store::Signal::traces, 20'000));
    (void)sc::files::write_atomic(layout.segment_path(events), input);
    (void)sc::files::write_atomic(layout.segment_path(traces), input);
    // A compressed copy of the input as a second day, read through the streaming decoder.
    if (auto packed = sc::store::zstd_compress(input); packed.ok()) {
        sc::store::SegmentId older {sc::store::Signal::events, 19'999, 1};
        (void)sc::store::make_private_directories(layout.day_folder(sc::store::Signal::events, 19'999));
        (void)sc::files::write_atomic(layout.segment_path(older, true), *packed);
    }

    sc::store::Reader reader(root);
    uint64_t events_seen = 0;
    (void)reader.read_events({}, [&](const sc::store::EventView&) { return ++events_seen, true; });
    (void)reader.read_stream("s", 1, [](const sc::store::EventView&) { return true; });
    (void)reader.read_signals(sc::store::Signal::traces, {}, [](std::string_view) { return true; });
    (void)sc::store::status(root);
    auto repaired = sc::store::check(root, sc::store::CheckMode::repair);
    if (repaired.ok()) {
        auto after = sc::store::check(root);
        // Seq gaps and duplicates in the input are reported, not repaired (there is nothing
        // safe to do with them); everything else must be clean after a repair.
        if (after.ok() && (after->corrupt_lines != 0 || after->torn_tails != 0 || after->index_problems != 0))
            __builtin_trap();
        auto store = sc::store::Store::open(root);
        if (store.ok()) {
            sc::store::NewEvent event;
            event.stream = "s";
            event.type = "T";
            (void)store->append(event);
        }
    }
    return 0;
}
