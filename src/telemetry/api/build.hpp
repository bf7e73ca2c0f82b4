#pragma once
// One switch for the whole API: SC_TELEMETRY_DISABLED (CMake option SC_TELEMETRY=OFF) turns every
// instrumented call site into an empty inline function, so call sites look the same in both builds.

#if defined(SC_TELEMETRY_DISABLED)
#define SC_TELEMETRY_COMPILED 0
#else
#define SC_TELEMETRY_COMPILED 1
#endif
