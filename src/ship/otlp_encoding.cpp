#include "ship/otlp_encoding.hpp"

#include <nlohmann/json.hpp>

#include "util/text.hpp"

namespace sc::ship {

namespace {

bool is_json(const HttpResponse& response) {
    std::string type = text::to_lower_ascii(response.content_type);
    if (type.find("json") != std::string::npos)
        return true;
    if (type.find("protobuf") != std::string::npos)
        return false;
    return !response.body.empty() && response.body.front() == '{';
}

// A minimal protobuf reader for the two small messages we read back: varints and
// length-delimited fields of the top-level message, skipping everything else.
struct ProtoReader {
    std::string_view bytes;
    size_t position = 0;

    bool varint(uint64_t& value) {
        value = 0;
        for (int shift = 0; shift < 64 && position < bytes.size(); shift += 7) {
            auto byte = static_cast<uint8_t>(bytes[position++]);
            value |= static_cast<uint64_t>(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0)
                return true;
        }
        return false;
    }
    /// Calls visit(field, wire_type, varint, bytes) for each field; false on malformed input.
    template <class Visit>
    bool each(Visit visit) {
        while (position < bytes.size()) {
            uint64_t key = 0;
            if (!varint(key))
                return false;
            auto field = static_cast<uint32_t>(key >> 3);
            auto wire = static_cast<uint32_t>(key & 7);
            uint64_t number = 0;
            std::string_view payload;
            if (wire == 0) {
                if (!varint(number))
                    return false;
            } else if (wire == 2) {
                uint64_t size = 0;
                if (!varint(size) || size > bytes.size() - position)
                    return false;
                payload = bytes.substr(position, size);
                position += size;
            } else if (wire == 1 || wire == 5) {
                size_t size = wire == 1 ? 8 : 4;
                if (size > bytes.size() - position)
                    return false;
                position += size;
            } else {
                return false;
            }
            visit(field, wire, number, payload);
        }
        return true;
    }
};

std::string printable(std::string_view text, size_t limit) {
    std::string out;
    for (char c : text.substr(0, limit)) {
        auto byte = static_cast<unsigned char>(c);
        out += byte == '\n' || byte == '\r' || byte == '\t' ? ' ' : (byte < 0x20 || byte == 0x7F ? '?' : c);
    }
    if (text.size() > limit)
        out += "...";
    return std::string(text::trim(out));
}

}  // namespace

Result<EncodedRequest> encode_request(const Batch& batch, telemetry::sdk::OtlpProtocol protocol) {
    std::string json = batch.json_request();
    if (protocol == telemetry::sdk::OtlpProtocol::http_json)
        return EncodedRequest {std::move(json), "application/json"};
    std::string body = SC_TRY(json_request_to_protobuf(otlp_signal_of(batch.signal()), json));
    return EncodedRequest {std::move(body), "application/x-protobuf"};
}

PartialSuccess partial_success(const HttpResponse& response) {
    PartialSuccess result;
    if (response.body.empty())
        return result;
    if (is_json(response)) {
        nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
        if (!parsed.is_object() || !parsed.contains("partialSuccess") || !parsed["partialSuccess"].is_object())
            return result;
        for (const auto& [key, value] : parsed["partialSuccess"].items()) {
            if (key == "errorMessage" && value.is_string())
                result.error_message = value.get<std::string>();
            else if (key.starts_with("rejected") && value.is_string())
                result.rejected = std::strtoull(value.get<std::string>().c_str(), nullptr, 10);
            else if (key.starts_with("rejected") && value.is_number_unsigned())
                result.rejected = value.get<uint64_t>();
        }
        return result;
    }
    ProtoReader response_reader {response.body};
    response_reader.each([&](uint32_t field, uint32_t wire, uint64_t, std::string_view payload) {
        if (field != 1 || wire != 2)
            return;
        ProtoReader inner {payload};
        inner.each([&](uint32_t inner_field, uint32_t inner_wire, uint64_t number, std::string_view text) {
            if (inner_field == 1 && inner_wire == 0)
                result.rejected = number;
            else if (inner_field == 2 && inner_wire == 2)
                result.error_message = std::string(text);
        });
    });
    return result;
}

std::string refusal_message(const HttpResponse& response) {
    if (response.body.empty())
        return "";
    if (is_json(response)) {
        nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
        if (parsed.is_object() && parsed.contains("message") && parsed["message"].is_string())
            return printable(parsed["message"].get<std::string>(), 300);
        return printable(response.body, 300);
    }
    std::string message;
    ProtoReader reader {response.body};
    bool ok = reader.each([&](uint32_t field, uint32_t wire, uint64_t, std::string_view payload) {
        if (field == 2 && wire == 2)  // google.rpc.Status.message
            message = std::string(payload);
    });
    if (ok && !message.empty())
        return printable(message, 300);
    return printable(response.body, 300);
}

}  // namespace sc::ship
