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

#include <cerrno>
#include <cstdint>

#include "detail/config.hpp"
#include "flags.hpp"

#if defined(_WIN32)
#include "detail/windows/win32.hpp"
#endif

// The private errno copy is read and written twice on every use_errno call. In a -fPIC shared
// object a thread_local takes the general-dynamic TLS model, a __tls_get_addr call per access;
// with glibc the initial-exec model makes each access one load from the GOT and one %fs-relative
// access (bench/README.md, use_errno). It costs 4 bytes of the static TLS surplus glibc keeps
// for libraries loaded with dlopen, as glibc's own errno does. Executables (-fPIE or not) keep
// the local-exec model the compiler picks, which is cheaper still.
// (CTYPES_DETAIL_ERRNO_TLS_MODEL, detail/config.hpp)

namespace ctypes {
namespace detail {
inline int &errno_copy() noexcept {
    static thread_local int value CTYPES_DETAIL_ERRNO_TLS_MODEL = 0;
    return value;
}
inline std::uint32_t &last_error_copy() noexcept {
    static thread_local std::uint32_t value = 0;
    return value;
}
// Exchanges the private copy with the real errno; called right before and right after the
// foreign call, nothing in between.
inline void swap_errno() noexcept {
    int &copy = errno_copy();
    const int real = errno;
    errno = copy;
    copy = real;
}
inline void swap_last_error() noexcept {
#if defined(_WIN32)
    std::uint32_t &copy = last_error_copy();
    const std::uint32_t real = GetLastError();
    SetLastError(copy);
    copy = real;
#endif
}

// What a call swaps around the foreign call. Every call, whatever its bits, rethrows what a
// callback parked during it (see callback.hpp).
enum capture_bits : unsigned char { capture_errno = 1, capture_last_error = 2 };

inline unsigned char capture_of(load_flags f) noexcept {
    return static_cast<unsigned char>((has_flags(f, use_errno) ? capture_errno : 0) |
                                      (has_flags(f, use_last_error) ? capture_last_error : 0));
}

// Swaps the private errno / last-error copies in on construction and out on destruction; lives
// exactly as long as the foreign call expression.
struct capture_scope {
    unsigned char bits;
    explicit capture_scope(unsigned char b) noexcept : bits(b) {
        if (bits & capture_errno)
            swap_errno();
        if (bits & capture_last_error)
            swap_last_error();
    }
    ~capture_scope() {
        if (bits & capture_last_error)
            swap_last_error();
        if (bits & capture_errno)
            swap_errno();
    }
    capture_scope(const capture_scope &) = delete;
    capture_scope &operator=(const capture_scope &) = delete;
};

} // namespace detail

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
