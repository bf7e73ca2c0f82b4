#include "ship/otlp_batch.hpp"

#include <nlohmann/json.hpp>

#include "util/json_check.hpp"
#include "util/json_string.hpp"

namespace sc::ship {

using telemetry::sdk::OtlpSignal;

telemetry::sdk::OtlpSignal otlp_signal_of(store::Signal signal) {
    switch (signal) {
        case store::Signal::traces:
            return OtlpSignal::traces;
        case store::Signal::metrics:
            return OtlpSignal::metrics;
        case store::Signal::logs:
        case store::Signal::events:
            return OtlpSignal::logs;
    }
    return OtlpSignal::logs;
}

std::string_view resource_key(OtlpSignal signal) {
    switch (signal) {
        case OtlpSignal::traces:
            return "resourceSpans";
        case OtlpSignal::metrics:
            return "resourceMetrics";
        case OtlpSignal::logs:
            return "resourceLogs";
    }
    return "resourceLogs";
}

bool resource_array_text(std::string_view line, std::string_view key, std::string& out) {
    // Fast path, the shape our exporters and receiver write: {"<key>":[ ... ]}. When the part
    // from '[' to the last ']' is a valid JSON array, the line is exactly that one-key object.
    size_t open = key.size() + 4;  // where '[' is in {"<key>":[
    if (line.size() >= open + 3 && line.substr(0, 2) == "{\"" && line.substr(2, key.size()) == key &&
        line.substr(2 + key.size(), 3) == "\":[" && line.substr(line.size() - 2) == "]}") {
        std::string_view array = line.substr(open, line.size() - open - 1);
        json::Checked checked = json::check(array);
        if (checked.verdict == json::Verdict::valid) {
            out.assign(array.substr(1, array.size() - 2));
            return true;
        }
        // Invalid here may still be a valid line of another shape ({"<key>":[...],"x":[]}).
    }
    // Anything else (other keys, spaces, numbers json::check leaves to a full parser): parse.
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        return false;
    auto found = parsed.find(std::string(key));
    if (found == parsed.end() || !found->is_array())
        return false;
    out.clear();
    for (const nlohmann::json& item : *found) {
        if (!out.empty())
            out += ',';
        out += item.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return true;
}

std::string event_log_record(const store::EventView& event, std::string_view span_id) {
    std::string out;
    out.reserve(event.line.size() + 400);
    std::string time = std::to_string(event.time_unix_nanos);
    out += "{\"timeUnixNano\":\"" + time + "\",\"observedTimeUnixNano\":\"" + time +
           "\",\"severityNumber\":9,\"severityText\":\"INFO\",\"body\":{\"stringValue\":";
    json::append_string_replacing_invalid(out, event.line);
    out += "},\"attributes\":[{\"key\":\"event.name\",\"value\":{\"stringValue\":";
    json::append_string_replacing_invalid(out, event.type);
    out += "}},{\"key\":\"scopecraft.event.id\",\"value\":{\"stringValue\":";
    json::append_string_replacing_invalid(out, event.id);
    out += "}},{\"key\":\"scopecraft.event.stream\",\"value\":{\"stringValue\":";
    json::append_string_replacing_invalid(out, event.stream);
    out += "}},{\"key\":\"scopecraft.event.seq\",\"value\":{\"intValue\":\"" + std::to_string(event.seq) + "\"}}]";
    // Ids only when they are what OTLP allows: 32 and 16 hex digits.
    auto hex = [](std::string_view id, size_t size) {
        if (id.size() != size)
            return false;
        for (char c : id)
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                return false;
        return true;
    };
    if (hex(event.trace_id, 32)) {
        out += ",\"traceId\":\"" + std::string(event.trace_id) + "\"";
        if (hex(span_id, 16))
            out += ",\"spanId\":\"" + std::string(span_id) + "\"";
    }
    out += '}';
    return out;
}

bool Batch::add_signal_line(std::string_view line) {
    std::string part;
    if (!resource_array_text(line, resource_key(otlp_signal_of(m_signal)), part))
        return false;
    ++m_lines;
    m_bytes += part.size() + 1;
    if (!part.empty())  // a request with no resources adds nothing to send
        m_parts.push_back(std::move(part));
    return true;
}

void Batch::add_event(const store::EventView& event, std::string_view span_id) {
    m_parts.push_back(event_log_record(event, span_id));
    ++m_lines;
    m_bytes += m_parts.back().size() + 1;
}

void Batch::clear() {
    m_parts.clear();
    m_lines = 0;
    m_bytes = 0;
}

std::string Batch::json_request() const {
    std::string key(resource_key(otlp_signal_of(m_signal)));
    std::string out;
    out.reserve(m_bytes + 200);
    out += "{\"" + key + "\":[";
    if (m_signal == store::Signal::events) {
        if (!m_parts.empty()) {
            out += R"({"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
                   R"("scopeLogs":[{"scope":{"name":"scopecraft.events"},"logRecords":[)";
            for (size_t i = 0; i < m_parts.size(); ++i) {
                if (i > 0)
                    out += ',';
                out += m_parts[i];
            }
            out += "]}]}";
        }
    } else {
        for (size_t i = 0; i < m_parts.size(); ++i) {
            if (i > 0)
                out += ',';
            out += m_parts[i];
        }
    }
    out += "]}";
    return out;
}

}  // namespace sc::ship
