#pragma once
// What a feature of the network server gets when it adds its routes (routes.cpp): the
// resolved settings, the store the server writes, and where it listens. Built once by
// `sc-server serve` before the server binds; it outlives the server.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "server/store_writer.hpp"
#include "telemetry/sdk/settings.hpp"

namespace sc::server {

struct ServeContext {
    /// The environment, clock, config files, project and global options (--root-dir,
    /// --telemetry-dir, --no-telemetry) of the server process. Routes that run commands build
    /// their own Context per request from these (a Context is not shared between threads).
    cli::Context* context = nullptr;
    /// Every telemetry setting with its origin (telemetry.enabled is false under --no-telemetry:
    /// the server records no telemetry of its own, but still stores what it receives).
    const telemetry::sdk::ResolvedSettings* settings = nullptr;
    /// The telemetry store folder and the one open store every route appends to.
    std::string store_root;
    std::shared_ptr<StoreWriter> store;
    /// The address the server listens on, and whether only this machine can reach it.
    std::string host;
    bool loopback = true;
    /// Files given to --open: the viewer shows them without storing them.
    std::vector<std::string> open_files;
    /// Writes a line to stderr, prefixed "sc-server: ".
    std::function<void(const std::string&)> log;
};

}  // namespace sc::server
