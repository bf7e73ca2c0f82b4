#include "search/event_reader.hpp"

#include <algorithm>

#include "observe/otlp_ondemand.hpp"
#include "util/json_check.hpp"

namespace sc::search {

namespace {

namespace od = observe::otlp_ondemand::od;
using simdjson::SUCCESS;

// Keys whose values are the task's own text, indexed as the task: left out (sources.cpp).
bool left_out(std::string_view key) {
    return key == "content" || key == "old_body" || key == "new_body";
}

// collect_text of one value, appended to `out`; `file` (not null) receives the fields of a
// files entry when the value is one.
bool value_text(od::value value, std::string& out, EventData::File* file = nullptr);

// An object's text as nlohmann::json gives it: it keeps an object's keys sorted, so each
// member's text (`member(key, value, text)`) is gathered, then joined in key order onto `out`.
// False when a member says so or a key is given twice (nlohmann keeps the last: its own reader
// decides).
template <class Member>
bool sorted_members_text(od::object object, std::string& out, Member member) {
    std::vector<std::pair<std::string, std::string>> members;
    for (auto field_result : object) {
        od::field field;
        std::string_view key;
        if (std::move(field_result).get(field) != SUCCESS || field.unescaped_key().get(key) != SUCCESS)
            return false;
        std::string text;
        if (!member(key, field.value(), text))
            return false;
        members.emplace_back(std::string(key), std::move(text));
    }
    std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < members.size(); ++i) {
        if (i > 0 && members[i].first == members[i - 1].first)
            return false;
        out += members[i].second;
    }
    return true;
}

bool object_text(od::object object, std::string& out, EventData::File* file) {
    return sorted_members_text(object, out, [&](std::string_view key, od::value inner, std::string& text) {
        if (file != nullptr && (key == "tree" || key == "kind" || key == "path" || key == "oldPath")) {
            std::string_view string;
            if (inner.get_string().get(string) != SUCCESS)
                return false;  // nlohmann's value() would throw: its own reader decides
            std::string& slot = key == "tree"   ? file->tree
                                : key == "kind" ? file->kind
                                : key == "path" ? file->path
                                                : file->old_path;
            slot = string;
            text = std::string(string) + ' ';
            return true;
        }
        return left_out(key) || value_text(inner, text);
    });
}

bool value_text(od::value value, std::string& out, EventData::File* file) {
    od::json_type type;
    if (value.type().get(type) != SUCCESS)
        return false;
    switch (type) {
        case od::json_type::string: {
            std::string_view text;
            if (value.get_string().get(text) != SUCCESS)
                return false;
            out += text;
            out += ' ';
            return true;
        }
        case od::json_type::number: {
            od::number_type number;
            if (value.get_number_type().get(number) != SUCCESS || number != od::number_type::signed_integer)
                return false;  // doubles and unsigned integers: dumped by nlohmann's own rules
            int64_t integer = 0;
            if (value.get_int64().get(integer) != SUCCESS)
                return false;
            out += std::to_string(integer);
            out += ' ';
            return true;
        }
        case od::json_type::object: {
            od::object object;
            return value.get_object().get(object) == SUCCESS && object_text(object, out, file);
        }
        case od::json_type::array: {
            od::array array;
            if (value.get_array().get(array) != SUCCESS)
                return false;
            for (auto item_result : array) {
                od::value item;
                if (std::move(item_result).get(item) != SUCCESS || !value_text(item, out))
                    return false;
            }
            return true;
        }
        default:
            return true;  // true, false and null add nothing
    }
}

// The top object: its text, and taskId and files as note_changes and event_doc read them.
bool top_object(od::object object, EventData& out) {
    return sorted_members_text(object, out.text, [&](std::string_view key, od::value inner, std::string& text) {
        od::json_type type;
        if (inner.type().get(type) != SUCCESS)
            return false;
        if (key == "taskId" && type == od::json_type::string) {
            std::string_view id;
            if (inner.get_string().get(id) != SUCCESS)
                return false;
            out.task_id = id;
            text = std::string(id) + ' ';
            return true;
        }
        if (key == "files" && type == od::json_type::array) {
            od::array array;
            if (inner.get_array().get(array) != SUCCESS)
                return false;
            for (auto item_result : array) {
                od::value item;
                od::json_type item_type;
                if (std::move(item_result).get(item) != SUCCESS || item.type().get(item_type) != SUCCESS)
                    return false;
                if (item_type != od::json_type::object) {
                    if (!value_text(item, text))
                        return false;
                    continue;
                }
                od::object entry;
                EventData::File file;
                if (item.get_object().get(entry) != SUCCESS || !object_text(entry, text, &file))
                    return false;
                out.files.push_back(std::move(file));
            }
            return true;
        }
        return left_out(key) || value_text(inner, text);
    });
}

}  // namespace

bool read_event_data(std::string_view data, size_t capacity, EventData& out) {
    static thread_local od::parser parser;
    out = EventData {};
    if (capacity < data.size() + simdjson::SIMDJSON_PADDING)
        return false;
    // On-Demand does not check what it skips; nlohmann discards data that is not valid JSON
    // anywhere (no text, no task id), so the data is checked first.
    if (json::check(data).verdict != json::Verdict::valid)
        return false;
    od::document document;
    if (parser.iterate(data.data(), data.size(), capacity).get(document) != SUCCESS)
        return false;
    od::value top;
    if (document.get_value().get(top) != SUCCESS)
        return false;
    od::json_type type;
    if (top.type().get(type) != SUCCESS)
        return false;
    if (type != od::json_type::object)
        return value_text(top, out.text);
    out.object = true;
    od::object object;
    return top.get_object().get(object) == SUCCESS && top_object(object, out);
}

}  // namespace sc::search
