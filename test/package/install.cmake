# Installs the configured project into a fresh prefix: the tree the package tests consume.
#   cmake -DPREFIX=<prefix> -DBUILD_DIR=<build tree> -P install.cmake
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} --prefix ${PREFIX} failed")
endif()
foreach(f include/ctypes/ctypes.hpp share/cmake/ctypes/ctypesConfig.cmake
          share/cmake/ctypes/ctypesConfigVersion.cmake share/cmake/ctypes/ctypesTargets.cmake
          share/pkgconfig/ctypes-cpp.pc)
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "the install tree lacks ${f}")
  endif()
endforeach()
