#pragma once
// What a command handler may use: the environment, the clock, the working folder, the global
// options and a place for warnings. Everything impure reaches handlers through here, so
// commands run the same under tests, the CLI and (later) the MCP server.

#include <functional>
#include <string>

#include "cli/parser.hpp"
#include "util/clock.hpp"
#include "util/environment.hpp"
#include "util/result.hpp"

namespace sc::cli {

/// Receives warnings; the CLI prints them on stderr as `sc: warning: ...`.
using WarningSink = std::function<void(const Error&)>;

class Context {
public:
    Context(const Environment& environment, const Clock& clock, std::string working_directory, GlobalOptions globals,
            WarningSink warnings)
        : m_environment(environment),
          m_clock(clock),
          m_working_directory(std::move(working_directory)),
          m_globals(std::move(globals)),
          m_warnings(std::move(warnings)) {}

    [[nodiscard]] const Environment& environment() const { return m_environment; }
    [[nodiscard]] const Clock& clock() const { return m_clock; }
    [[nodiscard]] const std::string& working_directory() const { return m_working_directory; }
    [[nodiscard]] const GlobalOptions& globals() const { return m_globals; }
    void warn(const Error& warning) const {
        if (m_warnings)
            m_warnings(warning);
    }

private:
    const Environment& m_environment;
    const Clock& m_clock;
    std::string m_working_directory;
    GlobalOptions m_globals;
    WarningSink m_warnings;
};

}  // namespace sc::cli
