// What each platform's loader reports, for the expectations of the portable tests: dlopen and
// dlsym give text only (ctypes::errc codes), Windows gives GetLastError() values; and the
// system library every platform has, the C runtime.
#ifndef CTYPES_TEST_PLATFORM_HPP
#define CTYPES_TEST_PLATFORM_HPP

#include <ctypes/error.hpp>

#include <string>
#include <system_error>

namespace test_platform {

// The C runtime the test program itself uses, by the name its loader knows: glibc's libc.so.6,
// or msvcrt.dll, the CRT of mingw-w64 programs (so that errno is the program's own).
inline constexpr const char *c_runtime =
#if defined(_WIN32)
    "msvcrt.dll";
#else
    "libc.so.6";
#endif

// The library of the C math functions (cos, frexp): glibc's libm.so.6, or the C runtime.
inline constexpr const char *math_library =
#if defined(_WIN32)
    "msvcrt.dll";
#else
    "libm.so.6";
#endif

// A POSIX function's name in the C runtime: msvcrt exports open, close, unlink and snprintf as
// _open, _close, _unlink and _snprintf.
inline std::string c_runtime_name(const std::string &posix_name) {
#if defined(_WIN32)
    return "_" + posix_name;
#else
    return posix_name;
#endif
}

// A file that can always be opened for reading.
inline constexpr const char *null_device =
#if defined(_WIN32)
    "NUL";
#else
    "/dev/null";
#endif

// The code of a load that found no such library.
inline std::error_code missing_library() {
#if defined(_WIN32)
    return {126, std::system_category()}; // ERROR_MOD_NOT_FOUND
#else
    return ctypes::errc::load_failed;
#endif
}

// The code of a lookup that found no such symbol.
inline std::error_code missing_symbol() {
#if defined(_WIN32)
    return {127, std::system_category()}; // ERROR_PROC_NOT_FOUND
#else
    return ctypes::errc::symbol_not_found;
#endif
}

// Whether the loader knows an export's kind and size (ELF's symbol table does, PE's exports
// do not), so that get<Sig>() can refuse data and var<T>() a wrong size.
inline constexpr bool knows_symbol_kinds =
#if defined(__GLIBC__) || defined(__FreeBSD__)
    true;
#else
    false;
#endif

// The what() of the ctypes::error that `attempt` throws, to compare a non-throwing report with.
template <class F>
std::string what_of(F &&attempt) {
    try {
        attempt();
    } catch (const ctypes::error &e) {
        return e.what();
    }
    return "(did not throw)";
}

} // namespace test_platform

#endif
