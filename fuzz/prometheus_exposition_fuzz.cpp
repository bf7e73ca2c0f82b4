// Feeds arbitrary bytes, split into lines, to the metric line reader and the aggregator, then
// renders the text format and OpenMetrics: nothing may crash, and every line written must be a
// `#` comment or start with a valid metric name followed by `{` or a space.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "prometheus/exposition.hpp"
#include "prometheus/metric_aggregator.hpp"
#include "prometheus/metric_line_reader.hpp"

namespace {

bool name_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

void check(const std::string& text) {
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            std::abort();  // every line ends with a newline
        std::string_view line(text.data() + start, end - start);
        if (line.empty())
            std::abort();
        if (line[0] != '#') {
            size_t i = 0;
            while (i < line.size() && name_char(line[i], i == 0))
                ++i;
            if (i == 0 || i == line.size() || (line[i] != '{' && line[i] != ' '))
                std::abort();
        }
        start = end + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    sc::prometheus::MetricLineReader reader;
    sc::prometheus::MetricAggregator aggregator;
    size_t start = 0;
    while (start <= input.size()) {
        size_t end = input.find('\n', start);
        if (end == std::string::npos)
            end = input.size();
        // Unpadded: the reader must copy what it cannot parse in place.
        std::string line = input.substr(start, end - start);
        reader.read(line, line.size(),
                    [&](const auto& resource, const auto& scope, const auto& metric, const auto& point) {
                        aggregator.add(resource, scope, metric, point);
                    });
        start = end + 1;
    }
    auto families = aggregator.families();
    check(sc::prometheus::render(families, sc::prometheus::Format::text_0_0_4));
    check(sc::prometheus::render(families, sc::prometheus::Format::openmetrics_1_0_0));
    return 0;
}
