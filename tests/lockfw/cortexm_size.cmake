# Builds lockfw for the Cortex-M4 (preset cortex-m4) into its own build directory and checks
# the reference configuration fits the part: code (text + data) <= 48 KiB of flash, static
# RAM (data + bss) <= 8 KiB (budgets tightened by issue 11; docs/firmware.md). The slot table and event log live in the flash storage region
# (see lockfw/port/cortexm/lockfw-m4.ld), not in RAM.
# Usage: cmake -DSOURCE_DIR=... -DBUILD_DIR=... -P cortexm_size.cmake
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} --preset cortex-m4 -B ${BUILD_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the cortex-m4 preset failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} -j 2 --target lockfw-m4
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building lockfw-m4 failed:\n${out}\n${err}")
endif()
set(elf ${BUILD_DIR}/bin/lockfw-m4.elf)
execute_process(COMMAND arm-none-eabi-size ${elf} RESULT_VARIABLE rc OUTPUT_VARIABLE size ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "arm-none-eabi-size failed: ${err}")
endif()
message("${size}")
string(REGEX MATCH "\n[ \t]*([0-9]+)[ \t]+([0-9]+)[ \t]+([0-9]+)" _ "${size}")
set(text ${CMAKE_MATCH_1})
set(data ${CMAKE_MATCH_2})
set(bss ${CMAKE_MATCH_3})
if(text STREQUAL "")
  message(FATAL_ERROR "cannot parse arm-none-eabi-size output")
endif()
math(EXPR flash "${text} + ${data}")
math(EXPR ram "${data} + ${bss}")
message("lockfw-m4 (250 slots, 10,000 events): flash ${flash} B of 49152, static RAM ${ram} B of 8192")
if(flash GREATER 49152)
  message(FATAL_ERROR "code does not fit 48 KiB of flash: ${flash} B")
endif()
if(ram GREATER 8192)
  message(FATAL_ERROR "static RAM exceeds 8 KiB: ${ram} B")
endif()
