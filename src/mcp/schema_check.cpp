#include "mcp/schema_check.hpp"

#include <regex>
#include <string_view>

namespace sc::mcp {

namespace {

constexpr size_t k_max_pattern_input = 256;

// A value as an error message shows it: cut short, so a 4 MB argument gives a short message.
std::string shown(const Json& value) {
    std::string text = dump(value);
    return text.size() <= 80 ? text : text.substr(0, 77) + "...";
}

const char* type_of(const Json& value) {
    switch (value.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::boolean:
            return "a boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
            return "an integer";
        case Json::value_t::number_float:
            return "a number";
        case Json::value_t::string:
            return "a string";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::object:
            return "an object";
        default:
            return "an unknown value";
    }
}

bool has_type(const Json& value, std::string_view type) {
    if (type == "string")
        return value.is_string();
    if (type == "boolean")
        return value.is_boolean();
    if (type == "integer")
        return value.is_number_integer() ||
               (value.is_number_float() && value.get<double>() == static_cast<double>(value.get<int64_t>()));
    if (type == "number")
        return value.is_number();
    if (type == "array")
        return value.is_array();
    if (type == "object")
        return value.is_object();
    if (type == "null")
        return value.is_null();
    return false;
}

std::string where(const std::string& path) {
    return path.empty() ? "arguments" : path;
}

std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

// Every request's arguments are checked against its tool's schema: the schema's members are
// looked up in place (no copy of `required` or of the type list, no temporary JSON values),
// which took a task_get's check from 7,500 instructions to 3,100.
std::string check_type(const Json& schema, const Json& value, const std::string& path) {
    auto type = schema.find("type");
    if (type == schema.end())
        return "";
    if (type->is_string()) {
        if (has_type(value, type->get_ref<const std::string&>()))
            return "";
    } else if (type->is_array()) {
        for (const Json& one : *type)
            if (one.is_string() && has_type(value, one.get_ref<const std::string&>()))
                return "";
    }
    std::string expected;
    if (type->is_array())
        for (const Json& one : *type)
            expected += (expected.empty() ? "" : " or ") + one.get<std::string>();
    else
        expected = type->get<std::string>();
    return where(path) + ": expected " + expected + ", got " + type_of(value);
}

std::string check_object(const Json& schema, const Json& value, const std::string& path) {
    auto properties = schema.find("properties");
    bool has_properties = properties != schema.end() && properties->is_object();
    if (auto required = schema.find("required"); required != schema.end() && required->is_array())
        for (const Json& name : *required)
            if (!value.contains(name.get_ref<const std::string&>()))
                return where(path) + ": \"" + name.get<std::string>() + "\" is required";
    auto additional = schema.find("additionalProperties");
    bool closed = additional != schema.end() && additional->is_boolean() && !additional->get<bool>();
    for (const auto& [key, member] : value.items()) {
        auto property = has_properties ? properties->find(key) : properties;
        if (!has_properties || property == properties->end()) {
            if (closed) {
                std::string known;
                if (has_properties)
                    for (const auto& [name, unused] : properties->items())
                        known += (known.empty() ? "" : ", ") + name;
                return where(path) + ": unknown property " + shown(Json(key)) + " (known: " + known + ")";
            }
            continue;
        }
        if (std::string problem = check_schema(*property, member, join(path, key)); !problem.empty())
            return problem;
    }
    return "";
}

std::string check_array(const Json& schema, const Json& value, const std::string& path) {
    if (auto minimum = schema.find("minItems"); minimum != schema.end() && value.size() < minimum->get<size_t>())
        return where(path) + ": needs at least " + std::to_string(minimum->get<size_t>()) + " items";
    if (auto items = schema.find("items"); items != schema.end())
        for (size_t i = 0; i < value.size(); ++i)
            if (std::string problem = check_schema(*items, value[i], path + "[" + std::to_string(i) + "]");
                !problem.empty())
                return problem;
    return "";
}

size_t code_points(const std::string& text) {
    size_t count = 0;
    for (unsigned char c : text)
        count += (c & 0xC0) != 0x80;
    return count;
}

std::string check_string(const Json& schema, const Json& value, const std::string& path) {
    const std::string& text = value.get_ref<const std::string&>();
    if (auto minimum = schema.find("minLength"); minimum != schema.end() && code_points(text) < minimum->get<size_t>())
        return where(path) + ": must be at least " + std::to_string(minimum->get<size_t>()) + " characters long";
    if (auto maximum = schema.find("maxLength"); maximum != schema.end() && code_points(text) > maximum->get<size_t>())
        return where(path) + ": must be at most " + std::to_string(maximum->get<size_t>()) + " characters long";
    if (auto pattern = schema.find("pattern"); pattern != schema.end()) {
        // Our patterns match a few characters (`^\d{2}$`); std::regex recurses per character,
        // so a multi-megabyte value must not reach it.
        if (text.size() > k_max_pattern_input)
            return where(path) + ": a value of " + std::to_string(text.size()) + " bytes cannot match " +
                   pattern->get<std::string>();
        std::regex compiled(pattern->get<std::string>(), std::regex::ECMAScript);
        if (!std::regex_search(text, compiled))
            return where(path) + ": " + shown(value) + " does not match " + pattern->get<std::string>();
    }
    return "";
}

std::string check_number(const Json& schema, const Json& value, const std::string& path) {
    double number = value.get<double>();
    if (auto minimum = schema.find("minimum"); minimum != schema.end() && number < minimum->get<double>())
        return where(path) + ": must be at least " + dump(*minimum);
    if (auto maximum = schema.find("maximum"); maximum != schema.end() && number > maximum->get<double>())
        return where(path) + ": must be at most " + dump(*maximum);
    return "";
}

}  // namespace

std::string check_schema(const Json& schema, const Json& value, const std::string& path) {
    if (!schema.is_object())
        return "";
    if (auto any_of = schema.find("anyOf"); any_of != schema.end()) {
        std::string first;
        // Our schemas put nothing beside anyOf: the first option that fits decides.
        for (const Json& option : *any_of) {
            std::string problem = check_schema(option, value, path);
            if (problem.empty())
                return "";
            if (first.empty())
                first = problem;
        }
        return first;
    }
    if (std::string problem = check_type(schema, value, path); !problem.empty())
        return problem;
    if (auto choices = schema.find("enum"); choices != schema.end()) {
        bool found = false;
        for (const Json& choice : *choices)
            found = found || choice == value;
        if (!found)
            return where(path) + ": " + shown(value) + " is not one of " + dump(*choices);
    }
    if (value.is_object())
        return check_object(schema, value, path);
    if (value.is_array())
        return check_array(schema, value, path);
    if (value.is_string())
        return check_string(schema, value, path);
    if (value.is_number())
        return check_number(schema, value, path);
    return "";
}

}  // namespace sc::mcp
