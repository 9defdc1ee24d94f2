# Runs COMMAND (a ;-list) and checks its exit status (STATUS), its standard output against
# STDOUT (a regular expression matched against the whole output) and its standard error against
# STDERR (a regular expression it must contain). Used by the ctypes-call tests.
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status STREQUAL STATUS)
  message(FATAL_ERROR "exit status ${status}, expected ${STATUS}\nstdout: ${out}\nstderr: ${err}")
endif()
if(DEFINED STDOUT AND NOT out MATCHES "^${STDOUT}$")
  message(FATAL_ERROR "stdout:\n${out}\ndoes not match:\n${STDOUT}")
endif()
if(DEFINED STDERR AND NOT err MATCHES "${STDERR}")
  message(FATAL_ERROR "stderr:\n${err}\ndoes not contain:\n${STDERR}")
endif()
