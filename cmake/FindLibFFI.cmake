# Finds libffi, which the runtime-typed calls (ctypes::dynamic) link: the header ffi.h
# (CTYPES_FFI_INCLUDE_DIR) and the library (CTYPES_FFI_LIBRARY), on CMake's usual search paths,
# and makes the imported target LibFFI::ffi of them. Used by the project's own build and, once
# installed beside ctypesConfig.cmake, by find_package(ctypes), so that a consumer of
# ctypes::dynamic finds its libffi the same way.
find_path(CTYPES_FFI_INCLUDE_DIR ffi.h PATH_SUFFIXES ffi)
find_library(CTYPES_FFI_LIBRARY ffi)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibFFI REQUIRED_VARS CTYPES_FFI_LIBRARY CTYPES_FFI_INCLUDE_DIR)
if(LibFFI_FOUND AND NOT TARGET LibFFI::ffi)
  add_library(LibFFI::ffi UNKNOWN IMPORTED)
  set_target_properties(LibFFI::ffi PROPERTIES IMPORTED_LOCATION "${CTYPES_FFI_LIBRARY}"
                                               INTERFACE_INCLUDE_DIRECTORIES "${CTYPES_FFI_INCLUDE_DIR}")
endif()
