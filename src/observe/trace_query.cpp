#include "observe/trace_query.hpp"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

namespace sc::observe {

namespace {

constexpr const char* k_forms =
    "use name:TEXT, service:TEXT, status:error, dur>2s, dur<50ms, attr.KEY=VALUE, task:ID, session:ID or a bare word";

// Words split on spaces; double quotes keep spaces inside a word and are removed.
Result<std::vector<std::string>> split_words(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    bool quoted = false;
    bool any = false;
    for (char c : text) {
        if (c == '"') {
            quoted = !quoted;
            any = true;
        } else if (!quoted && (c == ' ' || c == '\t' || c == '\n')) {
            if (any)
                words.push_back(std::move(word));
            word.clear();
            any = false;
        } else {
            word += c;
            any = true;
        }
    }
    if (quoted)
        return make_error(ErrorCode::invalid_argument, "a double quote is not closed in \"" + std::string(text) + "\"",
                          "close the quote: name:\"task create\"");
    if (any)
        words.push_back(std::move(word));
    return words;
}

Error bad_word(const std::string& word, const std::string& why) {
    return Error {ErrorCode::invalid_argument, "\"" + word + "\" in the trace filter: " + why, {}, k_forms};
}

}  // namespace

std::optional<int64_t> parse_duration(std::string_view text) {
    size_t unit = text.find_first_not_of("0123456789.");
    if (unit == 0 || unit == std::string_view::npos)
        return std::nullopt;
    double number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + unit, number);
    if (error != std::errc() || end != text.data() + unit || !std::isfinite(number))
        return std::nullopt;
    std::string_view suffix = text.substr(unit);
    double scale = 0;
    if (suffix == "ns")
        scale = 1;
    else if (suffix == "us" || suffix == "µs")
        scale = 1e3;
    else if (suffix == "ms")
        scale = 1e6;
    else if (suffix == "s")
        scale = 1e9;
    else if (suffix == "m")
        scale = 60e9;
    else if (suffix == "h")
        scale = 3600e9;
    else
        return std::nullopt;
    double nanos = number * scale;
    if (nanos > 9e18)
        return std::nullopt;
    return static_cast<int64_t>(std::llround(nanos));
}

Status parse_trace_query(std::string_view text, TraceFilter& filter) {
    std::vector<std::string> words = SC_TRY(split_words(text));
    for (const std::string& word : words) {
        std::string_view view = word;
        if (view.substr(0, 3) == "dur" && view.size() > 3 && (view[3] == '>' || view[3] == '<')) {
            bool at_least = view[3] == '>';
            size_t skip = view.size() > 4 && view[4] == '=' ? 5 : 4;
            std::optional<int64_t> nanos = parse_duration(view.substr(skip));
            if (!nanos)
                return bad_word(word, "the duration needs a number and a unit (ns, us, ms, s, m, h)");
            // Durations are whole nanoseconds: > d is >= d + 1.
            if (at_least)
                filter.min_duration = skip == 5 ? *nanos : *nanos + 1;
            else
                filter.max_duration = skip == 5 ? *nanos : *nanos - 1;
            continue;
        }
        if (view.substr(0, 5) == "attr.") {
            size_t equals = view.find('=');
            if (equals == std::string_view::npos || equals == 5)
                return bad_word(word, "an attribute condition is attr.KEY=VALUE");
            filter.attributes.emplace_back(std::string(view.substr(5, equals - 5)),
                                           std::string(view.substr(equals + 1)));
            continue;
        }
        size_t colon = view.find(':');
        if (colon == std::string_view::npos) {
            if (!filter.name.empty())
                return bad_word(word, "only one span name can be given");
            filter.name = word;
            continue;
        }
        std::string key(view.substr(0, colon));
        std::string value(view.substr(colon + 1));
        if (value.empty())
            return bad_word(word, "the value after \"" + key + ":\" is missing");
        if (key == "name") {
            if (!filter.name.empty())
                return bad_word(word, "only one span name can be given");
            filter.name = value;
        } else if (key == "service") {
            filter.service = value;
        } else if (key == "status") {
            if (value != "error")
                return bad_word(word, "only status:error can be asked for");
            filter.errors_only = true;
        } else if (key == "task") {
            filter.attributes.emplace_back("scopecraft.task.id", value);
        } else if (key == "session") {
            filter.attributes.emplace_back("session.id", value);
        } else {
            return bad_word(word, "\"" + key + ":\" is not a condition");
        }
    }
    return {};
}

}  // namespace sc::observe
