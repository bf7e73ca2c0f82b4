# The shipper's throughput, store to a local sink (docs/performance.md, "The shipper"). Run from
# a build folder: ./bench/ship_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
# The store is created under SC_BENCH_DIR (default /var/tmp, a real disk).
pkg_check_modules(SC_BENCH_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_executable(ship_bench ${CMAKE_CURRENT_SOURCE_DIR}/ship_bench.cpp)
target_link_libraries(ship_bench PRIVATE sc_ship benchmark::benchmark PkgConfig::SC_BENCH_HTTPLIB sc_warnings)
