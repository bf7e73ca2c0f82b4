# The stand-in agent's way into the store when no OTLP receiver runs (tests/stand-in-agent).
add_executable(sc_test_otlp_append ${CMAKE_CURRENT_LIST_DIR}/../stand-in-agent/otlp_append.cpp)
set_target_properties(sc_test_otlp_append PROPERTIES OUTPUT_NAME sc-test-otlp-append)
target_link_libraries(sc_test_otlp_append PRIVATE sc_store sc_warnings)

# End-to-end tests: GoogleTest programs that run the real `sc` binary in a temporary HOME and
# project (a fresh git repository), one behaviour per test.
file(GLOB SC_E2E_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*_test.cpp)
add_executable(e2e_tests ${SC_E2E_TESTS} ${CMAKE_CURRENT_LIST_DIR}/sandbox.cpp ${CMAKE_CURRENT_LIST_DIR}/server_process.cpp)
target_include_directories(e2e_tests PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
# sc_otlp_proto and zlib build the receiver's protobuf and gzip request bodies.
find_package(ZLIB REQUIRED)
target_link_libraries(e2e_tests PRIVATE sc_util sc_otlp_proto ZLIB::ZLIB nlohmann_json::nlohmann_json GTest::gtest
  GTest::gtest_main sc_warnings)
target_compile_definitions(e2e_tests PRIVATE SC_BINARY="$<TARGET_FILE:sc>" SC_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  SC_TEST_OTLP_APPEND="$<TARGET_FILE:sc_test_otlp_append>")
add_dependencies(e2e_tests sc sc-server sc-search sc_test_otlp_append)
gtest_discover_tests(e2e_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS e2e)

# `sc traces export --format otlp` decoded by the OpenTelemetry JS generated classes, as
# tests/otlp-js/run-check.sh does for the writer: skipped only without node/npm.
add_test(NAME traces_export_otlp_js_decoder
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/otlp-js/run-export-check.sh $<TARGET_FILE:sc>
          ${CMAKE_CURRENT_BINARY_DIR}/traces-export-otlp-js)
set_tests_properties(traces_export_otlp_js_decoder PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS e2e
  RESOURCE_LOCK otlp_js_node_modules)
