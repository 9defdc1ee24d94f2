# Checks that every place that states the version agrees: CMake's project(VERSION), the
# CTYPES_VERSION_* macros, the top release in CHANGELOG.md, the vcpkg port's vcpkg.json and the
# Conan recipe. Run by CTest: cmake -DSOURCE_DIR=... -DPROJECT_VERSION=... -P versions.cmake
cmake_minimum_required(VERSION 3.19) # string(JSON)

set(problems "")
macro(expect what value)
  if(NOT "${value}" STREQUAL "${PROJECT_VERSION}")
    string(APPEND problems "\n  ${what} says '${value}'")
  else()
    message("${what}: ${value}")
  endif()
endmacro()

file(READ ${SOURCE_DIR}/include/ctypes/version.hpp header)
foreach(part MAJOR MINOR PATCH)
  if(header MATCHES "#define CTYPES_VERSION_${part} ([0-9]+)")
    set(${part} ${CMAKE_MATCH_1})
  else()
    set(${part} "?")
  endif()
endforeach()
expect("include/ctypes/version.hpp" "${MAJOR}.${MINOR}.${PATCH}")

file(STRINGS ${SOURCE_DIR}/CHANGELOG.md releases REGEX "^## [0-9]+\\.[0-9]+\\.[0-9]+")
list(GET releases 0 top)
string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" top "${top}")
expect("CHANGELOG.md (top release)" "${top}")

file(READ ${SOURCE_DIR}/packaging/vcpkg/ports/ctypes-cpp/vcpkg.json port)
string(JSON port_version ERROR_VARIABLE json_error GET "${port}" version)
if(json_error)
  string(APPEND problems "\n  packaging/vcpkg/ports/ctypes-cpp/vcpkg.json: ${json_error}")
else()
  expect("packaging/vcpkg/ports/ctypes-cpp/vcpkg.json" "${port_version}")
endif()

file(STRINGS ${SOURCE_DIR}/packaging/conan/conanfile.py recipe REGEX "^    version = ")
string(REGEX MATCH "\"([^\"]*)\"" _ "${recipe}")
expect("packaging/conan/conanfile.py" "${CMAKE_MATCH_1}")

if(problems)
  message(FATAL_ERROR "versions out of step with project(VERSION ${PROJECT_VERSION}):${problems}")
endif()
