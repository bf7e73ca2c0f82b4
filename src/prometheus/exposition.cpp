#include "prometheus/exposition.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "prometheus/names.hpp"
#include "util/text.hpp"

namespace sc::prometheus {

namespace {

using text::ends_with;
using text::to_lower_ascii;
using text::trim;

void append_sample(std::string& out, std::string_view name, std::string_view suffix, std::string_view labels,
                   std::string_view extra_label, double value) {
    out += name;
    out += suffix;
    if (!labels.empty() || !extra_label.empty()) {
        out.push_back('{');
        out += labels;
        if (!labels.empty() && !extra_label.empty())
            out.push_back(',');
        out += extra_label;
        out.push_back('}');
    }
    out.push_back(' ');
    out += format_value(value);
    out.push_back('\n');
}

void append_histogram(std::string& out, const std::string& name, const SeriesSample& series) {
    const HistogramSample& histogram = series.histogram;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < histogram.bounds.size(); ++i) {
        cumulative += i < histogram.counts.size() ? histogram.counts[i] : 0;
        // A bucket never holds more than the count, whatever a writer sent.
        append_sample(out, name, "_bucket", series.labels, "le=\"" + format_value(histogram.bounds[i]) + "\"",
                      static_cast<double>(std::min(cumulative, histogram.count)));
    }
    append_sample(out, name, "_bucket", series.labels, "le=\"+Inf\"", static_cast<double>(histogram.count));
    if (histogram.with_sum)
        append_sample(out, name, "_sum", series.labels, "", histogram.sum);
    append_sample(out, name, "_count", series.labels, "", static_cast<double>(histogram.count));
}

}  // namespace

Format negotiate(std::string_view accept_header) {
    double best_openmetrics = -1;
    double best_text = -1;
    size_t start = 0;
    while (start <= accept_header.size()) {
        size_t comma = accept_header.find(',', start);
        std::string_view range =
            accept_header.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        start = comma == std::string_view::npos ? accept_header.size() + 1 : comma + 1;
        size_t semicolon = range.find(';');
        std::string type = to_lower_ascii(trim(range.substr(0, semicolon)));
        double quality = 1.0;
        std::string version;
        while (semicolon != std::string_view::npos) {
            size_t next = range.find(';', semicolon + 1);
            std::string_view parameter = trim(range.substr(
                semicolon + 1, next == std::string_view::npos ? std::string_view::npos : next - semicolon - 1));
            size_t equals = parameter.find('=');
            if (equals != std::string_view::npos) {
                std::string key = to_lower_ascii(trim(parameter.substr(0, equals)));
                std::string value(trim(parameter.substr(equals + 1)));
                if (key == "q")
                    quality = std::strtod(value.c_str(), nullptr);
                else if (key == "version")
                    version = value;
            }
            semicolon = next;
        }
        if (quality <= 0)
            continue;
        if (type == "application/openmetrics-text" && (version.empty() || version == "1.0.0"))
            best_openmetrics = std::max(best_openmetrics, quality);
        else if ((type == "text/plain" && (version.empty() || version == "0.0.4")) || type == "*/*" || type == "text/*")
            best_text = std::max(best_text, quality);
    }
    return best_openmetrics > 0 && best_openmetrics >= best_text ? Format::openmetrics_1_0_0 : Format::text_0_0_4;
}

std::string_view content_type(Format format) {
    return format == Format::openmetrics_1_0_0 ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                                               : "text/plain; version=0.0.4; charset=utf-8";
}

HistogramSample empty_histogram(const std::vector<double>& bounds) {
    HistogramSample histogram;
    histogram.bounds = bounds;
    histogram.counts.assign(bounds.size() + 1, 0);
    return histogram;
}

void observe(HistogramSample& histogram, double value) {
    auto bound = std::lower_bound(histogram.bounds.begin(), histogram.bounds.end(), value);
    ++histogram.counts[static_cast<size_t>(bound - histogram.bounds.begin())];
    ++histogram.count;
    histogram.sum += value;
}

std::string render_labels(std::vector<std::pair<std::string, std::string>> labels) {
    std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (const auto& [name, value] : labels) {
        if (!out.empty())
            out.push_back(',');
        out += name;
        out += "=\"";
        out += escape_label_value(value);
        out.push_back('"');
    }
    return out;
}

std::string render(const std::vector<FamilySample>& families, Format format) {
    bool openmetrics = format == Format::openmetrics_1_0_0;
    std::string out;
    for (const FamilySample& family : families) {
        if (family.series.empty())
            continue;
        std::string family_name = family.name;
        std::string sample_name = family.name;
        std::string_view type = "gauge";
        switch (family.type) {
            case SampleType::counter:
                type = "counter";
                if (openmetrics)
                    family_name = family_name_without_total(family.name);
                break;
            case SampleType::gauge:
                break;
            case SampleType::histogram:
                type = "histogram";
                break;
            case SampleType::info:
                sample_name = family.name + "_info";
                if (openmetrics)
                    type = "info";
                else
                    family_name = sample_name;
                break;
        }
        out += "# TYPE " + family_name + " ";
        out += type;
        out.push_back('\n');
        if (openmetrics && !family.unit.empty() && ends_with(family_name, "_" + family.unit))
            out += "# UNIT " + family_name + " " + family.unit + "\n";
        if (!family.help.empty())
            out += "# HELP " + family_name + " " + escape_help(family.help, openmetrics) + "\n";
        for (const SeriesSample& series : family.series) {
            if (family.type == SampleType::histogram)
                append_histogram(out, sample_name, series);
            else
                append_sample(out, sample_name, "", series.labels, "",
                              family.type == SampleType::info ? 1.0 : series.value);
        }
    }
    if (openmetrics)
        out += "# EOF\n";
    return out;
}

}  // namespace sc::prometheus
