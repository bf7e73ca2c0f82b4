# sc_link_in_order(<target>): lay out the executable's functions in the order of
# cmake/sc-function-order.txt (scripts/order-functions.sh), with LLD. The functions a command
# runs are otherwise spread over the whole 4 MB of text, and each 64 KiB of it a command
# touches is a page fault of 15-20 µs on the VMs we measure on; in order, `task list` touches
# about a quarter fewer pages (docs/performance.md). Relative relocations are packed (RELR),
# so the static PIE's start reads 1 KiB of them instead of 130 KiB.
#
# Every object is compiled with -ffunction-sections, so each function can be placed on its own.
# Without LLD the build links as before, in the compiler's order.
find_program(SC_LLD NAMES ld.lld)
set(SC_FUNCTION_ORDER ${PROJECT_SOURCE_DIR}/cmake/sc-function-order.txt)
if(SC_LLD AND NOT SC_SANITIZE)
  add_compile_options(-ffunction-sections)
elseif(NOT SC_LLD)
  message(STATUS "ld.lld not found: sc is linked without its function order")
endif()

function(sc_link_in_order target)
  if(NOT SC_LLD OR SC_SANITIZE)
    return()
  endif()
  target_link_options(${target} PRIVATE -fuse-ld=lld -Wl,--symbol-ordering-file=${SC_FUNCTION_ORDER}
    -Wl,--no-warn-symbol-ordering -Wl,--pack-dyn-relocs=relr)
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${SC_FUNCTION_ORDER})
endfunction()
