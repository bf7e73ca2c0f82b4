#pragma once
// Continuous shipping inside the long-running server: `sc-server serve` starts one when an
// OTLP endpoint is configured (OTEL_EXPORTER_OTLP_*ENDPOINT or telemetry.export.otlp.*), and it
// follows the store as `sc telemetry ship --follow` does, on its own thread, with the cursor
// name `server` so it does not contend with a shipper run by hand.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cli/context.hpp"
#include "ship/shipper.hpp"

namespace sc::ship {

class BackgroundShipper {
public:
    /// Starts following `options.store_root` (options.follow is forced on). `log` takes one line.
    BackgroundShipper(ShipOptions options, std::function<void(const std::string&)> log);
    ~BackgroundShipper();
    BackgroundShipper(const BackgroundShipper&) = delete;
    BackgroundShipper& operator=(const BackgroundShipper&) = delete;

    /// Asks the thread to stop and waits: it ends between requests (a request in flight runs
    /// to its timeout), within about a second otherwise. Its cursors keep what was acknowledged.
    void stop();

private:
    class WakeableSleeper;
    void run();

    ShipOptions m_options;
    std::function<void(const std::string&)> m_log;
    std::atomic<bool> m_stop {false};
    std::unique_ptr<WakeableSleeper> m_sleeper;
    std::thread m_thread;
};

/// For `sc-server serve`: a shipper following the store when an endpoint is configured, else
/// null (and when the endpoint is the server itself, null with a line logged saying why).
std::unique_ptr<BackgroundShipper> start_server_shipping(const std::string& store_root, cli::Context& context,
                                                         const std::string& host, int port,
                                                         const std::function<void(const std::string&)>& log);

/// Whether `url` points at this server itself (same port on a loopback or the listening host):
/// shipping there would receive and resend the same lines for ever.
bool points_at_self(const std::string& url, const std::string& host, int port);

}  // namespace sc::ship
