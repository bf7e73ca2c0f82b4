#pragma once
// What both receiver fuzzers check on every input (the first byte picks the signal, the rest is
// the body): decoding never crashes; the answer is 200 or 400 with a response in the request's
// encoding; a stored line is one line of valid JSON; and reading the stored line back as OTLP
// JSON reaches a fixed point (the second round writes what the first wrote).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "google/rpc/status.pb.h"
#include "receiver/otlp_request.hpp"

namespace sc::fuzz {

inline void check_receiver(const uint8_t* data, size_t size, receiver::Encoding encoding) {
    if (size == 0)
        return;
    const store::Signal signals[] = {store::Signal::traces, store::Signal::metrics, store::Signal::logs};
    store::Signal signal = signals[data[0] % 3];
    std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    receiver::Decoded decoded = receiver::decode_request(signal, encoding, body);
    if (decoded.status != 200 && decoded.status != 400)
        std::abort();
    if (decoded.status == 400) {
        if (!decoded.line.empty())
            std::abort();
        if (encoding == receiver::Encoding::json) {
            if (nlohmann::json::parse(decoded.response, nullptr, false).is_discarded())
                std::abort();
        } else {
            google::rpc::Status status;
            if (!status.ParseFromString(decoded.response))
                std::abort();
        }
        return;
    }
    if (decoded.line.empty())
        return;
    if (decoded.line.find('\n') != std::string::npos)
        std::abort();
    if (nlohmann::json::parse(decoded.line, nullptr, false).is_discarded())
        std::abort();
    receiver::Decoded again = receiver::decode_request(signal, receiver::Encoding::json, decoded.line);
    if (again.status != 200 || again.rejected != 0 || again.accepted != decoded.accepted)
        std::abort();
    receiver::Decoded third = receiver::decode_request(signal, receiver::Encoding::json, again.line);
    if (third.line != again.line)
        std::abort();
}

}  // namespace sc::fuzz
