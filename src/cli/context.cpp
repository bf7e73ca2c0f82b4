#include "cli/context.hpp"

namespace sc::cli {

const Result<tasks::ProjectPaths>& Context::project() {
    if (!m_project) {
        tasks::ProjectOptions options;
        if (!m_globals.root_dir.empty())
            options.root_dir = m_globals.root_dir;
        options.current_directory = m_working_directory;
        m_project.emplace(tasks::resolve_project(m_environment, options));
    }
    return *m_project;
}

const config::Values& Context::config() {
    if (!m_config) {
        const Result<tasks::ProjectPaths>& paths = project();
        std::vector<std::string> files =
            config::default_paths(m_environment, paths.ok() ? paths->project_root : std::string());
        config::Loaded loaded = config::load_files(files);
        for (const Error& warning : loaded.warnings)
            warn(warning);
        m_config.emplace(std::move(loaded.values));
    }
    return *m_config;
}

}  // namespace sc::cli
