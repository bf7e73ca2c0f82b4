# Prometheus exposition: arbitrary bytes as stored metric lines, folded into series and rendered
# in both formats. Nothing may crash, and every line written must be a comment or a sample whose
# name is a valid Prometheus name.
#   ./fuzz/prometheus_exposition_fuzz /tmp/prom-corpus ../../tests/fuzz-corpus/prometheus -max_total_time=60
sc_add_fuzzer(prometheus_exposition_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/prometheus_exposition_fuzz.cpp sc_prometheus)
target_compile_options(sc_prometheus PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
