#pragma once
// Shared by the store's tests: a private temporary folder and small helpers.

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/reader.hpp"
#include "store/store.hpp"
#include "util/files.hpp"

namespace sc::store::testing {

/// A fresh folder under TMPDIR (or /tmp), removed with everything in it at the end.
class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/sc-store-test-XXXXXX";
        m_path = ::mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::permissions(m_path, std::filesystem::perms::owner_all, ignored);
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] std::string path(const std::string& relative) const { return m_path + "/" + relative; }

private:
    std::string m_path;
};

inline NewEvent make_event(std::string stream, std::string type, std::string data = "{}") {
    NewEvent event;
    event.stream = std::move(stream);
    event.type = std::move(type);
    event.data_json = std::move(data);
    return event;
}

/// Every event of the store in seq order, as owned copies of (seq, stream, version, type, id).
struct Copied {
    uint64_t seq;
    std::string stream;
    uint64_t version;
    std::string type;
    std::string id;
    std::string line;
};

inline std::vector<Copied> collect(Reader& reader, const EventQuery& query = {}, ReadStats* stats_out = nullptr) {
    std::vector<Copied> events;
    auto stats = reader.read_events(query, [&](const EventView& event) {
        events.push_back(Copied {event.seq, std::string(event.stream), event.version, std::string(event.type),
                                 std::string(event.id), std::string(event.line)});
        return true;
    });
    if (stats_out != nullptr && stats.ok())
        *stats_out = *stats;
    return events;
}

}  // namespace sc::store::testing
