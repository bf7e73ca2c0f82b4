#include "sessions/stream_json.hpp"

#include <nlohmann/json.hpp>

namespace sc::sessions {

namespace {

using Json = nlohmann::json;

int64_t int_at(const Json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_number() ? found->get<int64_t>() : 0;
}

std::string string_at(const Json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

Tokens tokens_of(const Json& usage) {
    Tokens tokens;
    if (!usage.is_object())
        return tokens;
    tokens.input = int_at(usage, "input_tokens");
    tokens.output = int_at(usage, "output_tokens");
    tokens.cache_read = int_at(usage, "cache_read_input_tokens");
    tokens.cache_creation = int_at(usage, "cache_creation_input_tokens");
    return tokens;
}

std::string cut(std::string text, size_t most) {
    if (text.size() <= most)
        return text;
    size_t end = most;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;  // not in the middle of a UTF-8 sequence
    text.resize(end);
    return text + "…";
}

}  // namespace

std::vector<ToolUse> StreamJsonParser::feed(std::string_view line) {
    std::vector<ToolUse> finished;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
        line.remove_suffix(1);
    if (line.empty())
        return finished;
    ++m_tally.lines;
    Json object = Json::parse(line, nullptr, false);
    if (object.is_discarded() || !object.is_object()) {
        ++m_tally.bad_lines;
        return finished;
    }
    if (std::string id = string_at(object, "session_id"); !id.empty())
        m_tally.agent_session_id = id;
    std::string type = string_at(object, "type");
    if (type == "system") {
        if (std::string model = string_at(object, "model"); !model.empty())
            m_tally.model = model;
    } else if (type == "assistant") {
        const Json& message = object.contains("message") ? object["message"] : Json::object();
        if (!message.is_object())
            return finished;
        // Streaming may repeat a message (one line per content block): count it once.
        std::string id = string_at(message, "id");
        bool first = id.empty() || m_messages_seen.emplace(id, true).second;
        if (first) {
            ++m_tally.assistant_messages;
            Tokens tokens = tokens_of(message.value("usage", Json::object()));
            m_message_tokens.input += tokens.input;
            m_message_tokens.output += tokens.output;
            m_message_tokens.cache_read += tokens.cache_read;
            m_message_tokens.cache_creation += tokens.cache_creation;
            if (!m_tally.has_result)
                m_tally.tokens = m_message_tokens;
        }
        if (std::string model = string_at(message, "model"); !model.empty() && m_tally.model.empty())
            m_tally.model = model;
        auto content = message.find("content");
        if (content != message.end() && content->is_array())
            for (const Json& block : *content)
                if (block.is_object() && string_at(block, "type") == "tool_use") {
                    std::string use = string_at(block, "id");
                    if (m_pending.count(use) == 0) {
                        m_pending[use] = string_at(block, "name");
                        ++m_tally.tools_used;
                        ++m_tally.tool_counts[m_pending[use]];
                    }
                }
    } else if (type == "user") {
        const Json& message = object.contains("message") ? object["message"] : Json::object();
        auto content = message.is_object() ? message.find("content") : message.end();
        if (message.is_object() && content != message.end() && content->is_array())
            for (const Json& block : *content) {
                if (!block.is_object() || string_at(block, "type") != "tool_result")
                    continue;
                auto pending = m_pending.find(string_at(block, "tool_use_id"));
                if (pending == m_pending.end())
                    continue;  // a result without its use: nothing to pair it with
                ToolUse use;
                use.id = pending->first;
                use.name = pending->second;
                use.finished = true;
                use.failed = block.value("is_error", false) == true;
                if (use.failed)
                    ++m_tally.tools_failed;
                m_pending.erase(pending);
                finished.push_back(std::move(use));
            }
    } else if (type == "result") {
        m_tally.has_result = true;
        m_tally.result_subtype = string_at(object, "subtype");
        m_tally.result_is_error = object.value("is_error", false) == true;
        if (object.contains("num_turns") && object["num_turns"].is_number())
            m_tally.turns = int_at(object, "num_turns");
        if (object.contains("duration_ms") && object["duration_ms"].is_number())
            m_tally.duration_ms = int_at(object, "duration_ms");
        if (object.contains("total_cost_usd") && object["total_cost_usd"].is_number())
            m_tally.cost_usd = object["total_cost_usd"].get<double>();
        if (object.contains("usage") && object["usage"].is_object())
            m_tally.tokens = tokens_of(object["usage"]);
        std::string text = string_at(object, "result");
        if (text.empty() && object.contains("errors") && object["errors"].is_array() && !object["errors"].empty())
            text =
                object["errors"][0].is_string() ? object["errors"][0].get<std::string>() : object["errors"][0].dump();
        m_tally.result_text = cut(std::move(text), 500);
    }
    return finished;
}

std::vector<ToolUse> StreamJsonParser::unfinished() const {
    std::vector<ToolUse> uses;
    for (const auto& [id, name] : m_pending)
        uses.push_back({id, name, false, false});
    return uses;
}

}  // namespace sc::sessions
