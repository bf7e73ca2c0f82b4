# Store fuzzers: the line/envelope reader and the segment reader (scan, recovery, check).
#   ./fuzz/store_line_fuzz ../../tests/fuzz-corpus/store/line -max_total_time=60
#   ./fuzz/store_segment_fuzz ../../tests/fuzz-corpus/store/segment -max_total_time=60
sc_add_fuzzer(store_line_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/store_line_fuzz.cpp sc_store)
sc_add_fuzzer(store_segment_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/store_segment_fuzz.cpp sc_store)
# The one-pass JSON check the store runs on event data, against simdjson (differential).
#   ./fuzz/json_check_fuzz ../../tests/fuzz-corpus/json/check -max_total_time=60
sc_add_fuzzer(json_check_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/json_check_fuzz.cpp sc_store sc_util)
# util holds json::check and the text scanners the store and the task parser lean on.
target_compile_options(sc_util PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
