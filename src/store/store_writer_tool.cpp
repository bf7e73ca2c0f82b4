// sc-store-writer: a small program the store's tests run as separate processes, so that
// concurrency and crash tests exercise real processes as a CLI would, not threads.
//
//   sc-store-writer ROOT events COUNT BATCH STREAMS [DURABILITY [INDEX_LOG_BYTES]]
//       appends COUNT events in batches of BATCH over STREAMS streams ("stream-<pid>-<n>"
//       when STREAMS is negative, else shared "stream-<n>"); after each acknowledged batch
//       prints "ack <seq> <id>" per event on stdout, unbuffered. A small INDEX_LOG_BYTES
//       makes the writer compact the index often.
//   sc-store-writer ROOT signals COUNT BATCH
//       appends COUNT trace lines, printing "ack <n>" per acknowledged batch.
// Exits 0 when done, 1 on the first failed append (the error on stderr).

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace {

void write_out(const std::string& text) {
    const char* data = text.data();
    size_t left = text.size();
    while (left > 0) {
        ssize_t wrote = ::write(STDOUT_FILENO, data, left);
        if (wrote <= 0)
            std::_Exit(3);
        data += wrote;
        left -= static_cast<size_t>(wrote);
    }
}

int fail(const sc::Error& error) {
    std::fprintf(stderr, "sc-store-writer: %s\n", error.describe().c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: sc-store-writer ROOT events|signals COUNT BATCH STREAMS [DURABILITY]\n");
        return 2;
    }
    std::string root = argv[1];
    std::string mode = argv[2];
    long count = std::atol(argv[3]);
    long batch = std::max(1L, std::atol(argv[4]));
    long streams = std::atol(argv[5]);
    sc::store::StoreOptions options;
    if (argc > 6 && !sc::store::parse_durability(argv[6], options.durability)) {
        std::fprintf(stderr, "sc-store-writer: unknown durability %s\n", argv[6]);
        return 2;
    }
    if (argc > 7)
        options.index_log_bytes = std::max(1L, std::atol(argv[7]));
    auto store = sc::store::Store::open(root, options);
    if (!store.ok())
        return fail(store.error());
    std::string pid = std::to_string(::getpid());
    for (long done = 0; done < count;) {
        long size = std::min(batch, count - done);
        if (mode == "signals") {
            std::vector<std::string> lines;
            for (long i = 0; i < size; ++i)
                lines.push_back(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"op-)" + pid + "-" +
                                std::to_string(done + i) + R"("}]}]}]})");
            if (auto status = store->append_signals(sc::store::Signal::traces, lines); !status.ok())
                return fail(status.error());
            write_out("ack " + std::to_string(size) + "\n");
        } else {
            std::vector<sc::store::NewEvent> events;
            for (long i = 0; i < size; ++i) {
                sc::store::NewEvent event;
                long n = done + i;
                long stream_count = streams < 0 ? -streams : std::max(1L, streams);
                event.stream =
                    (streams < 0 ? "stream-" + pid + "-" : std::string("stream-")) + std::to_string(n % stream_count);
                event.type = "Written";
                event.data_json = R"({"writer":)" + pid + R"(,"n":)" + std::to_string(n) + "}";
                events.push_back(std::move(event));
            }
            auto appended = store->append(std::move(events));
            if (!appended.ok())
                return fail(appended.error());
            std::string acks;
            for (const auto& event : *appended)
                acks += "ack " + std::to_string(event.seq) + " " + event.id + "\n";
            write_out(acks);
        }
        done += size;
    }
    return 0;
}
