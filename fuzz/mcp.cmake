# MCP message handling: arbitrary bytes as a stdio line (and split into lines), before and after
# initialize. Nothing may crash, and every answer must be one line of valid JSON.
#   ./fuzz/mcp_message_fuzz /tmp/mcp-corpus ../../tests/fuzz-corpus/mcp_message -max_total_time=60
sc_add_fuzzer(mcp_message_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/mcp_message_fuzz.cpp sc_mcp)
target_compile_options(sc_mcp PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
