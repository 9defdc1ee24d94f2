# Builds the consumer with a plain compiler command and the flags pkg-config gives for
# ctypes-cpp from an install tree, then runs it. Run by CTest:
#   cmake -DPKG_CONFIG=... -DPREFIX=... -DCXX=... -DSOURCE=... -DOUTPUT=... -DVERSION=...
#         -P pkg_config.cmake
# Exits 77 (CTest: skipped) when there is no pkg-config.
if(NOT PKG_CONFIG OR NOT EXISTS "${PKG_CONFIG}")
  message("pkg-config not found (apt pkg-config): skipped")
  cmake_language(EXIT 77)
endif()

set(ENV{PKG_CONFIG_PATH} "${PREFIX}/share/pkgconfig")
set(ENV{PKG_CONFIG_LIBDIR} "${PREFIX}/share/pkgconfig") # nothing but the tree under test

execute_process(COMMAND ${PKG_CONFIG} --modversion ctypes-cpp OUTPUT_VARIABLE version
                RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0 OR NOT version STREQUAL VERSION)
  message(FATAL_ERROR "pkg-config --modversion ctypes-cpp gave '${version}' (${rc}), "
                      "expected '${VERSION}'")
endif()
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs ctypes-cpp OUTPUT_VARIABLE flags
                RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs ctypes-cpp failed")
endif()
# The .pc file finds its prefix relative to itself: the -I must lead to this tree's headers.
string(REGEX MATCH "-I([^ ]+)" _ "${flags}")
file(REAL_PATH "${CMAKE_MATCH_1}" include_dir)
file(REAL_PATH "${PREFIX}/include" expected_include_dir)
if(NOT include_dir STREQUAL expected_include_dir)
  message(FATAL_ERROR "pkg-config's flags '${flags}' do not point to ${PREFIX}/include")
endif()
message("pkg-config --cflags --libs ctypes-cpp: ${flags}")
separate_arguments(flags UNIX_COMMAND "${flags}")

set(command ${CXX} -std=c++17 ${SOURCE} ${flags} -o ${OUTPUT})
string(REPLACE ";" " " shown "${command}")
message("${shown}")
execute_process(COMMAND ${command} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer did not build with pkg-config's flags")
endif()
execute_process(COMMAND ${OUTPUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer built with pkg-config's flags failed (${rc})")
endif()
