// Writes spans, metrics and logs of every kind through the real pipeline into
// <folder>/{traces,metrics,logs}.jsonl, for check-otlp-lines.js to decode independently.

#include <cstdio>
#include <string>
#include <vector>

#include "telemetry/api/telemetry.hpp"
#include "telemetry/pipeline.hpp"

using namespace sc::telemetry;

namespace {

constexpr Tracer k_tracer {"scopecraft.samples", "0.1.0"};
constexpr Logger k_logger {"scopecraft.samples"};
const Counter<int64_t> k_commands {"scopecraft.samples", "scopecraft.command.count", "{command}", "Commands run"};
const Counter<double> k_cost {"scopecraft.samples", "scopecraft.session.cost", "USD", "Agent cost"};
const UpDownCounter<int64_t> k_active {"scopecraft.samples", "scopecraft.session.active", "{session}"};
const Histogram<double> k_duration {"scopecraft.samples", "scopecraft.command.duration", "s", "Command time"};
constexpr double k_size_bounds[] = {10.0, 100.0, 1000.0};
const Histogram<int64_t> k_size {"scopecraft.samples", "scopecraft.task.size", "By", "Task sizes", k_size_bounds};

void write_traces() {
    Span root = k_tracer.start_span("sc task create", {.kind = SpanKind::server});
    auto scope = root.activate();
    const std::string_view tags[] = {"auth", "backend"};
    const int64_t numbers[] = {1, -2, 3};
    const double ratios[] = {0.5, 1.25};
    root.set_attributes({{"scopecraft.task.id", "auth-05K"},
                         {"scopecraft.task.priority", 3},
                         {"scopecraft.ratio", 0.75},
                         {"scopecraft.dry_run", false},
                         {"scopecraft.task.tags", std::span<const std::string_view>(tags)},
                         {"scopecraft.numbers", std::span<const int64_t>(numbers)},
                         {"scopecraft.ratios", std::span<const double>(ratios)},
                         {"scopecraft.unicode", "caf\xC3\xA9 \"quoted\"\n"}});
    root.add_event("validated", {{"scopecraft.fields", 4}});
    for (SpanKind kind : {SpanKind::internal, SpanKind::client, SpanKind::producer, SpanKind::consumer}) {
        Span child = k_tracer.start_span("child", {.kind = kind});
        child.add_link(root.context(), {{"scopecraft.link", "sibling"}});
        child.set_status(StatusCode::ok);
    }
    Span failing = k_tracer.start_span("git worktree add", {.kind = SpanKind::client});
    failing.record_exception("sc::Error", "fatal: invalid reference", "frame 1\nframe 2");
    failing.set_error("not_found", "branch missing");
}

void write_metrics() {
    k_commands.add(1, {{"scopecraft.command", "task create"}, {"error.type", "none"}});
    k_commands.add(2, {{"scopecraft.command", "task list"}});
    k_cost.add(0.0123, {{"gen_ai.request.model", "claude"}});
    k_active.add(2);
    k_active.add(-1);
    for (double seconds : {0.002, 0.04, 0.3, 2.0, 20.0})
        k_duration.record(seconds, {{"scopecraft.command", "task list"}});
    k_size.record(640);
    observe({"scopecraft.samples",
             "scopecraft.store.bytes",
             "By",
             "Store size",
             InstrumentKind::observable_gauge,
             true,
             {}},
            [](Observer& observer, void*) {
                observer.observe(int64_t {123456}, {{"scopecraft.signal", "traces"}});
            });
    observe({"scopecraft.samples",
             "scopecraft.process.cpu",
             "s",
             "CPU time",
             InstrumentKind::observable_counter,
             false,
             {}},
            [](Observer& observer, void*) { observer.observe(0.25); });
}

void write_logs() {
    k_logger.emit(Severity::debug, "dropped by the default level");
    k_logger.info("task created", {{"scopecraft.task.id", "auth-05K"}});
    Span span = k_tracer.start_span("with logs");
    auto scope = span.activate();
    k_logger.warn("worktree dirty", {{"vcs.repository.ref.name", "main"}});
    k_logger.error("agent failed", {{"error.type", "exit_code"}, {"process.exit.code", 2}});
    k_logger.emit(Severity::fatal, "giving up");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: write_otlp_samples FOLDER\n");
        return 2;
    }
    PipelineOptions options;
    options.service_version = "0.1.0";
    options.settings.resource_attributes = "deployment.environment=test,team=a%2Cb";
    std::string folder = argv[1];
    options.make_sink = [folder] { return std::make_shared<exporters::FileSignalSink>(folder); };
    int failures = 0;
    options.on_export_failure = [&](const sc::Error& error) {
        std::fprintf(stderr, "write_otlp_samples: %s\n", error.describe().c_str());
        ++failures;
    };
    std::vector<sc::Error> warnings;
    auto pipeline = Pipeline::start(std::move(options), warnings);
    for (const sc::Error& warning : warnings)
        std::fprintf(stderr, "warning: %s\n", warning.describe().c_str());
    write_traces();
    write_metrics();
    write_logs();
    pipeline->shutdown();
    return failures == 0 && warnings.empty() ? 0 : 1;
}
