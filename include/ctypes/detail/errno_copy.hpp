// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_ERRNO_COPY_HPP
#define CTYPES_DETAIL_ERRNO_COPY_HPP

// ctypes' private per-thread copies of errno and of the Windows last-error code, and the swap
// around a foreign call or a callback. A leaf: errno.hpp gives users get_errno() and friends on
// it, and the call paths and callback thunks swap through it without a public header.

#include <cerrno>
#include <cstdint>

#include "config.hpp"
#include "flag_bits.hpp"

#if defined(_WIN32)
#include "windows/win32.hpp"
#endif

// The private errno copy is read and written twice on every use_errno call. In a -fPIC shared
// object a thread_local takes the general-dynamic TLS model, a __tls_get_addr call per access;
// with glibc the initial-exec model makes each access one load from the GOT and one %fs-relative
// access (bench/README.md, use_errno). It costs 4 bytes of the static TLS surplus glibc keeps
// for libraries loaded with dlopen, as glibc's own errno does. Executables (-fPIE or not) keep
// the local-exec model the compiler picks, which is cheaper still.
// (CTYPES_DETAIL_ERRNO_TLS_MODEL, detail/config.hpp)

namespace ctypes::detail {

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
    return static_cast<unsigned char>(
        (has_flags(f, load_flags::use_errno) ? capture_errno : 0) |
        (has_flags(f, load_flags::use_last_error) ? capture_last_error : 0));
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

} // namespace ctypes::detail

#endif
