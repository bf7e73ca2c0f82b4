// Fuzzes both ends of the watch service's exchange (tasks/watch_protocol.hpp): the first byte
// picks the side, the rest is what arrived on the socket. Even: a request as the service reads
// it; odd: an answer as the client reads it. Neither may crash or allocate past its input, and
// what they accept must hold what their callers rely on:
// - a request's roots and token lie on its first line, and a token the service takes renders
//   back to the same instance and seq;
// - an answer the client accepts carries a real token, names nothing when it says "anything",
//   and names only files inside a tree: a known tree, a relative path with no empty, "." or ".."
//   component and no NUL (the outside-edit check reads and records what it names); an answer it
//   refuses is no answer, and the caller checks the whole tree;
// - what parses survives being written again and parsed back.
//   ./fuzz/watch_protocol_fuzz /tmp/watch-corpus ../../tests/fuzz-corpus/watch_protocol -max_total_time=60

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tasks/watch_protocol.hpp"

namespace {

void check(bool holds) {
    if (!holds)
        __builtin_trap();
}

/// Inside its tree, checked here without the parser's own helpers.
bool inside_tree(std::string_view path) {
    if (path.empty() || path.front() == '/' || path.find('\0') != std::string_view::npos)
        return false;
    size_t start = 0;
    while (true) {
        size_t slash = path.find('/', start);
        std::string_view part = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
        if (part.empty() || part == "." || part == "..")
            return false;
        if (slash == std::string_view::npos)
            return true;
        start = slash + 1;
    }
}

void check_token(std::string_view token) {
    std::optional<sc::tasks::WatchToken> parsed = sc::tasks::parse_watch_token(token);
    if (!parsed)
        return;
    check(sc::tasks::hex16(parsed->instance) == token.substr(0, 16));
    std::optional<sc::tasks::WatchToken> again =
        sc::tasks::parse_watch_token(sc::tasks::hex16(parsed->instance) + "-" + std::to_string(parsed->seq));
    check(again && again->instance == parsed->instance && again->seq == parsed->seq);
}

void fuzz_request(std::string_view bytes) {
    std::optional<sc::tasks::WatchRequest> request = sc::tasks::parse_watch_request(bytes);
    if (!request)
        return;
    std::string line = std::string(sc::tasks::k_watch_protocol) + " " + std::string(request->roots) + " " +
                       std::string(request->token);
    check(bytes.starts_with(line + "\n"));
    check(request->roots.find(' ') == std::string_view::npos && request->roots.find('\n') == std::string_view::npos);
    check(request->token.find('\n') == std::string_view::npos);
    check_token(request->token);
    // What a client writes for this token is read back as it (no token is written "-").
    std::string made = sc::tasks::watch_request(7, request->token);  // the views below point into it
    std::optional<sc::tasks::WatchRequest> again = sc::tasks::parse_watch_request(made);
    check(again && again->token == (request->token.empty() ? "-" : request->token) &&
          again->roots == sc::tasks::hex16(7));
}

std::string written(const sc::tasks::WatchAnswer& answer) {
    std::string out(sc::tasks::k_watch_protocol);
    if (answer.anything)
        return out + " anything " + answer.token + "\n";
    out += " files " + answer.token + " " + std::to_string(answer.files.size()) + "\n";
    for (const std::string& key : answer.files)
        out += key + "\n";
    return out;
}

void fuzz_answer(std::string_view bytes) {
    std::optional<sc::tasks::WatchAnswer> answer = sc::tasks::parse_watch_answer(bytes);
    if (!answer)
        return;
    check(sc::tasks::parse_watch_token(answer->token).has_value());
    check(!answer->anything || answer->files.empty());
    check(answer->files.size() <= bytes.size());
    for (const std::string& key : answer->files) {
        auto split = sc::tasks::split_model_key(key);
        check(split.has_value());
        check(key == std::string(sc::tasks::to_string(split->first)) + ":" + std::string(split->second));
        check(inside_tree(split->second));
        check(key.find('\n') == std::string::npos);  // one key, one line
    }
    std::optional<sc::tasks::WatchAnswer> again = sc::tasks::parse_watch_answer(written(*answer));
    check(again && again->anything == answer->anything && again->token == answer->token &&
          again->files == answer->files);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0)
        return 0;
    std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    if ((data[0] & 1) == 0)
        fuzz_request(bytes);
    else
        fuzz_answer(bytes);
    // A model key on its own, as the callers split what the client accepted.
    if (auto split = sc::tasks::split_model_key(bytes))
        check(inside_tree(split->second));
    return 0;
}
