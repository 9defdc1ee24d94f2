// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_VERSION_HPP
#define CTYPES_VERSION_HPP

/// \file
/// The library version, kept in step with CHANGELOG.md and the CMake project version.

#define CTYPES_VERSION_MAJOR 0
#define CTYPES_VERSION_MINOR 1
#define CTYPES_VERSION_PATCH 0
/// The version as one comparable number: major * 10000 + minor * 100 + patch.
#define CTYPES_VERSION                                                                             \
    (CTYPES_VERSION_MAJOR * 10000 + CTYPES_VERSION_MINOR * 100 + CTYPES_VERSION_PATCH)

#endif
