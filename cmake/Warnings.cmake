# Warnings are one interface target that every project target links; -Werror only when asked
# (CI and development builds pass -DSC_WERROR=ON).
add_library(sc_warnings INTERFACE)
target_compile_options(sc_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
  -Woverloaded-virtual -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  $<$<CXX_COMPILER_ID:GNU>:-Wduplicated-cond -Wlogical-op -Wno-maybe-uninitialized>)
if(SC_WERROR)
  target_compile_options(sc_warnings INTERFACE -Werror)
endif()
