#include "tasks/yaml_full.hpp"

#include <istream>
#include <optional>
#include <streambuf>
#include <unordered_map>

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "tasks/yaml_scalar.hpp"

namespace sc::tasks::yaml {
namespace {

using Json = nlohmann::ordered_json;

// An istream over the block's bytes: YAML::Load would first copy them into a stringstream.
class ViewBuffer final : public std::streambuf {
public:
    explicit ViewBuffer(std::string_view text) {
        char* begin = const_cast<char*>(text.data());  // only ever read
        setg(begin, begin, begin + text.size());
    }
};

// Thrown by the event handler to stop yaml-cpp's parser once the block is refused.
struct Stop {};

// A scalar typed as node_to_json typed yaml-cpp nodes: quoted text ("!") stays a string, plain
// text is resolved as js-yaml resolves it, a core-schema tag too, any other tag keeps the text.
Json scalar_value(const std::string& tag, const std::string& text) {
    if (tag == "!" || tag == "tag:yaml.org,2002:str")
        return text;
    if (tag == "?" || tag.rfind("tag:yaml.org,2002:", 0) == 0)
        return resolve_plain(text);
    return text;
}

// A value inside a list used as a key, as JavaScript's Array.prototype.join shows it.
std::string joined_item_text(const Json& item) {
    if (item.is_null())
        return {};
    if (item.is_string())
        return item.get<std::string>();
    if (item.is_object())
        return "[object Object]";
    if (item.is_number_float())
        return js_number_text(item.get<double>());
    return item.dump();
}

class Builder final : public YAML::EventHandler {
public:
    Builder(const ReadLimits& limits, const std::string& origin, int first_line)
        : m_limits(limits), m_origin(origin), m_first_line(first_line) {}

    [[nodiscard]] const std::optional<Error>& error() const { return m_error; }
    FullBlock take_result() { return std::move(m_result); }

    /// After the parse: the expansion error, now that the whole block's aliases are counted.
    void finish_expansion_error() {
        if (!m_expansion_line)
            return;
        const std::string limit = std::to_string(m_limits.max_values);
        if (m_aliases == 0) {
            m_error = make_error(ErrorCode::parse,
                                 "frontmatter holds more than " + limit + " values (sc reads at most " + limit + ")",
                                 Location {m_origin, *m_expansion_line, {}},
                                 "keep long lists out of the frontmatter, e.g. in a section");
            return;
        }
        m_error = make_error(ErrorCode::parse,
                             "frontmatter expands to more than " + limit + " values through its " +
                                 std::to_string(m_aliases) + " aliases (sc reads at most " + limit +
                                 " values after expanding aliases)",
                             Location {m_origin, *m_expansion_line, {}},
                             "write the values out instead of repeating them with &anchors and *aliases");
    }

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        if (m_counting_only)
            return;
        count(1, mark);
        if (m_counting_only)
            return;
        remember(anchor, Json(nullptr), 1, std::nullopt);
        place(Node {Json(nullptr), std::nullopt, mark});
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        if (m_counting_only)
            return;
        count(1, mark);
        if (m_counting_only)
            return;
        Json typed = scalar_value(tag, value);
        remember(anchor, typed, 1, value);
        place(Node {std::move(typed), value, mark});
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        ++m_aliases;
        if (m_counting_only)
            return;
        auto found = m_anchors.find(anchor);
        if (found == m_anchors.end())
            return fail(mark, "frontmatter uses an alias whose anchor is not defined", {});
        const Anchored& anchored = found->second;
        if (anchored.open) {
            return fail(mark,
                        "frontmatter alias *" + anchor_name(anchor) +
                            " is used inside the value it names, which would then contain itself",
                        "replace the alias with the value it should repeat");
        }
        count(anchored.values, mark);
        if (m_counting_only)
            return;
        place(Node {anchored.value, anchored.text, mark});
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(mark, anchor, Json::array());
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(mark, anchor, Json::object());
    }
    void OnMapEnd() override { close(); }

    void OnAnchor(const YAML::Mark&, const std::string& name) override {
        // yaml-cpp numbers anchors 1, 2, ... in the order they are defined.
        m_anchor_names.push_back(name);
    }

private:
    struct Node {
        Json value;
        std::optional<std::string> text;  // a scalar's text as written (keys keep it)
        YAML::Mark mark;
    };
    struct Frame {
        Json value;  // an array or an object
        YAML::Mark mark;
        YAML::anchor_t anchor = YAML::NullAnchor;
        size_t values_before = 0;
        std::optional<Node> key;  // a mapping's key waiting for its value
    };
    struct Anchored {
        Json value;
        size_t values = 0;
        bool open = false;  // still being read: an alias to it would be a cycle
        std::optional<std::string> text;
    };

    void fail(const YAML::Mark& mark, std::string message, std::string hint) {
        m_error =
            make_error(ErrorCode::parse, std::move(message), Location {m_origin, line_of(mark), {}}, std::move(hint));
        throw Stop {};
    }

    int line_of(const YAML::Mark& mark) const { return m_first_line + (mark.is_null() ? 0 : mark.line); }

    std::string anchor_name(YAML::anchor_t anchor) const {
        return anchor >= 1 && anchor <= m_anchor_names.size() ? m_anchor_names[anchor - 1] : std::to_string(anchor);
    }

    // Counts values as they are made, aliases expanded. Past the limit nothing more is built,
    // but the parse goes on (it costs no more than the text's size) to count every alias for
    // the message.
    void count(size_t values, const YAML::Mark& mark) {
        m_values += values;
        if (m_values > m_limits.max_values)
            stop_building(mark);
    }

    void stop_building(const YAML::Mark& mark) {
        m_counting_only = true;
        m_expansion_line = line_of(mark);
        m_stack.clear();
        m_anchors.clear();
    }

    void remember(YAML::anchor_t anchor, const Json& value, size_t values, std::optional<std::string> text) {
        if (anchor == YAML::NullAnchor)
            return;
        m_anchors[anchor] = Anchored {value, values, false, std::move(text)};
    }

    void open(const YAML::Mark& mark, YAML::anchor_t anchor, Json empty) {
        if (m_counting_only)
            return;
        if (static_cast<int>(m_stack.size()) >= m_limits.max_depth) {
            fail(mark, "frontmatter is nested deeper than " + std::to_string(m_limits.max_depth) + " levels",
                 "task fields are one or two levels deep: flatten the frontmatter");
        }
        count(1, mark);
        if (m_counting_only)
            return;
        if (anchor != YAML::NullAnchor)
            m_anchors[anchor] = Anchored {Json(), 0, true, std::nullopt};
        m_stack.push_back(Frame {std::move(empty), mark, anchor, m_values, std::nullopt});
    }

    void close() {
        if (m_counting_only || m_stack.empty())
            return;
        Frame frame = std::move(m_stack.back());
        m_stack.pop_back();
        if (frame.anchor != YAML::NullAnchor) {
            // The anchor keeps a copy for its aliases; copies count against the limit too, so
            // nested anchors cannot multiply memory either.
            const size_t values = m_values - frame.values_before + 1;
            m_copied += values;
            if (m_copied > m_limits.max_values)
                return stop_building(frame.mark);
            m_anchors[frame.anchor] = Anchored {frame.value, values, false, std::nullopt};
        }
        place(Node {std::move(frame.value), std::nullopt, frame.mark});
    }

    // A key made of a list or a mapping, as js-yaml 3 turns it into a string.
    std::string key_text(const Node& key) {
        if (key.text)
            return *key.text;
        if (key.value.is_null())
            return "null";
        if (key.value.is_object())
            return "[object Object]";
        if (!key.value.is_array())
            return joined_item_text(key.value);
        std::string text;
        bool first = true;
        for (const Json& item : key.value) {
            if (item.is_array())
                fail(key.mark, "frontmatter has a list inside a list used as a key", "use a plain text key");
            text += first ? "" : ",";
            text += joined_item_text(item);
            first = false;
        }
        return text;
    }

    // Puts a finished node where it belongs: the root, a list item, a key, or a key's value.
    void place(Node node) {
        if (m_stack.empty()) {
            m_result.is_mapping = node.value.is_object() || node.value.is_null();
            m_result.is_null = node.value.is_null();
            return;  // the root: its entries were collected as they came (below)
        }
        Frame& parent = m_stack.back();
        if (parent.value.is_array()) {
            parent.value.push_back(std::move(node.value));
            return;
        }
        if (!parent.key) {
            parent.key = std::move(node);
            return;
        }
        std::string key = key_text(*parent.key);
        if (m_stack.size() == 1) {
            m_result.entries.push_back(FullEntry {std::move(key), std::move(node.value),
                                                  parent.key->mark.is_null() ? -1 : parent.key->mark.line,
                                                  parent.key->mark.is_null() ? -1 : parent.key->mark.column});
        } else {
            parent.value[key] = std::move(node.value);
        }
        parent.key.reset();
    }

    const ReadLimits& m_limits;
    const std::string& m_origin;
    int m_first_line = 0;
    std::vector<Frame> m_stack;
    std::unordered_map<YAML::anchor_t, Anchored> m_anchors;
    std::vector<std::string> m_anchor_names;
    size_t m_values = 0;
    size_t m_copied = 0;
    size_t m_aliases = 0;
    bool m_counting_only = false;
    std::optional<int> m_expansion_line;
    std::optional<Error> m_error;
    FullBlock m_result;
};

}  // namespace

Result<FullBlock> read_full(std::string_view block, const std::string& origin, int first_line,
                            const ReadLimits& limits) {
    ViewBuffer buffer(block);
    std::istream input(&buffer);
    Builder builder(limits, origin, first_line);
    try {
        YAML::Parser parser(input);
        parser.HandleNextDocument(builder);
    } catch (const Stop&) {
        return *builder.error();
    } catch (const YAML::Exception& error) {
        builder.finish_expansion_error();
        if (builder.error())
            return *builder.error();
        return make_error(ErrorCode::parse, "frontmatter is not valid YAML: " + error.msg,
                          Location {origin, first_line + (error.mark.is_null() ? 0 : error.mark.line), {}},
                          "fix the YAML between the --- lines (quote values that contain ': ' or start with a "
                          "special character)");
    } catch (const std::exception& error) {
        return make_error(ErrorCode::parse, std::string("frontmatter could not be read: ") + error.what(),
                          Location {origin, first_line, {}});
    }
    builder.finish_expansion_error();
    if (builder.error())
        return *builder.error();
    return builder.take_result();
}

}  // namespace sc::tasks::yaml
