#pragma once
// The process environment behind a seam, so configuration and propagation are testable
// without touching the real environment.

#include <map>
#include <optional>
#include <string>

namespace sc {

class Environment {
public:
    virtual ~Environment() = default;
    [[nodiscard]] virtual std::optional<std::string> get(const std::string& name) const = 0;
};

/// Reads the real process environment.
class ProcessEnvironment final : public Environment {
public:
    [[nodiscard]] std::optional<std::string> get(const std::string& name) const override;
};

/// A fixed map, for tests and for building a child process's environment.
class MapEnvironment final : public Environment {
public:
    MapEnvironment() = default;
    explicit MapEnvironment(std::map<std::string, std::string> values) : m_values(std::move(values)) {}
    [[nodiscard]] std::optional<std::string> get(const std::string& name) const override;
    void set(const std::string& name, std::string value) { m_values[name] = std::move(value); }

private:
    std::map<std::string, std::string> m_values;
};

}  // namespace sc
