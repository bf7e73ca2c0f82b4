// `sc telemetry ship`: hands the process over to `sc-server ship`, found beside `sc`, so `sc`
// carries no network code and never ships inline (docs/export.md, "Shipping").

#include "cli/commands/commands.hpp"
#include "cli/commands/server_exec.hpp"
#include "cli/context.hpp"

namespace sc::cli {

namespace {

Result<CommandResult> ship(const Invocation& invocation, Context& context) {
    std::vector<std::string> arguments = {"ship"};
    const GlobalOptions& globals = context.globals();
    auto pass = [&](const std::string& option, const std::string& value) {
        arguments.push_back("--" + option);
        arguments.push_back(value);
    };
    if (!globals.root_dir.empty())
        pass("root-dir", globals.root_dir);
    if (!globals.telemetry_dir.empty())
        pass("telemetry-dir", globals.telemetry_dir);
    if (globals.format == OutputFormat::json)
        pass("format", "json");
    if (globals.quiet)
        arguments.emplace_back("--quiet");
    if (invocation.has("follow"))
        arguments.emplace_back("--follow");
    for (const char* option : {"endpoint", "protocol", "cursor", "signals", "give-up-after", "batch-lines"})
        if (auto value = invocation.get(option))
            pass(option, *value);
    return exec_sc_server(std::move(arguments));
}

}  // namespace

void register_ship_commands(Registry& registry) {
    if (!registry.wants("telemetry"))
        return;
    registry.add({
        .group = "telemetry",
        .name = "ship",
        .summary = "Send what is new in the store to an OTLP/HTTP backend (Collector, Jaeger, Tempo)",
        .description =
            "Runs sc-server ship. Ships every signal and the domain events (as OTLP log records) from a saved "
            "cursor in the store's cursors/ folder, at least once; retries 429/502/503/504 and connection failures "
            "with backoff, honouring Retry-After. The endpoint, protocol, headers, timeout and compression come "
            "from OTEL_EXPORTER_OTLP_* or telemetry.export.otlp.* (see `sc telemetry config`). Exit 6 when the "
            "backend stayed unreachable or refused the settings (nothing is lost), 5 when it refused a batch.",
        .arguments = {},
        .options =
            {{"follow", OptionKind::flag, "Keep shipping as new lines arrive (until Ctrl-C)", "", {}, {}},
             {"endpoint", OptionKind::value, "Base URL; /v1/traces, /v1/metrics, /v1/logs are appended", "URL", {}, {}},
             {"protocol",
              OptionKind::value,
              "Wire format (default http/protobuf)",
              "PROTOCOL",
              {"http/protobuf", "http/json"},
              {}},
             {"cursor",
              OptionKind::value,
              "Name of the saved position (default otlp; one per backend)",
              "NAME",
              {},
              {}},
             {"signals",
              OptionKind::value,
              "Ship only these, comma-separated: traces, metrics, logs, events (default all; Jaeger and Tempo take "
              "traces only)",
              "LIST",
              {},
              {}},
             {"give-up-after",
              OptionKind::value,
              "Without --follow: stop retrying a batch after this long (default 60s)",
              "DURATION",
              {},
              {}},
             {"batch-lines", OptionKind::value, "Store lines per request (default 512)", "N", {}, {}}},
        .examples = {"sc telemetry ship --endpoint http://localhost:4318",
                     "OTEL_EXPORTER_OTLP_PROTOCOL=http/json sc telemetry ship --follow",
                     "sc telemetry ship --cursor tempo --endpoint https://tempo.example.com:4318"},
        .mutates = true,
        .handler = ship,
    });
}

}  // namespace sc::cli
