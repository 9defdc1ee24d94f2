// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_CODE_MEMORY_HPP
#define CTYPES_DETAIL_CODE_MEMORY_HPP

// Picks the platform's W^X code memory (detail::code_memory: page_size, map_writable,
// make_executable, unmap) for the thunks made at run time.

#if defined(_WIN32)
#include "windows/code_memory.hpp"
#else
#include "posix/code_memory.hpp"
#endif

#endif
