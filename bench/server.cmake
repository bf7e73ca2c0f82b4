# The network server's benchmarks (docs/performance.md, "The OTLP receiver"). Run from a build
# folder: ./bench/receiver_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
# Stores are created under SC_BENCH_DIR (default /var/tmp, a real disk).
add_executable(receiver_bench ${CMAKE_CURRENT_SOURCE_DIR}/receiver_bench.cpp)
target_link_libraries(receiver_bench PRIVATE sc_receiver benchmark::benchmark sc_warnings)
add_dependencies(receiver_bench sc-server)
target_compile_definitions(receiver_bench PRIVATE SC_SERVER_BINARY="$<TARGET_FILE:sc-server>")
