// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_ERRNO_HPP
#define CTYPES_ERRNO_HPP

/// \file
/// ctypes' private, per-thread copies of `errno` and of the Windows last-error code.
///
/// A function called with `use_errno` swaps the private copy into the real `errno` immediately
/// before the foreign call and swaps it back immediately after, so the value the C function left
/// survives whatever the C++ side does (allocations, logging, destructors) until you read it
/// with get_errno(). `use_last_error` does the same for `GetLastError()`.
/// \see https://docs.python.org/3/library/ctypes.html#ctypes.get_errno

#include <cstdint>

#include "detail/errno_copy.hpp"
#include "flags.hpp"

namespace ctypes {

/// The calling thread's private errno copy: what the last `use_errno` foreign call on this
/// thread left in `errno`, or what set_errno() stored. Throws nothing.
/// \see ctypes.get_errno
inline int get_errno() noexcept {
    return detail::errno_copy();
}

/// Replaces the calling thread's private errno copy, which the next `use_errno` call on this
/// thread will see in `errno`. \return the previous private value. Throws nothing.
/// \see ctypes.set_errno
inline int set_errno(int value) noexcept {
    int &copy = detail::errno_copy();
    const int old = copy;
    copy = value;
    return old;
}

/// The calling thread's private last-error copy: what the last `use_last_error` foreign call on
/// this thread left in `GetLastError()`, or what set_last_error() stored. Throws nothing.
/// \note POSIX has no last-error value: the copy exists and round-trips, but no call changes it.
/// \see ctypes.get_last_error
inline std::uint32_t get_last_error() noexcept {
    return detail::last_error_copy();
}

/// Replaces the calling thread's private last-error copy.
/// \return the previous private value. Throws nothing.
/// \see ctypes.set_last_error
inline std::uint32_t set_last_error(std::uint32_t value) noexcept {
    std::uint32_t &copy = detail::last_error_copy();
    const std::uint32_t old = copy;
    copy = value;
    return old;
}

} // namespace ctypes

#endif
