#pragma once
// Starting the telemetry of one unit of work: a command of `sc`, or a request to the MCP server.
// Both decide "off" the same way and build their settings from the same Context.

#include <memory>
#include <optional>
#include <string>

#include "cli/context.hpp"
#include "observe/command_observer.hpp"

namespace sc::cli {

/// Starts the observer of `command` run in `context` and registers it there; null when
/// telemetry is off (`--no-telemetry`, or OTEL_SDK_DISABLED=true, which no config file can
/// override: decided before any config file is read) or compiled out. `request` makes it a
/// server request's observer (span name, kind, attributes, actor); `session` the long-lived
/// server's ObserverSession it runs in.
std::unique_ptr<observe::CommandObserver> start_observer(
    Context& context, std::string command, std::optional<observe::ObserverOptions::Request> request = std::nullopt,
    observe::ObserverSession* session = nullptr);

}  // namespace sc::cli
