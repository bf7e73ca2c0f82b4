#pragma once
// Attributes as the API sees them: borrowed views of the caller's data that live only for the
// duration of one call. The SDK copies what it keeps, so call sites can pass string_views,
// literals and temporaries without allocating when telemetry is off.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "telemetry/api/build.hpp"

namespace sc::telemetry {

/// The value types of the OTel attribute model that we support (OTLP AnyValue minus bytes/kvlist).
enum class ValueKind : uint8_t { boolean, integer, floating, string, string_array, integer_array, floating_array };

/// A borrowed attribute value. Integers of every width become int64 (unsigned values above
/// INT64_MAX wrap, as OTLP has no unsigned attribute type).
class ValueView {
public:
    /// false: lets a caller keep attributes in a fixed array filled as it goes.
    ValueView() : m_kind(ValueKind::boolean) {}
    ValueView(bool value) : m_kind(ValueKind::boolean) { m_scalar.boolean = value; }  // NOLINT
    template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>) ValueView(T value)
        : m_kind(ValueKind::integer) {  // NOLINT
        m_scalar.integer = static_cast<int64_t>(value);
    }
    ValueView(double value) : m_kind(ValueKind::floating) { m_scalar.floating = value; }                      // NOLINT
    ValueView(float value) : m_kind(ValueKind::floating) { m_scalar.floating = static_cast<double>(value); }  // NOLINT
    ValueView(const char* value) : m_kind(ValueKind::string) {                                                // NOLINT
        std::string_view text = value == nullptr ? std::string_view {} : std::string_view {value};
        m_data = text.data();
        m_size = text.size();
    }
    ValueView(std::string_view value)
        : m_kind(ValueKind::string), m_data(value.data()), m_size(value.size()) {}  // NOLINT
    ValueView(const std::string& value) : ValueView(std::string_view {value}) {}    // NOLINT
    ValueView(std::span<const std::string_view> values)                             // NOLINT
        : m_kind(ValueKind::string_array), m_data(values.data()), m_size(values.size()) {}
    ValueView(std::span<const int64_t> values)  // NOLINT
        : m_kind(ValueKind::integer_array), m_data(values.data()), m_size(values.size()) {}
    ValueView(std::span<const double> values)  // NOLINT
        : m_kind(ValueKind::floating_array), m_data(values.data()), m_size(values.size()) {}

    [[nodiscard]] ValueKind kind() const { return m_kind; }
    [[nodiscard]] bool as_bool() const { return m_scalar.boolean; }
    [[nodiscard]] int64_t as_int() const { return m_scalar.integer; }
    [[nodiscard]] double as_double() const { return m_scalar.floating; }
    [[nodiscard]] std::string_view as_string() const { return {static_cast<const char*>(m_data), m_size}; }
    [[nodiscard]] std::span<const std::string_view> as_string_array() const {
        return {static_cast<const std::string_view*>(m_data), m_size};
    }
    [[nodiscard]] std::span<const int64_t> as_int_array() const {
        return {static_cast<const int64_t*>(m_data), m_size};
    }
    [[nodiscard]] std::span<const double> as_double_array() const {
        return {static_cast<const double*>(m_data), m_size};
    }

private:
    ValueKind m_kind;
    union {
        bool boolean;
        int64_t integer;
        double floating;
    } m_scalar {};
    const void* m_data = nullptr;
    size_t m_size = 0;
};

/// One key/value pair. Keys follow the OTel naming rules; ours live under `scopecraft.*`.
struct Attribute {
    std::string_view key;
    ValueView value;
};

/// A borrowed list of attributes: built from a braced list at the call site
/// (`{{"scopecraft.task.id", id}, {"scopecraft.task.type", "feature"}}`) or from a span.
/// It must not outlive the full expression it was written in.
class AttributeList {
public:
    AttributeList() = default;
// The list borrows the braced list's array on purpose: it lives until the end of the full
// expression, which is as long as an AttributeList may be used.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
    AttributeList(std::initializer_list<Attribute> attributes)  // NOLINT
        : m_data(attributes.begin()), m_size(attributes.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    AttributeList(std::span<const Attribute> attributes)  // NOLINT
        : m_data(attributes.data()), m_size(attributes.size()) {}

    [[nodiscard]] const Attribute* begin() const {
        return m_data;
    }
    [[nodiscard]] const Attribute* end() const {
        return m_data + m_size;
    }
    [[nodiscard]] size_t size() const {
        return m_size;
    }
    [[nodiscard]] bool empty() const {
        return m_size == 0;
    }
    const Attribute& operator[](size_t index) const {
        return m_data[index];
    }

private:
    const Attribute* m_data = nullptr;
    size_t m_size = 0;
};

/// The instrumentation scope (OTLP `scope`): the library that produced a signal. Names are
/// string literals with static storage, e.g. "scopecraft.tasks"; the SDK keeps the view.
struct InstrumentationScope {
    std::string_view name;
    std::string_view version;
};

}  // namespace sc::telemetry
