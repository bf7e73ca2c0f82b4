#include "cli/observer_start.hpp"

#include "telemetry/api/build.hpp"
#include "util/text.hpp"

namespace sc::cli {

std::unique_ptr<observe::CommandObserver> start_observer(Context& context, std::string command,
                                                         std::optional<observe::ObserverOptions::Request> request,
                                                         observe::ObserverSession* session) {
#if SC_TELEMETRY_COMPILED
    // A server's session that has started was not disabled by OTEL_SDK_DISABLED (its
    // environment is the server's), and took its settings and store from the first request's
    // config, flags and project: a later request needs none of them (no copy of each).
    const bool resumed = session != nullptr && session->started();
    // Off means free: end here, before any config file is read or setting resolved.
    bool disabled = context.globals().no_telemetry;
    if (!disabled && !resumed)
        if (std::optional<std::string> variable = context.environment().get("OTEL_SDK_DISABLED"))
            disabled = text::to_lower_ascii(text::trim(*variable)) == "true";
    if (disabled)
        return nullptr;
    observe::ObserverOptions options;
    options.environment = &context.environment();
    options.clock = &context.clock();
    if (!resumed) {
        options.config = &context.config();
        options.flags = telemetry_flags(context.globals());
        if (const Result<tasks::ProjectPaths>& project = context.project(); project.ok())
            options.project = project.value();
    }
    options.command = std::move(command);
    options.warn = [&context](const Error& warning) { context.warn(warning); };
    options.request = std::move(request);
    options.session = session;
    std::unique_ptr<observe::CommandObserver> observer = observe::CommandObserver::start(std::move(options));
    context.set_observer(observer.get());
    return observer;
#else
    (void)context, (void)command, (void)request, (void)session;
    return nullptr;
#endif
}

}  // namespace sc::cli
