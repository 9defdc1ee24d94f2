# Checks the vcpkg port without vcpkg: runs packaging/vcpkg/ports/ctypes-cpp/portfile.cmake
# with stand-ins for the vcpkg functions it calls, which record their arguments and check them
# against the project: the CMake options exist, the config path and pkg-config file are where
# the install tree (the one the consumer tests use) has them, the license file exists.
#   cmake -DSOURCE_DIR=<repo> -DPREFIX=<install prefix> -DWORK_DIR=<scratch> -P check_vcpkg_port.cmake
cmake_minimum_required(VERSION 3.19)

set(port_dir ${SOURCE_DIR}/packaging/vcpkg/ports/ctypes-cpp)
file(READ ${port_dir}/vcpkg.json manifest)
string(JSON VERSION GET "${manifest}" version)
string(JSON PORT GET "${manifest}" name)
set(CURRENT_PACKAGES_DIR ${WORK_DIR}/packages)
file(REMOVE_RECURSE ${CURRENT_PACKAGES_DIR})
file(MAKE_DIRECTORY ${CURRENT_PACKAGES_DIR})
file(READ ${SOURCE_DIR}/CMakeLists.txt top)
string(REGEX MATCHALL "option\\(([A-Z_]+)" options "${top}")
string(REPLACE "option(" "" options "${options}")

function(vcpkg_from_github)
  cmake_parse_arguments(arg "" "OUT_SOURCE_PATH;REPO;REF;SHA512;HEAD_REF" "" ${ARGN})
  if(NOT arg_OUT_SOURCE_PATH OR NOT arg_REPO OR NOT arg_REF OR "${arg_SHA512}" STREQUAL "")
    message(FATAL_ERROR "vcpkg_from_github needs OUT_SOURCE_PATH, REPO, REF and SHA512")
  endif()
  set(${arg_OUT_SOURCE_PATH} ${SOURCE_DIR} PARENT_SCOPE)
  set_property(GLOBAL APPEND PROPERTY port_calls vcpkg_from_github)
endfunction()

function(vcpkg_cmake_configure)
  cmake_parse_arguments(arg "" "SOURCE_PATH" "OPTIONS" ${ARGN})
  if(NOT EXISTS "${arg_SOURCE_PATH}/CMakeLists.txt")
    message(FATAL_ERROR "vcpkg_cmake_configure: no CMakeLists.txt in '${arg_SOURCE_PATH}'")
  endif()
  foreach(option IN LISTS arg_OPTIONS)
    if(option MATCHES "^-D([A-Z_]+)=" AND NOT CMAKE_MATCH_1 IN_LIST options)
      message(FATAL_ERROR "vcpkg_cmake_configure sets ${CMAKE_MATCH_1}, which CMakeLists.txt "
                          "has no option() for")
    endif()
  endforeach()
  foreach(off CTYPES_BUILD_TESTS CTYPES_BUILD_EXAMPLES CTYPES_BUILD_BENCH)
    if(NOT "-D${off}=OFF" IN_LIST arg_OPTIONS)
      message(FATAL_ERROR "vcpkg_cmake_configure does not turn ${off} off")
    endif()
  endforeach()
  set_property(GLOBAL APPEND PROPERTY port_calls vcpkg_cmake_configure)
endfunction()

function(vcpkg_cmake_install)
  set_property(GLOBAL APPEND PROPERTY port_calls vcpkg_cmake_install)
endfunction()

function(vcpkg_cmake_config_fixup)
  cmake_parse_arguments(arg "" "PACKAGE_NAME;CONFIG_PATH" "" ${ARGN})
  if(NOT arg_PACKAGE_NAME STREQUAL "ctypes")
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: PACKAGE_NAME '${arg_PACKAGE_NAME}' is not "
                        "the find_package name 'ctypes'")
  endif()
  if(NOT EXISTS "${PREFIX}/${arg_CONFIG_PATH}/ctypesConfig.cmake"
     OR NOT EXISTS "${PREFIX}/${arg_CONFIG_PATH}/ctypesConfigVersion.cmake"
     OR NOT EXISTS "${PREFIX}/${arg_CONFIG_PATH}/ctypesTargets.cmake")
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: CONFIG_PATH '${arg_CONFIG_PATH}' does not "
                        "hold the config files in the install tree ${PREFIX}")
  endif()
  set_property(GLOBAL APPEND PROPERTY port_calls vcpkg_cmake_config_fixup)
endfunction()

function(vcpkg_fixup_pkgconfig)
  if(NOT EXISTS "${PREFIX}/share/pkgconfig/ctypes-cpp.pc")
    message(FATAL_ERROR "vcpkg_fixup_pkgconfig: the install tree has no share/pkgconfig/ctypes-cpp.pc")
  endif()
  set_property(GLOBAL APPEND PROPERTY port_calls vcpkg_fixup_pkgconfig)
endfunction()

function(vcpkg_install_copyright)
  cmake_parse_arguments(arg "" "" "FILE_LIST" ${ARGN})
  foreach(f IN LISTS arg_FILE_LIST)
    if(NOT EXISTS "${f}")
      message(FATAL_ERROR "vcpkg_install_copyright: no file '${f}'")
    endif()
  endforeach()
  set_property(GLOBAL APPEND PROPERTY port_calls vcpkg_install_copyright)
endfunction()

include(${port_dir}/portfile.cmake)

get_property(port_calls GLOBAL PROPERTY port_calls)
foreach(needed vcpkg_from_github vcpkg_cmake_configure vcpkg_cmake_install
               vcpkg_cmake_config_fixup vcpkg_fixup_pkgconfig vcpkg_install_copyright)
  if(NOT needed IN_LIST port_calls)
    message(FATAL_ERROR "the portfile never calls ${needed}")
  endif()
endforeach()
if(NOT EXISTS ${CURRENT_PACKAGES_DIR}/share/${PORT}/usage)
  message(FATAL_ERROR "the portfile does not install its usage file")
endif()
message("check_vcpkg_port: ${PORT} ${VERSION}: ${port_calls}")
