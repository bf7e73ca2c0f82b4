# CMake generated Testfile for 
# Source directory: /work/main/src
# Build directory: /work/main/build/dev/src
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("util")
subdirs("telemetry")
subdirs("store")
subdirs("tasks")
subdirs("observe")
subdirs("cli")
subdirs("apps")
