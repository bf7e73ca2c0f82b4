#include "util/environment.hpp"

#include <cstdlib>

namespace sc {

std::optional<std::string> ProcessEnvironment::get(const std::string& name) const {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr)
        return std::nullopt;
    return std::string(value);
}

std::optional<std::string> MapEnvironment::get(const std::string& name) const {
    auto found = m_values.find(name);
    if (found == m_values.end())
        return std::nullopt;
    return found->second;
}

}  // namespace sc
