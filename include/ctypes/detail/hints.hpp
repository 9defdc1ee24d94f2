// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_HINTS_HPP
#define CTYPES_DETAIL_HINTS_HPP

// Branch and placement hints for the call paths: the rare branch, and the out-of-line function
// it leads to, so that the common path stays the few instructions bench/README.md counts.

#if defined(__GNUC__) || defined(__clang__)
#define CTYPES_DETAIL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define CTYPES_DETAIL_COLD __attribute__((noinline, cold))
#elif defined(_MSC_VER)
#define CTYPES_DETAIL_UNLIKELY(x) (x)
#define CTYPES_DETAIL_COLD __declspec(noinline)
#else
#define CTYPES_DETAIL_UNLIKELY(x) (x)
#define CTYPES_DETAIL_COLD
#endif

#endif
