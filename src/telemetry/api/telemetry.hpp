#pragma once
// The whole telemetry API in one include, for domain code: spans, metrics and logs. It has no
// dependencies beyond the standard library and a no-op default (nothing is recorded until the
// pipeline in telemetry/pipeline.hpp installs the SDK).

#include "telemetry/api/attributes.hpp"
#include "telemetry/api/logs.hpp"
#include "telemetry/api/metrics.hpp"
#include "telemetry/api/span_context.hpp"
#include "telemetry/api/trace.hpp"
