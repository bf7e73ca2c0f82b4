# Task tree benchmarks (docs/layout.md, "Performance"). From a build folder:
#   ./bench/tasks_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#   whole commands: make bench, or bench/cli_bench.sh (see docs/performance.md)
add_executable(tasks_bench ${CMAKE_CURRENT_SOURCE_DIR}/tasks_bench.cpp)
target_include_directories(tasks_bench PRIVATE ${PROJECT_SOURCE_DIR})
# sc_cli for TaskListJsonWriter: BM_ListCurrentAsJson times the code `sc task list --format json` runs.
target_link_libraries(tasks_bench PRIVATE sc_tasks sc_cli benchmark::benchmark sc_warnings)

# The walk of a listing on one thread and on two (tasks/tree_walk.hpp).
add_executable(walk_bench ${CMAKE_CURRENT_SOURCE_DIR}/walk_bench.cpp)
target_include_directories(walk_bench PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(walk_bench PRIVATE sc_tasks benchmark::benchmark sc_warnings)

add_executable(gen_task_tree ${CMAKE_CURRENT_SOURCE_DIR}/gen_task_tree.cpp)
target_include_directories(gen_task_tree PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(gen_task_tree PRIVATE sc_util sc_warnings)
