# The machine's floors, measured side by side with `sc` by bench/cli_bench.sh: plain programs
# with no project code, linked statically so their own start-up is the least it can be.
foreach(floor floor_read_files floor_stat_files floor_page_faults)
  add_executable(${floor} ${CMAKE_CURRENT_SOURCE_DIR}/${floor}.cpp)
  target_link_libraries(${floor} PRIVATE sc_warnings)
  target_link_options(${floor} PRIVATE -static)
endforeach()
