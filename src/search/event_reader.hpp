#pragma once
// What the index takes of an event's data, read with simdjson On-Demand without building a JSON
// tree: the text event_doc indexes (its string and integer values in nlohmann::json's order,
// keys sorted, without file contents and section bodies), the task id, and the files a change
// record names. Parsing the data whole with nlohmann::json (file contents included) was a
// quarter of the index's catch-up after a `task create` (docs/performance.md, "Search").

#include <string>
#include <string_view>
#include <vector>

namespace sc::search {

struct EventData {
    bool object = false;  // the data is a JSON object
    std::string text;     // collect_text's output (sources.cpp), untruncated
    std::string task_id;  // "taskId", when a string
    struct File {
        std::string tree = "store", kind, path, old_path;
    };
    std::vector<File> files;  // "files": its objects' tree, kind, path and oldPath
};

/// False (and `out` unusable) when the data holds anything this reader does not mirror exactly:
/// JSON that is not valid, a number that is not an integer of 64 bits, a key given twice in an
/// object, a files entry whose tree, kind, path or oldPath is not a string, `capacity` (readable
/// bytes from data.data()) under data.size() + 64. The caller then parses it with nlohmann.
bool read_event_data(std::string_view data, size_t capacity, EventData& out);

}  // namespace sc::search
