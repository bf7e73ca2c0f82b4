# `/metrics` scrape time on a store of 1,000,000 metric points (docs/performance.md,
# "Prometheus scrape"). Run from a build folder:
#   ./bench/prometheus_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
# The store (about 400 MB) is built under SC_BENCH_DIR (default /var/tmp) and removed at exit.
add_executable(prometheus_bench ${CMAKE_CURRENT_SOURCE_DIR}/prometheus_bench.cpp)
target_link_libraries(prometheus_bench PRIVATE sc_prometheus nlohmann_json::nlohmann_json benchmark::benchmark sc_warnings)
