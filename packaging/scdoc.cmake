# cmake -DSCDOC=... -DIN=page.scd -DOUT=page.1 -P scdoc.cmake: scdoc reads stdin and writes stdout.
# scdoc dates the page from SOURCE_DATE_EPOCH when set (reproducible builds).
execute_process(COMMAND ${SCDOC} INPUT_FILE ${IN} OUTPUT_FILE ${OUT} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT})
  message(FATAL_ERROR "scdoc failed on ${IN}: ${err}")
endif()
