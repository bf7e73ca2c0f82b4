#include "ship/background.hpp"

#include <random>

#include "util/clock.hpp"
#include "util/text.hpp"

namespace sc::ship {

class BackgroundShipper::WakeableSleeper final : public Sleeper {
public:
    explicit WakeableSleeper(std::atomic<bool>& stop) : m_stop(stop) {}
    bool sleep(std::chrono::milliseconds duration) override {
        std::unique_lock lock(m_mutex);
        return !m_wake.wait_for(lock, duration, [this] { return m_stop.load(); });
    }
    void wake() {
        std::lock_guard lock(m_mutex);
        m_wake.notify_all();
    }

private:
    std::atomic<bool>& m_stop;
    std::mutex m_mutex;
    std::condition_variable m_wake;
};

BackgroundShipper::BackgroundShipper(ShipOptions options, std::function<void(const std::string&)> log)
    : m_options(std::move(options)), m_log(std::move(log)), m_sleeper(std::make_unique<WakeableSleeper>(m_stop)) {
    m_options.follow = true;
    m_thread = std::thread([this] { run(); });
}

BackgroundShipper::~BackgroundShipper() {
    stop();
}

void BackgroundShipper::stop() {
    m_stop.store(true);
    m_sleeper->wake();
    if (m_thread.joinable())
        m_thread.join();
}

void BackgroundShipper::run() {
    try {
        CurlHttpClient client;
        SystemClock clock;
        std::mt19937_64 generator {std::random_device {}()};
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        ShipSeams seams;
        seams.client = &client;
        seams.clock = &clock;
        seams.sleeper = m_sleeper.get();
        seams.random01 = [&] { return uniform(generator); };
        seams.log = [this](const std::string& line) { m_log("ship: " + line); };
        seams.stop = &m_stop;
        Result<ShipReport> report = ship(m_options, seams);
        if (!report.ok()) {
            m_log("ship: stopped: " + report.error().describe());
        } else if (report->failure) {
            m_log("ship: stopped: " + report->failure->describe() +
                  (report->failure->hint.empty() ? "" : " (" + report->failure->hint + ")"));
        } else {
            uint64_t lines = 0;
            for (const SignalReport& counts : report->by_signal)
                lines += counts.lines;
            m_log("ship: stopped after shipping " + std::to_string(lines) + " lines");
        }
    } catch (const std::exception& exception) {
        m_log(std::string("ship: stopped by an unexpected failure: ") + exception.what());
    }
}

std::unique_ptr<BackgroundShipper> start_server_shipping(const std::string& store_root, cli::Context& context,
                                                         const std::string& host, int port,
                                                         const std::function<void(const std::string&)>& log) {
    telemetry::sdk::SettingsSources sources;
    sources.environment = &context.environment();
    sources.file = &context.config();
    telemetry::sdk::ExportSettings settings = telemetry::sdk::resolve_export_settings(sources);
    for (const Error& warning : settings.warnings)
        context.warn(warning);
    if (!settings.endpoint_configured)
        return nullptr;
    for (const telemetry::sdk::OtlpTarget& target : settings.targets) {
        if (points_at_self(target.url, host, port)) {
            log("ship: not shipping: " + target.url +
                " is this server itself, which would receive and resend the same lines for ever; point "
                "OTEL_EXPORTER_OTLP_ENDPOINT (or telemetry.export.otlp.endpoint) at another backend");
            return nullptr;
        }
    }
    ShipOptions options;
    options.store_root = store_root;
    options.cursor_name = "server";
    options.targets = settings.targets;
    const telemetry::sdk::OtlpTarget& traces = settings.target(telemetry::sdk::OtlpSignal::traces);
    log("ship: following the store to " + traces.url + " and the metrics and logs endpoints beside it (" +
        std::string(telemetry::sdk::to_string(traces.protocol)) + ", cursor server)");
    return std::make_unique<BackgroundShipper>(std::move(options), log);
}

bool points_at_self(const std::string& url, const std::string& host, int port) {
    std::string lower = text::to_lower_ascii(url);
    size_t scheme = lower.find("://");
    if (scheme == std::string::npos)
        return false;
    std::string authority = lower.substr(scheme + 3, lower.find('/', scheme + 3) - scheme - 3);
    size_t colon = authority.rfind(':');
    std::string url_host = colon == std::string::npos ? authority : authority.substr(0, colon);
    std::string url_port =
        colon == std::string::npos ? (lower.starts_with("https") ? "443" : "80") : authority.substr(colon + 1);
    if (url_port != std::to_string(port))
        return false;
    if (url_host.starts_with('[') && url_host.ends_with(']'))
        url_host = url_host.substr(1, url_host.size() - 2);
    auto local = [](const std::string& name) {
        return name == "localhost" || name.starts_with("127.") || name == "::1" || name == "0.0.0.0" || name == "::";
    };
    return url_host == text::to_lower_ascii(host) || (local(url_host) && (local(host) || host.empty()));
}

}  // namespace sc::ship
