#pragma once
// Expected failures as values. A function that can fail in a way a user can act on returns
// Result<T>; the error says what went wrong, where (file, line, field) and what to do.
// Truly unexpected failures (bugs) may throw; each entry point has one catch site.

#include <string>
#include <utility>
#include <variant>

namespace sc {

/// Broad classes of failure; the CLI maps them to exit codes, MCP to tool errors.
enum class ErrorCode {
    invalid_argument,  // the caller asked for something malformed
    not_found,         // a named thing does not exist
    already_exists,    // creating something that is there
    conflict,          // a concurrent change won (optimistic concurrency, locks)
    parse,             // a file or message could not be read as its format
    io,                // the operating system refused (disk full, permissions, ...)
    unsafe_path,       // a user-given path or id would leave its tree
    unsupported,       // valid, but not something this build does
    cancelled,         // the caller asked to stop (an MCP client's notifications/cancelled)
    internal,          // a bug
};

/// "not_found", "invalid_argument", ...: for error.type attributes and machine output.
const char* error_code_name(ErrorCode code);

/// Where a problem is: a file, optionally a 1-based line, optionally a field name.
struct Location {
    std::string file;
    int line = 0;
    std::string field;

    [[nodiscard]] bool empty() const { return file.empty() && line == 0 && field.empty(); }
    /// "file:line: field" with absent parts left out.
    [[nodiscard]] std::string to_string() const;
};

struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;  // what went wrong, one sentence without a trailing period
    Location where;       // where it went wrong, if anywhere in particular
    std::string hint;     // what the user can do about it, may be empty

    /// One line: "what (where)"; the hint is rendered separately by the interface layer.
    [[nodiscard]] std::string describe() const;
};

Error make_error(ErrorCode code, std::string message, std::string hint = {});
Error make_error(ErrorCode code, std::string message, Location where, std::string hint = {});

/// Result<T>: either a T or an Error. Deliberately small; C++23's std::expected is not
/// available to our C++20 toolchain.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_state); }
    const T& value() const& { return std::get<0>(m_state); }
    T&& value() && { return std::get<0>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const& { return std::get<1>(m_state); }
    Error&& error() && { return std::get<1>(std::move(m_state)); }

    T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, Error> m_state;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const& { return m_error; }
    Error&& error() && { return std::move(m_error); }
    void value() const {}

private:
    Error m_error;
    bool m_failed = false;
};

using Status = Result<void>;

}  // namespace sc

// SC_TRY(expr): evaluate a Result; on error return it from the enclosing function, otherwise
// yield the value. Uses a GNU statement expression (g++ and clang), as SerenityOS's TRY does.
#define SC_TRY(expression)                            \
    ({                                                \
        auto&& sc_try_result_ = (expression);         \
        if (!sc_try_result_.ok())                     \
            return std::move(sc_try_result_).error(); \
        std::move(sc_try_result_).value();            \
    })
