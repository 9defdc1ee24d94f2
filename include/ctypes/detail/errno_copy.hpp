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

// One thread's errno cell: ctypes' private copy, and the address of the thread's real errno,
// which only the C library can give (`__errno_location()` with glibc, `_errno()` on Windows,
// `__error()` on macOS: a call) and which stays the same for the thread's whole life. Kept
// beside the copy once known, so a swap makes no call: a use_errno thunk then needs no stack
// frame to keep the foreign function's arguments across one (bench/README.md, use_errno).
struct errno_cell {
    int copy = 0;
    int *real = nullptr; // null until the thread's first swap
};

inline errno_cell &errno_cell_of_thread() noexcept {
    static thread_local errno_cell cell CTYPES_DETAIL_ERRNO_TLS_MODEL;
    return cell;
}
inline int &errno_copy() noexcept {
    return errno_cell_of_thread().copy;
}
// The thread's real errno, found once per thread.
CTYPES_DETAIL_COLD inline int *first_errno_address(errno_cell &cell) noexcept {
    return cell.real = &errno;
}
inline std::uint32_t &last_error_copy() noexcept {
    static thread_local std::uint32_t value = 0;
    return value;
}
// Exchanges the private copy with the real errno, once this thread's errno address is known
// (errno_known()); called right before and right after the foreign call, nothing in between.
inline bool errno_known() noexcept {
    return errno_cell_of_thread().real != nullptr;
}
inline void swap_known_errno() noexcept {
    errno_cell &cell = errno_cell_of_thread();
    int *const real = cell.real;
    const int value = *real;
    *real = cell.copy;
    cell.copy = value;
}
inline void swap_errno() noexcept {
    if (CTYPES_DETAIL_UNLIKELY(!errno_known()))
        first_errno_address(errno_cell_of_thread());
    swap_known_errno();
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
