# CMake generated Testfile for 
# Source directory: /work/main/src/util
# Build directory: /work/main/build/dev/src/util
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build/dev/src/util/util_tests[1]_include.cmake")
