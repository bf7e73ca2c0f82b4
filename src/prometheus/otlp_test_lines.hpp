#pragma once
// Building OTLP JSON metric lines for the Prometheus tests, in the shape the store holds them.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sc::prometheus::testing {

using Json = nlohmann::json;

inline Json attributes(const std::vector<std::pair<std::string, Json>>& pairs) {
    Json list = Json::array();
    for (const auto& [key, value] : pairs) {
        Json any;
        if (value.is_string())
            any["stringValue"] = value;
        else if (value.is_boolean())
            any["boolValue"] = value;
        else if (value.is_number_integer())
            any["intValue"] = std::to_string(value.get<int64_t>());
        else
            any["doubleValue"] = value;
        list.push_back({{"key", key}, {"value", any}});
    }
    return list;
}

inline Json number_point(double value, int64_t time, int64_t start = 0,
                         const std::vector<std::pair<std::string, Json>>& point_attributes = {}) {
    Json point = {
        {"attributes", attributes(point_attributes)}, {"timeUnixNano", std::to_string(time)}, {"asDouble", value}};
    if (start != 0)
        point["startTimeUnixNano"] = std::to_string(start);
    return point;
}

inline Json sum(const std::string& name, const std::string& unit, bool monotonic, int temporality,
                std::vector<Json> points) {
    return {{"name", name},
            {"description", name + " help"},
            {"unit", unit},
            {"sum", {{"dataPoints", points}, {"aggregationTemporality", temporality}, {"isMonotonic", monotonic}}}};
}

inline Json gauge(const std::string& name, const std::string& unit, std::vector<Json> points) {
    return {{"name", name}, {"description", name + " help"}, {"unit", unit}, {"gauge", {{"dataPoints", points}}}};
}

inline Json histogram_point(std::vector<uint64_t> counts, std::vector<double> bounds, double total, int64_t time,
                            int64_t start = 0, const std::vector<std::pair<std::string, Json>>& point_attributes = {}) {
    uint64_t count = 0;
    Json counts_json = Json::array();
    for (uint64_t value : counts) {
        count += value;
        counts_json.push_back(std::to_string(value));
    }
    Json point = {{"attributes", attributes(point_attributes)},
                  {"timeUnixNano", std::to_string(time)},
                  {"count", std::to_string(count)},
                  {"sum", total},
                  {"bucketCounts", counts_json},
                  {"explicitBounds", bounds}};
    if (start != 0)
        point["startTimeUnixNano"] = std::to_string(start);
    return point;
}

inline Json histogram(const std::string& name, const std::string& unit, int temporality, std::vector<Json> points) {
    return {{"name", name},
            {"description", name + " help"},
            {"unit", unit},
            {"histogram", {{"dataPoints", points}, {"aggregationTemporality", temporality}}}};
}

/// One ExportMetricsServiceRequest line: one resource, one scope.
inline std::string line(const std::vector<std::pair<std::string, Json>>& resource, const std::string& scope_name,
                        const std::string& scope_version, std::vector<Json> metrics) {
    Json scope = {{"name", scope_name}};
    if (!scope_version.empty())
        scope["version"] = scope_version;
    Json request = {{"resourceMetrics",
                     {{{"resource", {{"attributes", attributes(resource)}}},
                       {"scopeMetrics", {{{"scope", scope}, {"metrics", metrics}}}}}}}};
    return request.dump();
}

inline std::vector<std::pair<std::string, Json>> sc_resource(int pid) {
    return {{"service.name", "scopecraft"}, {"service.version", "0.1.0"}, {"host.name", "vm"}, {"process.pid", pid}};
}

}  // namespace sc::prometheus::testing
