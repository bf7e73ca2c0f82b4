# Store benchmarks (docs/store.md, "Performance"). Run from a build folder:
#   ./bench/store_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
# Stores are created under SC_BENCH_DIR (default /var/tmp, a real disk: on tmpfs fdatasync is free).
add_executable(store_bench ${CMAKE_CURRENT_SOURCE_DIR}/store_bench.cpp)
target_link_libraries(store_bench PRIVATE sc_store benchmark::benchmark sc_warnings)
# BM_AppendOneFromNewProcess runs the store's small writer program as a new process per append.
add_dependencies(store_bench sc_store_writer)
target_compile_definitions(store_bench PRIVATE SC_STORE_WRITER="$<TARGET_FILE:sc_store_writer>")
