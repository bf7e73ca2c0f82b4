# CMake generated Testfile for 
# Source directory: /work/main/src/telemetry
# Build directory: /work/main/build/dev/src/telemetry
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
