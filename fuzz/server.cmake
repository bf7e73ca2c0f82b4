# The OTLP receiver's decoders (protobuf and OTLP JSON bodies), as sc-server runs them: nothing
# may crash, every answer is well formed, and stored lines read back to a fixed point.
#   ./fuzz/otlp_protobuf_fuzz /tmp/otlp-pb ../../tests/fuzz-corpus/otlp/protobuf -max_total_time=60
#   ./fuzz/otlp_json_fuzz /tmp/otlp-json ../../tests/fuzz-corpus/otlp/json -max_total_time=60
sc_add_fuzzer(otlp_protobuf_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/otlp_protobuf_fuzz.cpp sc_receiver nlohmann_json::nlohmann_json)
sc_add_fuzzer(otlp_json_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/otlp_json_fuzz.cpp sc_receiver nlohmann_json::nlohmann_json)
target_compile_options(sc_receiver PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
