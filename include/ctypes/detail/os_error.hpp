// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_OS_ERROR_HPP
#define CTYPES_DETAIL_OS_ERROR_HPP

#include <string>
#include <system_error>

namespace ctypes::detail {

// What a platform loader reports when it refuses: a code (ctypes::errc on POSIX, whose loader
// gives text only; the GetLastError() value on Windows) and the loader's own words.
struct os_error {
    std::error_code code;
    std::string text;
};

} // namespace ctypes::detail

#endif
