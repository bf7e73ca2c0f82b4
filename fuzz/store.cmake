# Store fuzzers: the line/envelope reader and the segment reader (scan, recovery, check).
#   ./fuzz/store_line_fuzz ../../tests/fuzz-corpus/store/line -max_total_time=60
#   ./fuzz/store_segment_fuzz ../../tests/fuzz-corpus/store/segment -max_total_time=60
sc_add_fuzzer(store_line_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/store_line_fuzz.cpp sc_store)
sc_add_fuzzer(store_segment_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/store_segment_fuzz.cpp sc_store)
