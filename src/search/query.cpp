#include "search/query.hpp"

#include <array>
#include <cctype>

#include "search/search_text.hpp"
#include "util/text.hpp"

namespace sc::search {

namespace {

constexpr std::array<std::string_view, 12> k_metadata_fields {
    "status", "type", "area", "phase", "location", "tag", "tags", "parent", "id", "priority", "assignee", "stream"};
constexpr std::array<std::string_view, 2> k_text_fields {"title", "body"};

enum class Kind { term, op_or, op_not, op_and };

struct Item {
    Kind kind = Kind::term;
    std::string text;    // the words, unquoted
    std::string column;  // title/body, or empty
    bool prefix = false;
    bool negated = false;  // `-word`
};

// Whether text holds something the tokenizer keeps (a letter, a digit, anything non-ASCII):
// a term of punctuation alone would be an empty FTS5 string, which matches nothing.
bool has_token(std::string_view text) {
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80 || std::isalnum(byte) != 0)
            return true;
    }
    return false;
}

std::string fts_string(const Item& item) {
    std::string body = spaced_for_index(item.text);
    std::string out = "\"";
    for (char c : body) {
        if (c == '"')
            out += "\"\"";
        else
            out += c;
    }
    out += '"';
    if (item.prefix)
        out += '*';
    if (!item.column.empty())
        out = item.column + " : " + out;
    return out;
}

Error invalid(std::string message, std::string hint) {
    return make_error(ErrorCode::invalid_argument, std::move(message), Location {"", 0, "query"}, std::move(hint));
}

}  // namespace

bool is_metadata_field(std::string_view field) {
    for (std::string_view known : k_metadata_fields)
        if (field == known)
            return true;
    return false;
}

bool is_text_field(std::string_view field) {
    return field == k_text_fields[0] || field == k_text_fields[1];
}

Result<ParsedQuery> parse_query(std::string_view text) {
    ParsedQuery parsed;
    parsed.shape.bytes = text.size();
    if (text.size() > k_max_query_bytes)
        return invalid("the query is " + std::to_string(text.size()) + " bytes; a query may have at most " +
                           std::to_string(k_max_query_bytes),
                       "search for a few distinctive words or a \"phrase\" from the text");
    size_t bad = 0;
    if (!text::is_valid_utf8(text, &bad))
        return invalid("the query is not valid UTF-8 (byte " + std::to_string(bad + 1) + ")",
                       "type the query again, or check the encoding of the terminal or script that sent it");

    std::vector<Item> items;
    size_t i = 0;
    auto read_quoted = [&](size_t& at) {
        // `at` is just past the opening quote; an unbalanced quote runs to the end.
        size_t close = text.find('"', at);
        std::string inside(text.substr(at, close == std::string_view::npos ? std::string_view::npos : close - at));
        at = close == std::string_view::npos ? text.size() : close + 1;
        return inside;
    };
    while (i < text.size()) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (std::isspace(c) != 0 || c == '(' || c == ')') {
            ++i;
            continue;
        }
        Item item;
        if (c == '-' && i + 1 < text.size() && std::isspace(static_cast<unsigned char>(text[i + 1])) == 0) {
            item.negated = true;
            ++i;
        }
        if (i < text.size() && text[i] == '"') {
            ++i;
            item.text = read_quoted(i);
            ++parsed.shape.phrases;
        } else {
            size_t start = i;
            while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) == 0 && text[i] != '"' &&
                   text[i] != '(' && text[i] != ')')
                ++i;
            std::string_view word = text.substr(start, i - start);
            if (!item.negated && (word == "OR" || word == "AND" || word == "NOT")) {
                items.push_back({word == "OR"    ? Kind::op_or
                                 : word == "NOT" ? Kind::op_not
                                                 : Kind::op_and,
                                 "", "", false, false});
                continue;
            }
            size_t colon = word.find(':');
            if (colon != std::string_view::npos && colon > 0) {
                std::string field = text::to_lower_ascii(word.substr(0, colon));
                std::string_view value = word.substr(colon + 1);
                std::string value_text(value);
                if (value.empty() && i < text.size() && text[i] == '"') {
                    ++i;
                    value_text = read_quoted(i);
                }
                if (is_metadata_field(field)) {
                    if (!value_text.empty() && !item.negated) {
                        parsed.filters.push_back({field == "tags" ? "tag" : field, value_text});
                        ++parsed.shape.fields;
                        continue;
                    }
                } else if (is_text_field(field)) {
                    item.column = field;
                    word = {};
                    item.text = value_text;
                    ++parsed.shape.fields;
                }
            }
            if (item.column.empty())
                item.text = std::string(word);
        }
        while (!item.text.empty() && item.text.back() == '*') {
            item.text.pop_back();
            item.prefix = true;
        }
        if (i < text.size() && text[i] == '*') {  // "phrase"*
            item.prefix = true;
            ++i;
        }
        if (!has_token(item.text))
            continue;
        if (item.prefix)
            ++parsed.shape.prefixes;
        else if (item.column.empty())
            ++parsed.shape.words;
        items.push_back(std::move(item));
    }

    // Alternatives separated by OR; in each, the positive terms all match and the negative
    // ones (after NOT, or written -word) do not. AND is what adjacent terms mean anyway.
    struct Alternative {
        std::vector<std::string> positive;
        std::vector<std::string> negative;
    };
    std::vector<Alternative> alternatives(1);
    bool negate_next = false;
    size_t terms = 0;
    for (const Item& item : items) {
        switch (item.kind) {
            case Kind::op_or:
                ++parsed.shape.ors;
                if (!alternatives.back().positive.empty() || !alternatives.back().negative.empty())
                    alternatives.emplace_back();
                negate_next = false;
                break;
            case Kind::op_not:
                ++parsed.shape.nots;
                negate_next = true;
                break;
            case Kind::op_and:
                break;
            case Kind::term:
                if (++terms > k_max_query_terms)
                    return invalid("the query has more than " + std::to_string(k_max_query_terms) + " terms",
                                   "search for a few distinctive words or a \"phrase\" from the text");
                if (item.negated)
                    ++parsed.shape.nots;
                ((negate_next || item.negated) ? alternatives.back().negative : alternatives.back().positive)
                    .push_back(fts_string(item));
                negate_next = false;
                break;
        }
    }
    if (alternatives.back().positive.empty() && alternatives.back().negative.empty())
        alternatives.pop_back();
    std::string match;
    for (const Alternative& alternative : alternatives) {
        if (alternative.positive.empty())
            return invalid("NOT needs something to exclude from: a query of only NOT terms matches nothing",
                           "add a word to find, as in 'login NOT draft', or browse with filters alone "
                           "(sc search --status todo)");
        std::string part = "(" + text::join(alternative.positive, " AND ") + ")";
        parsed.phrases.insert(parsed.phrases.end(), alternative.positive.begin(), alternative.positive.end());
        for (const std::string& negative : alternative.negative) {
            part += " NOT " + negative;
            parsed.phrases.push_back(negative);
        }
        if (!match.empty())
            match += " OR ";
        match += alternatives.size() > 1 ? "(" + part + ")" : part;
    }
    parsed.match = std::move(match);
    return parsed;
}

}  // namespace sc::search
