#pragma once
// OpenTelemetry names and units as Prometheus wants them, after the OpenTelemetry
// "Prometheus and OpenMetrics Compatibility" specification (docs/export.md, "Prometheus"):
// invalid characters become `_`, runs of `_` collapse, the unit becomes a word suffix
// (`_seconds`, `_bytes`, `_ratio`) and counters end in `_total`.

#include <string>
#include <string_view>

namespace sc::prometheus {

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`: other characters become `_`, runs of `_` become one, and a
/// leading digit gets a `_` in front. An empty name stays empty.
std::string metric_name(std::string_view otel_name);
/// `[a-zA-Z_][a-zA-Z0-9_]*`, by the same rules (a colon is not allowed in a label name).
std::string label_name(std::string_view otel_key);

/// An OTel (UCUM) unit as Prometheus writes it: the word for the name suffix and the UNIT
/// line, and how values turn into that unit. Time units become seconds and byte multiples
/// bytes (Prometheus' base units), so `ms` is `seconds`, values divided by 1000 (a division by
/// the exact power of ten, so 2.5 ms is exactly the double nearest 0.0025); annotations in
/// braces are dropped (`{task}` has no unit); `1` is `ratio`; `a/b` is `a_per_b`; other units
/// keep their (sanitised) text.
struct Unit {
    std::string word;  // empty: no unit suffix
    double multiply = 1.0;
    double divide = 1.0;

    [[nodiscard]] double apply(double value) const { return value * multiply / divide; }
    [[nodiscard]] double factor() const { return multiply / divide; }
};
Unit convert_unit(std::string_view ucum);

enum class FamilyType { counter, gauge, histogram };

/// The Prometheus family name of an OTel metric: metric_name, then the unit word unless the
/// name already has it as one of its `_` words, then `_total` for a counter (once). `ratio`
/// (the unit `1`) is added to gauges only, as the OpenTelemetry Collector's translator does: a
/// counter or histogram of unit `1` counts things and is not a ratio.
/// This is the name of the samples and of a 0.0.4 TYPE line; OpenMetrics names a counter's
/// family without the `_total` (see family_name_without_total).
std::string prometheus_name(std::string_view otel_name, const Unit& unit, FamilyType type);
/// "x_total" -> "x"; other names unchanged.
std::string family_name_without_total(std::string_view name);

/// A label value between double quotes: `\` `"` and newline escaped.
std::string escape_label_value(std::string_view value);
/// HELP text: `\` and newline escaped (and `"` for OpenMetrics, which reads it like a value).
std::string escape_help(std::string_view help, bool openmetrics);
/// The shortest text that reads back as the same double; `+Inf`, `-Inf`, `NaN`.
std::string format_value(double value);

}  // namespace sc::prometheus
