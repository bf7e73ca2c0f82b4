#include "server/watch_run.hpp"

#include <cstdlib>
#include <exception>

#include "server/console.hpp"
#include "server/stop_signals.hpp"
#include "tasks/watch_client.hpp"
#include "util/files.hpp"

namespace sc::server {

namespace {

constexpr const char* k_usage = "sc-server watch [--root-dir DIR] [--quiet]";

}  // namespace

Result<observe::WatchServiceOptions> watch_options(cli::Context& context) {
    tasks::ProjectPaths project = SC_TRY(context.project());
    if (!files::is_directory(project.tasks_dir))
        return make_error(ErrorCode::not_found, "the project has no task store yet (" + project.tasks_dir + ")",
                          "run sc init in the project first");
    observe::WatchServiceOptions options;
    options.roots.store = project.tasks_dir;
    // The trees a command of this project checks (tasks::TaskService::for_project): `.tasks/`
    // only when it exists. A client with other roots is answered "anything".
    if (files::is_directory(project.local_tasks_dir))
        options.roots.project_local = project.local_tasks_dir;
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    options.socket_path = tasks::watch_socket_path(project.store_dir, runtime != nullptr ? runtime : "");
    options.log_bound = observe::watch_log_bound_from(std::getenv("SCOPECRAFT_WATCH_LOG_BOUND"));
    return options;
}

std::unique_ptr<WatchThread> WatchThread::start(cli::Context& context,
                                                const std::function<void(const std::string&)>& say) {
    Result<observe::WatchServiceOptions> options = watch_options(context);
    if (!options.ok())
        return nullptr;  // not in a project: nothing to watch
    Result<std::unique_ptr<observe::WatchService>> service = observe::WatchService::start(options.value());
    if (!service.ok()) {
        say("watch service not started: " + service.error().message);
        return nullptr;
    }
    std::unique_ptr<WatchThread> thread(new WatchThread());
    thread->m_service = std::move(service.value());
    say("watching the task trees for commands (socket " + thread->m_service->socket_path() + ")");
    thread->m_thread = std::thread([raw = thread.get()] { raw->m_service->run(raw->m_stop); });
    return thread;
}

WatchThread::~WatchThread() {
    m_stop.store(true);
    if (m_thread.joinable())
        m_thread.join();
}

int run_watch(const std::vector<std::string>& arguments) {
    cli::GlobalOptions globals;
    for (size_t i = 0; i < arguments.size(); ++i) {
        if (arguments[i] == "--root-dir" && i + 1 < arguments.size())
            globals.root_dir = arguments[++i];
        else if (arguments[i] == "--telemetry-dir" && i + 1 < arguments.size())
            ++i;  // taken by every sc-server subcommand; the service keeps no telemetry
        else if (arguments[i] == "--quiet")
            globals.quiet = true;
        else if (arguments[i] == "--no-telemetry")
            continue;
        else {
            say_error(make_error(ErrorCode::invalid_argument, "unknown argument \"" + arguments[i] + "\"",
                                 std::string("usage: ") + k_usage));
            return 2;
        }
    }
    // SIGINT and SIGTERM end the loop through a flag the thread that takes them sets.
    sigset_t signals = block_stop_signals();
    try {
        ProcessEnvironment environment;
        SystemClock clock;
        const bool quiet = globals.quiet;
        cli::Context context(environment, clock, current_directory(), globals, [quiet](const Error& warning) {
            if (!quiet)
                say("warning: " + warning.message);
        });
        Result<observe::WatchServiceOptions> options = watch_options(context);
        if (!options.ok()) {
            say_error(options.error());
            return 2;
        }
        Result<std::unique_ptr<observe::WatchService>> service = observe::WatchService::start(options.value());
        if (!service.ok()) {
            say_error(service.error());
            return 1;
        }
        say(std::string("watching ") + options.value().roots.store +
            (options.value().roots.project_local.empty() ? "" : " and " + options.value().roots.project_local) +
            " on " + service.value()->socket_path() +
            (service.value()->exact() ? "" : " (no inotify here: every answer is \"anything\")"));
        std::atomic<bool> stop {false};
        {
            StopSignalThread stopper(signals, [&stop](int) { stop.store(true); });
            service.value()->run(stop);
        }
        service.value().reset();  // removes the socket
        say("stopped");
        return 0;
    } catch (const std::exception& exception) {
        say(std::string("error: unexpected failure: ") + exception.what());
    }
    return 70;
}

}  // namespace sc::server
