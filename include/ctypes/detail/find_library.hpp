// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_FIND_LIBRARY_HPP
#define CTYPES_DETAIL_FIND_LIBRARY_HPP

// Picks the platform's find_library_impl(name) -> std::string (empty: not found),
// library_file_name(name) and platform_decorated_forms(name), and builds decorated_forms on them.

#if defined(_WIN32)
#include "windows/find_library.hpp"
#elif defined(__APPLE__)
#include "macos/find_library.hpp"
#else
#include "posix/find_library.hpp"
#endif

#include <string>
#include <vector>

namespace ctypes::detail {

// The names try_decorated loads after the name as given, in order. A name with a directory is
// never decorated.
inline std::vector<std::string> decorated_forms(const std::string &name) {
    if (name.empty() || name.find_first_of("/\\") != std::string::npos)
        return {};
    return platform_decorated_forms(name);
}

} // namespace ctypes::detail

#endif
