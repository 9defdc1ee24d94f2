// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_INSPECT_HPP
#define CTYPES_DETAIL_INSPECT_HPP

// Picks the platform's inspection functions; every platform defines the same four:
//   image_symbols(handle)       -> std::vector<symbol_info>, a loaded library's exports
//   loaded_images()             -> std::vector<loaded_image>
//   image_is_loaded(path)       -> bool
//   missing_dependency(file)    -> std::string, empty or "dependency 'x' (needed by 'y') ..."

#include <string>
#include <vector>

#include "suggest.hpp"

#if defined(_WIN32)
#include "windows/inspect.hpp"
#elif defined(__APPLE__)
#include "macos/inspect.hpp"
#else
#include "posix/inspect.hpp"
#endif

#endif
