// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
// The system libraries the package consumers call: CONSUMER_LIBM, and CONSUMER_LIBZ where the
// platform has zlib as a system library.
#ifndef CONSUMER_LIBRARIES_H
#define CONSUMER_LIBRARIES_H

#if defined(_WIN32)
#define CONSUMER_LIBM "ucrtbase.dll"
#elif defined(__APPLE__)
#define CONSUMER_LIBM "libSystem.B.dylib"
#define CONSUMER_LIBZ "libz.1.dylib"
#else
#define CONSUMER_LIBM "libm.so.6"
#define CONSUMER_LIBZ "libz.so.1"
#endif

#endif
