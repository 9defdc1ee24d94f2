// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_FIND_LIBRARY_HPP
#define CTYPES_DETAIL_FIND_LIBRARY_HPP

// Picks the platform's find_library_impl(name) -> std::string (empty: not found).

#if defined(_WIN32)
#include "windows/find_library.hpp"
#elif defined(__APPLE__)
#include "macos/find_library.hpp"
#else
#include "posix/find_library.hpp"
#endif

#endif
