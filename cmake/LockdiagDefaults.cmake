# Settings shared by every target the project owns. Third-party glue does not use these,
# so -Werror never fires on code we did not write.

set(LOCKDIAG_WARNINGS -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wcast-align -Wimplicit-fallthrough)

# lockdiag_own(target): mark a target as the project's own code.
function(lockdiag_own target)
  target_compile_options(${target} PRIVATE ${LOCKDIAG_WARNINGS})
endfunction()

# Firmware core: freestanding rules (no exceptions, no RTTI, no heap by construction).
function(lockdiag_firmware target)
  lockdiag_own(${target})
  target_compile_options(${target} PRIVATE -fno-exceptions -fno-rtti -fno-threadsafe-statics)
endfunction()

# lockdiag_test(NAME name SOURCES ... LIBS ... [LABELS ...] [TIMEOUT s])
# One doctest executable registered as one CTest test.
function(lockdiag_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  lockdiag_own(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE lockdiag_doctest_main ${T_LIBS})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  # lsan.supp names third-party libraries only; it reaches the child processes tests start.
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "LOCKDIAG_BIN_DIR=${CMAKE_BINARY_DIR}/bin;LOCKDIAG_SOURCE_DIR=${CMAKE_SOURCE_DIR};LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/lsan.supp:print_suppressions=0")
  if(T_LABELS)
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()
