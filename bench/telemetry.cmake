# Telemetry hot paths (docs/telemetry.md "Performance"): the SDK on and off at run time, and the
# same call sites compiled out with SC_TELEMETRY_DISABLED for reference.
add_executable(telemetry_bench ${CMAKE_CURRENT_SOURCE_DIR}/telemetry_bench.cpp)
target_link_libraries(telemetry_bench PRIVATE sc_telemetry_sdk benchmark::benchmark sc_warnings)

add_executable(telemetry_off_bench ${CMAKE_CURRENT_SOURCE_DIR}/telemetry_off_bench.cpp)
target_include_directories(telemetry_off_bench PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(telemetry_off_bench PRIVATE SC_TELEMETRY_DISABLED=1)
target_link_libraries(telemetry_off_bench PRIVATE benchmark::benchmark sc_warnings)
