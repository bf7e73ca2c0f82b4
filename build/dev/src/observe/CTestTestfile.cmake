# CMake generated Testfile for 
# Source directory: /work/main/src/observe
# Build directory: /work/main/build/dev/src/observe
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
