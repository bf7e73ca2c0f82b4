# sc_optimize_for_size(<target>...): -Os for code that a command runs once rather than in a
# loop: the telemetry start-up and export, the observer. On a VM whose page faults cost
# 13-21 µs, what such code costs is the pages it touches, not its instructions: with -Os on
# these libraries, `task create` with telemetry on went from +1.94 to +0.89 ms over telemetry
# off (docs/performance.md). The store and the task core keep the release build's -O2
# (CMakeLists.txt): they have the hot loops
# (batched appends, scans, listing 10,000 files).
function(sc_optimize_for_size)
  foreach(target ${ARGN})
    target_compile_options(${target} PRIVATE $<$<CONFIG:Release,RelWithDebInfo>:-Os>)
  endforeach()
endfunction()
