# Sessions: a generator of session events for `sc sessions stats`, timed with the dispatch
# overhead by bench/sessions_bench.sh (docs/performance.md, "Sessions").
add_executable(gen_sessions ${CMAKE_CURRENT_SOURCE_DIR}/gen_sessions.cpp)
target_link_libraries(gen_sessions PRIVATE sc_store sc_warnings)
