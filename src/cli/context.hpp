#pragma once
// What a command handler may use: the environment, the clock, the working folder, the global
// options, the project (resolved once, on first use), the config files, the invocation's
// observer, and a place for warnings. Everything impure reaches handlers through here, so
// commands run the same under tests, the CLI and (later) the MCP server.

#include <functional>
#include <optional>
#include <string>

#include "cli/parser.hpp"
#include "config/config_file.hpp"
#include "tasks/project.hpp"
#include "util/clock.hpp"
#include "util/environment.hpp"
#include "util/result.hpp"

namespace sc::observe {
class CommandObserver;
}

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

    /// The project as `--root-dir`, SCOPECRAFT_ROOT and git decide; resolved once (a reference:
    /// a caller that needs only a path copies nothing).
    const Result<tasks::ProjectPaths>& project();
    /// The user's and the project's config files; loaded once, warnings printed once.
    const config::Values& config();
    /// Give the project and the config files a long-lived server resolved for an earlier
    /// request, so this one does not resolve and read them again. Apart: a request that never
    /// asks for the config files (telemetry off, task_get) still keeps its project.
    void preset_project(tasks::ProjectPaths project) { m_project.emplace(std::move(project)); }
    void preset_config(config::Values config) { m_config.emplace(std::move(config)); }
    /// Hands the resolved project and config files back to the server that preset them (moved:
    /// the context is at its end), so the next request is given them without a copy.
    std::optional<tasks::ProjectPaths> take_project() {
        return project_resolved() ? std::optional<tasks::ProjectPaths>(std::move(*m_project).value()) : std::nullopt;
    }
    std::optional<config::Values> take_config() { return std::exchange(m_config, std::nullopt); }
    /// Whether project() resolved to a project, and whether config() was read (by a call or a preset).
    [[nodiscard]] bool project_resolved() const { return m_project && m_project->ok(); }
    [[nodiscard]] bool config_resolved() const { return m_config.has_value(); }

    /// For commands that stream (`events follow`): writes straight to stdout as data arrives.
    void write_out(std::string_view text) const {
        if (m_stream_out)
            m_stream_out(text);
    }
    void set_stream_out(std::function<void(std::string_view)> out) { m_stream_out = std::move(out); }

    /// The invocation's observer; null when none was started (tests, telemetry compiled out).
    [[nodiscard]] observe::CommandObserver* observer() const { return m_observer; }
    void set_observer(observe::CommandObserver* observer) { m_observer = observer; }

private:
    const Environment& m_environment;
    const Clock& m_clock;
    std::string m_working_directory;
    GlobalOptions m_globals;
    WarningSink m_warnings;
    std::optional<Result<tasks::ProjectPaths>> m_project;
    std::optional<config::Values> m_config;
    observe::CommandObserver* m_observer = nullptr;
    std::function<void(std::string_view)> m_stream_out;
};

}  // namespace sc::cli
