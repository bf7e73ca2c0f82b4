#pragma once

namespace sc::telemetry::sdk {

/// What an exporter reports for one batch. Exporters never throw and never fail their caller.
enum class ExportResult { success, failure };

}  // namespace sc::telemetry::sdk
