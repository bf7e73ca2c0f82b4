# Task documents: parsing arbitrary bytes, then editing what parses and reading it back.
#   ./fuzz/task_document_fuzz /tmp/task-corpus ../../tests/fuzz-corpus/task_document -max_total_time=60
sc_add_fuzzer(task_document_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/task_document_fuzz.cpp sc_tasks)
# Coverage-guided fuzzing needs the library instrumented too, not only the entry point.
target_compile_options(sc_tasks PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
# The watch service's exchange: its request parser and the client's answer parser (first byte
# picks the side), with what the callers rely on checked on everything they accept.
#   ./fuzz/watch_protocol_fuzz /tmp/watch-corpus ../../tests/fuzz-corpus/watch_protocol -max_total_time=60
sc_add_fuzzer(watch_protocol_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/watch_protocol_fuzz.cpp sc_tasks)
