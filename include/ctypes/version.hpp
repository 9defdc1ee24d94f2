// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_VERSION_HPP
#define CTYPES_VERSION_HPP

/// \file
/// The library version, kept in step with CHANGELOG.md and the CMake project version.

/// The major version: a change here may break code written against an older one.
#define CTYPES_VERSION_MAJOR 0
/// The minor version: additions that keep code written against an older one working.
#define CTYPES_VERSION_MINOR 1
/// The patch version: fixes only.
#define CTYPES_VERSION_PATCH 0
/// The version as one comparable number: major * 10000 + minor * 100 + patch.
#define CTYPES_VERSION                                                                             \
    (CTYPES_VERSION_MAJOR * 10000 + CTYPES_VERSION_MINOR * 100 + CTYPES_VERSION_PATCH)

#endif
