#include "prometheus/metric_line_reader.hpp"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "prometheus/names.hpp"

namespace sc::prometheus {

namespace dom = simdjson::dom;

struct MetricLineReader::Impl {
    dom::parser parser;
    ResourceView resource;
    ScopeView scope;
    MetricView metric;
    PointView point;
};

MetricLineReader::MetricLineReader() : m_impl(std::make_unique<Impl>()) {}
MetricLineReader::~MetricLineReader() = default;

namespace {

// The field `key` of an object, or nullopt (absent, or `object` is not an object).
std::optional<dom::element> field(dom::element object, std::string_view key) {
    dom::object fields;
    if (object.get_object().get(fields) != simdjson::SUCCESS)
        return std::nullopt;
    dom::element value;
    if (fields.at_key(key).get(value) != simdjson::SUCCESS)
        return std::nullopt;
    return value;
}

// Calls `visit` for each item of the array at `key` (none when it is absent or no array: a
// default dom::array must not be iterated).
template <class Visit>
void for_each_item(dom::element object, std::string_view key, Visit&& visit) {
    auto value = field(object, key);
    dom::array items;
    if (!value || value->get_array().get(items) != simdjson::SUCCESS)
        return;
    for (dom::element item : items)
        visit(item);
}

std::string string_field(dom::element object, std::string_view key) {
    auto value = field(object, key);
    std::string_view text;
    if (value && value->get_string().get(text) == simdjson::SUCCESS)
        return std::string(text);
    return "";
}

// 64-bit integers are decimal strings in OTLP JSON; numbers are accepted too. Values past
// INT64_MAX saturate; anything else is 0.
int64_t int_of(dom::element value) {
    switch (value.type()) {
        case dom::element_type::INT64:
            return int64_t(value);
        case dom::element_type::UINT64: {
            uint64_t big = uint64_t(value);
            return big > uint64_t(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(big);
        }
        case dom::element_type::DOUBLE: {
            double number = double(value);
            return std::isfinite(number) && std::fabs(number) < 9.2e18 ? static_cast<int64_t>(number) : 0;
        }
        case dom::element_type::STRING: {
            std::string_view text = std::string_view(value);
            int64_t parsed = 0;
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
            if (error == std::errc() && end == text.data() + text.size())
                return parsed;
            uint64_t unsigned_value = 0;
            auto [unsigned_end, unsigned_error] =
                std::from_chars(text.data(), text.data() + text.size(), unsigned_value);
            if (unsigned_error == std::errc() && unsigned_end == text.data() + text.size())
                return INT64_MAX;
            return 0;
        }
        default:
            return 0;
    }
}

int64_t int_field(dom::element object, std::string_view key) {
    auto value = field(object, key);
    return value ? int_of(*value) : 0;
}

// Doubles are numbers, or "NaN", "Infinity", "-Infinity".
double double_of(dom::element value) {
    switch (value.type()) {
        case dom::element_type::INT64:
        case dom::element_type::UINT64:
        case dom::element_type::DOUBLE:
            return double(value);
        case dom::element_type::STRING: {
            std::string_view text = std::string_view(value);
            if (text == "NaN")
                return std::nan("");
            if (text == "Infinity")
                return std::numeric_limits<double>::infinity();
            if (text == "-Infinity")
                return -std::numeric_limits<double>::infinity();
            return static_cast<double>(int_of(value));
        }
        default:
            return 0;
    }
}

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            static constexpr char k_hex[] = "0123456789abcdef";
            out += "\\u00";
            out.push_back(k_hex[(c >> 4) & 0xf]);
            out.push_back(k_hex[c & 0xf]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

void append_any_value(std::string& out, dom::element value, bool nested);

void append_attributes_json(std::string& out, dom::element owner) {
    out.push_back('{');
    bool first = true;
    for_each_item(owner, "values", [&](dom::element pair) {
        if (!first)
            out.push_back(',');
        first = false;
        append_json_string(out, string_field(pair, "key"));
        out.push_back(':');
        auto inner = field(pair, "value");
        if (inner)
            append_any_value(out, *inner, true);
        else
            out += "null";
    });
    out.push_back('}');
}

// An OTLP AnyValue as attribute text: a string as itself at the top level (quoted inside an
// array), numbers and booleans as JSON writes them, arrays and maps as JSON.
void append_any_value(std::string& out, dom::element value, bool nested) {
    dom::object fields;
    if (value.get_object().get(fields) != simdjson::SUCCESS) {
        if (nested)
            out += "null";
        return;
    }
    for (dom::key_value_pair pair : fields) {
        std::string_view key = pair.key;
        dom::element inner = pair.value;
        if (key == "stringValue" || key == "bytesValue") {
            std::string_view text;
            if (inner.get_string().get(text) != simdjson::SUCCESS)
                text = "";
            if (nested)
                append_json_string(out, text);
            else
                out += text;
        } else if (key == "intValue") {
            out += std::to_string(int_of(inner));
        } else if (key == "doubleValue") {
            out += format_value(double_of(inner));
        } else if (key == "boolValue") {
            bool flag = false;
            out += inner.get_bool().get(flag) == simdjson::SUCCESS && flag ? "true" : "false";
        } else if (key == "arrayValue") {
            out.push_back('[');
            bool first = true;
            for_each_item(inner, "values", [&](dom::element item) {
                if (!first)
                    out.push_back(',');
                first = false;
                append_any_value(out, item, true);
            });
            out.push_back(']');
        } else if (key == "kvlistValue") {
            append_attributes_json(out, inner);
        } else {
            continue;  // unknown: look further
        }
        return;
    }
    if (nested)
        out += "null";
}

void read_attributes(dom::element owner, TextAttributes& out) {
    out.clear();
    for_each_item(owner, "attributes", [&](dom::element pair) {
        std::string key = string_field(pair, "key");
        std::string text;
        if (auto value = field(pair, "value"))
            append_any_value(text, *value, false);
        out.emplace_back(std::move(key), std::move(text));
    });
}

}  // namespace

bool MetricLineReader::read(std::string_view line, size_t capacity, const PointVisitor& visit) {
    Impl& impl = *m_impl;
    bool padded = capacity >= line.size() + simdjson::SIMDJSON_PADDING;
    dom::element request;
    if (impl.parser.parse(line.data(), line.size(), !padded).get(request) != simdjson::SUCCESS)
        return false;
    dom::array resource_list;
    auto resources = field(request, "resourceMetrics");
    if (!resources || resources->get_array().get(resource_list) != simdjson::SUCCESS)
        return false;
    for (dom::element resource_metrics : resource_list) {
        impl.resource.attributes.clear();
        if (auto resource = field(resource_metrics, "resource"))
            read_attributes(*resource, impl.resource.attributes);
        for_each_item(resource_metrics, "scopeMetrics", [&](dom::element scope_metrics) {
            impl.scope = ScopeView {};
            if (auto scope = field(scope_metrics, "scope")) {
                impl.scope.name = string_field(*scope, "name");
                impl.scope.version = string_field(*scope, "version");
            }
            for_each_item(scope_metrics, "metrics", [&](dom::element metric) { read_metric(metric, visit); });
        });
    }
    return true;
}

void MetricLineReader::read_metric(simdjson::dom::element metric, const PointVisitor& visit) {
    Impl& impl = *m_impl;
    MetricView& shape = impl.metric;
    shape.name = string_field(metric, "name");
    shape.description = string_field(metric, "description");
    shape.unit = string_field(metric, "unit");
    shape.temporality = Temporality::unspecified;
    shape.monotonic = false;
    std::optional<dom::element> data;
    if ((data = field(metric, "sum"))) {
        shape.kind = PointKind::sum;
        bool monotonic = false;
        if (auto flag = field(*data, "isMonotonic"))
            shape.monotonic = flag->get_bool().get(monotonic) == simdjson::SUCCESS && monotonic;
    } else if ((data = field(metric, "gauge"))) {
        shape.kind = PointKind::gauge;
    } else if ((data = field(metric, "histogram"))) {
        shape.kind = PointKind::histogram;
    } else {
        return;  // exponential histograms and summaries
    }
    if (shape.kind != PointKind::gauge) {
        int64_t temporality = int_field(*data, "aggregationTemporality");
        shape.temporality = temporality == 1   ? Temporality::delta
                            : temporality == 2 ? Temporality::cumulative
                                               : Temporality::unspecified;
    }
    for_each_item(*data, "dataPoints", [&](dom::element point) {
        PointView& view = impl.point;
        read_attributes(point, view.attributes);
        view.start_time = int_field(point, "startTimeUnixNano");
        view.time = int_field(point, "timeUnixNano");
        view.value = 0;
        if (shape.kind == PointKind::histogram) {
            view.count = static_cast<uint64_t>(std::max<int64_t>(0, int_field(point, "count")));
            auto sum = field(point, "sum");
            view.sum = sum ? double_of(*sum) : 0;
            view.bucket_counts.clear();
            for_each_item(point, "bucketCounts", [&](dom::element count) {
                view.bucket_counts.push_back(static_cast<uint64_t>(std::max<int64_t>(0, int_of(count))));
            });
            view.bounds.clear();
            for_each_item(point, "explicitBounds",
                          [&](dom::element bound) { view.bounds.push_back(double_of(bound)); });
            auto min = field(point, "min");
            view.min = min ? std::optional<double>(double_of(*min)) : std::nullopt;
        } else if (auto as_int = field(point, "asInt")) {
            view.value = static_cast<double>(int_of(*as_int));
        } else if (auto as_double = field(point, "asDouble")) {
            view.value = double_of(*as_double);
        }
        visit(impl.resource, impl.scope, shape, view);
    });
}

}  // namespace sc::prometheus
